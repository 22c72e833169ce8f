"""Validation of one question's YAML into a `Question`, reporting every problem found."""

from __future__ import annotations

import itertools
import re
import unicodedata

from quiz import expr, template
from quiz.fields import Reporter, describe
from quiz.model import PINS, QUESTION_TYPES, SCORING_MODES, Choice, NumericAnswer, Question
from quiz.yamlio import YMap, YNode, YScalar, YSeq

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_VARIANTS = 10_000
# With no `tolerance`, an answer whose value has no short decimal form (1/3) accepts 3
# significant digits: rounding to 3 digits is off by at most 0.5% of the value.
DEFAULT_RELATIVE = 5e-3

COMMON_KEYS = ("id", "type", "prompt", "explanation", "points", "tags")
TYPE_KEYS = {
    "single": ("choices", "shuffle"),
    "multiple": ("choices", "shuffle", "scoring"),
    "true_false": ("answer", "feedback"),
    "numeric": ("answer", "params", "feedback"),
}
# Why a key that belongs to another type is wrong here, and what to write instead.
ELSEWHERE = {
    "choices": "Only single and multiple questions have choices; "
    "a true_false question takes `answer: true` or `answer: false`",
    "shuffle": "Only single and multiple questions shuffle choices. Remove it",
    "scoring": "Only multiple questions have a scoring mode. Remove it, or use `type: multiple`",
    "answer": "Mark the right choice with `correct: true` instead",
    "params": "Only numeric questions have params. Remove them, or use `type: numeric`",
    "feedback": "Put feedback on each choice instead (`feedback:` under a choice)",
}
CHOICE_KEYS = ("text", "correct", "feedback", "pin")
# A select-all question needs a right choice: an empty answer cannot be typed, and no LMS
# scores one.
NONE_APPLIES = (
    'at least one; when none applies, add a choice such as "None of these" with '
    "`pin: last` and mark that one"
)
ANSWER_KEYS = ("value", "expr", "tolerance")


def ident(text: str) -> str:
    """A valid question or bank id, or '' when it is not one."""
    return text if ID_PATTERN.match(text) else ""


def check_question(node: YNode, index: int, bank: str, report: Reporter) -> Question | None:
    report.question = f"#{index + 1}"
    before = len(report.problems)
    if not isinstance(node, YMap):
        report.add(
            node,
            f"a question must be a mapping (`- id: ...`), not {describe(node)}. "
            "Start each question with `- id:` and indent its keys",
        )
        return None
    entries = {k: v for k, (_, v) in node.entries.items()}
    qid = None
    if "id" in entries:
        qid = report.text(entries["id"], "id")
        if qid is not None and not ident(qid):
            report.add(
                entries["id"],
                f"the id `{qid}` may use only lowercase letters, digits and "
                "single hyphens. Write e.g. `momentum-effect`",
            )
        elif qid is not None:
            report.question = qid
            id_pos = entries["id"].pos
            report.ids.append(("question", qid, report.file, id_pos.line, id_pos.col))
    qtype = report.choose(entries["type"], "type", QUESTION_TYPES) if "type" in entries else None
    allowed = COMMON_KEYS + (TYPE_KEYS[qtype] if qtype else tuple(ELSEWHERE))
    what = f"a {qtype} question" if qtype else "a question"
    elsewhere = {k: v for k, v in ELSEWHERE.items() if k not in allowed}
    required = ["id", "type", "prompt"] + (["choices"] if qtype in ("single", "multiple") else [])
    required += ["answer"] if qtype in ("true_false", "numeric") else []
    report.keys(node, allowed, required, what, elsewhere)

    fields: dict[str, object] = {}
    if "prompt" in entries:
        fields["prompt"] = report.text(entries["prompt"], "prompt")
    for key in ("explanation", "feedback"):
        if key in entries and key in allowed:
            fields[key] = report.text(entries[key], key)
    if "points" in entries:
        fields["points"] = report.number(entries["points"], "points", positive=True)
    if "tags" in entries:
        fields["tags"] = _tags(entries["tags"], report)
    if qtype in ("single", "multiple"):
        fields["choices"] = _choices(entries.get("choices"), qtype, report)
        if "shuffle" in entries:
            fields["shuffle"] = report.boolean(entries["shuffle"], "shuffle")
        if qtype == "multiple" and "scoring" in entries:
            fields["scoring"] = report.choose(entries["scoring"], "scoring", SCORING_MODES)
    elif qtype == "true_false" and "answer" in entries:
        fields["answer"] = report.boolean(entries["answer"], "answer")
    elif qtype == "numeric":
        params = _params(entries["params"], report) if "params" in entries else ()
        fields["params"] = params
        if "answer" in entries:
            fields["answer"] = _numeric_answer(entries["answer"], params, report)
        if isinstance(fields.get("prompt"), str) and params:  # only params make a template
            _placeholders(entries["prompt"], str(fields["prompt"]), params, report)

    if qid is None or qtype is None or any(v is None for v in fields.values()):
        return None
    if len(report.problems) > before:
        return None
    return Question(id=qid, type=qtype, bank=bank, file=report.file, line=node.pos.line, **fields)  # type: ignore[arg-type]


def _tags(node: YNode, report: Reporter) -> tuple[str, ...] | None:
    if not isinstance(node, YSeq):
        report.add(node, f"`tags` must be a list, not {describe(node)}. Write `tags: [a, b]`")
        return None
    tags = [report.text(item, "tag") for item in node.items]
    return None if None in tags else tuple(t for t in tags if t)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _choices(node: YNode | None, qtype: str, report: Reporter) -> tuple[Choice, ...] | None:
    if node is None:
        return None
    if not isinstance(node, YSeq):
        report.add(
            node,
            f"`choices` must be a list, not {describe(node)}. "
            "Write each choice as `- text: ...` on its own line",
        )
        return None
    if len(node.items) < 2:
        report.add(
            node,
            f"there {'is only one choice' if node.items else 'are no choices'}. "
            "Give at least 2 choices",
        )
    choices: list[Choice | None] = []
    seen: dict[str, int] = {}
    pinned: dict[str, int] = {}
    for number, item in enumerate(node.items, start=1):
        choice = _choice(item, number, report)
        choices.append(choice)
        if choice is None:
            continue
        key = _normal(choice.text)
        if key in seen:
            report.add(
                item,
                f'choice {number} repeats choice {seen[key]} ("{choice.text}"). '
                "Make every choice different",
            )
        seen.setdefault(key, number)
        if choice.pin in pinned:
            report.add(
                item,
                f"choices {pinned[choice.pin]} and {number} are both pinned "
                f"`{choice.pin}`. Pin at most one choice first and one last",
            )
        elif choice.pin:
            pinned[choice.pin] = number
    if None in choices:
        return None
    done = tuple(c for c in choices if c is not None)
    correct = [n for n, c in enumerate(done, start=1) if c.correct]
    if not correct:
        how = "exactly one" if qtype == "single" else NONE_APPLIES
        report.add(node, f"no choice is marked `correct: true`. Mark {how}")
    elif qtype == "single" and len(correct) > 1:
        listed = ", ".join(map(str, correct))
        report.add(
            node,
            f"{len(correct)} choices (choices {listed}) are marked correct, but a "
            "single question has exactly one. Keep one, or use `type: multiple`",
        )
    return done


def _choice(node: YNode, number: int, report: Reporter) -> Choice | None:
    if not isinstance(node, YMap):
        shown = f" (`- text: {node.raw}`)" if isinstance(node, YScalar) else ""
        report.add(
            node,
            f"choice {number} must be a mapping with `text:`, not "
            f"{describe(node)}. Write it as `- text: ...`{shown}",
        )
        return None
    report.keys(node, CHOICE_KEYS, ["text"], f"choice {number}")
    entries = {k: v for k, (_, v) in node.entries.items()}
    text = report.text(entries["text"], "text") if "text" in entries else None
    correct = report.boolean(entries["correct"], "correct") if "correct" in entries else False
    feedback = report.text(entries["feedback"], "feedback") if "feedback" in entries else ""
    pin = report.choose(entries["pin"], "pin", PINS) if "pin" in entries else ""
    if text is None or correct is None or feedback is None or pin is None:
        return None
    return Choice(text=text, correct=correct, feedback=feedback or None, pin=pin or None)


def _params(node: YNode, report: Reporter) -> tuple[tuple[str, tuple[float, ...]], ...] | None:
    if not isinstance(node, YMap):
        report.add(
            node,
            f"`params` must be a mapping, not {describe(node)}. "
            "Write e.g. `params: {beta: [0.5, 0.9], lr: [0.1]}`",
        )
        return None
    params = []
    ok = True
    for name, (key_node, values) in node.entries.items():
        if not (name.isidentifier() and name.isascii()) or name in expr.RESERVED:
            report.add(
                key_node,
                f"the param name `{name}` cannot be used. Use a plain name "
                f"such as `beta` or `lr` (not {', '.join(sorted(expr.RESERVED))})",
            )
            ok = False
            continue
        items = values.items if isinstance(values, YSeq) else [values]
        if not items:
            report.add(values, f"param `{name}` has no values. Give at least one number")
            ok = False
            continue
        numbers = [report.number(v, f"{name}") for v in items]
        if None in numbers:
            ok = False
            continue
        params.append((name, tuple(float(n) for n in numbers if n is not None)))
    if ok:
        count = 1
        for _, values in params:
            count *= len(values)
        if count > MAX_VARIANTS:
            report.add(
                node,
                f"the params make {count} variants (more than {MAX_VARIANTS}). "
                "Give fewer values per param",
            )
            return None
    return tuple(params) if ok else None


def _numeric_answer(node: YNode, params: tuple | None, report: Reporter) -> NumericAnswer | None:
    if not isinstance(node, YMap):
        if isinstance(node, YScalar) and isinstance(node.value, int | float):
            hint = f"`answer: {{value: {node.raw}, tolerance: 1.0e-6}}`"
        elif isinstance(node, YScalar) and node.raw.strip():
            # `answer: 1/2` or `answer: 2/3`: arithmetic belongs in `expr`, quoted.
            hint = f'`answer: {{expr: "{node.raw.strip()}"}}` (arithmetic goes in `expr`)'
        else:
            hint = "`answer: {value: 0.8, tolerance: 1.0e-6}`"
        report.add(
            node,
            f"a numeric `answer` must be a mapping with `value` or `expr`, not "
            f"{describe(node)}. Write e.g. {hint}",
        )
        return None
    report.keys(node, ANSWER_KEYS, [], "a numeric answer")
    entries = {k: v for k, (_, v) in node.entries.items()}
    tolerance, relative = 0.0, 0.0
    if "tolerance" in entries:
        tol = report.number(entries["tolerance"], "tolerance")
        if tol is not None and tol < 0:
            report.add(
                entries["tolerance"],
                f"`tolerance` is {tol}, below zero. Write 0 or a positive number such as 1.0e-6",
            )
            return None
        if tol is None:
            return None
        tolerance = float(tol)
    if ("value" in entries) == ("expr" in entries):
        report.add(
            node,
            "a numeric answer needs exactly one of `value` and `expr`. "
            "Write `value: <number>` or `expr: <arithmetic over params>`",
        )
        return None
    if "value" in entries:
        value = report.number(entries["value"], "value")
        if value is None:
            return None
        if "tolerance" not in entries and not _short(float(value)):
            relative = DEFAULT_RELATIVE
        return NumericAnswer(tolerance=tolerance, value=float(value), relative=relative)
    source = report.text(entries["expr"], "expr")
    if source is None or params is None:
        return None
    names = {name for name, _ in params}
    try:
        parsed = expr.parse(source, names)
    except expr.ExprError as exc:
        report.add(entries["expr"], f"the expr `{source}` {exc}")
        return None
    for combo in itertools.product(*(values for _, values in params)):
        variant = dict(zip([n for n, _ in params], combo, strict=True))
        try:
            if not _short(parsed.evaluate(variant)) and "tolerance" not in entries:
                relative = DEFAULT_RELATIVE
        except expr.ExprError as exc:
            shown = ", ".join(f"{k}={v:g}" for k, v in variant.items())
            report.add(
                entries["expr"],
                f"the expr `{source}` {exc} for {shown or 'no params'}. "
                "Change the expr or the params",
            )
            return None
    return NumericAnswer(tolerance=tolerance, expr=parsed, relative=relative)


def _short(value: float) -> bool:
    """Whether `value` is written exactly with 6 significant digits (0.5, 1.44, 1e-6)."""
    return abs(float(f"{value:.6g}") - value) <= 1e-12 * abs(value)


def _placeholders(node: YNode, prompt: str, params: tuple, report: Reporter) -> None:
    names = {name for name, _ in params}
    for name in template.placeholders(prompt):
        if name not in names:
            listed = ", ".join(sorted(names)) or "none"
            report.add(
                node,
                f"the prompt shows `{{{name}}}`, but there is no param `{name}` "
                f"(params: {listed}). Add it to `params` or fix the name; for literal "
                f"braces, as in LaTeX, write `{{{{{name}}}}}`",
            )

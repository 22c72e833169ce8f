"""What every LMS format needs from a bank: flat questions, fractions, variants and HTML text."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.draw import Item, plan
from quiz.model import Bank, NumericAnswer, Question
from quiz.render import prompt_text

# Extra seeds tried per wanted variant before accepting fewer distinct ones (small param grids).
SEED_TRIES = 20

_MATH = re.compile(
    r"(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$"  # $$ … $$: display maths
    r"|(?<!\\)\$(?!\s)(?P<inline>[^$\n]+?)(?<![\s\\])\$(?!\d)"  # $…$, not "$5 and $6"
    r"|`(?P<code>[^`\n]+)`",
    re.S,
)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# Only `*` marks emphasis: `_` is common in maths-like text (v_k) and must stay as written.
_EMPH = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
# [text](https://…) on already escaped text; only web addresses, so no `javascript:` link.
_LINK = re.compile(r"\[([^\[\]]+)\]\((https?://[^\s()\"<>]+)\)")


class ExportError(ValueError):
    """The banks cannot be exported as asked (unknown format, nothing to export…)."""


@dataclass(frozen=True)
class ExportChoice:
    text: str
    correct: bool
    fraction: float  # percent of the question's points for picking it: Moodle/GIFT weights
    feedback: str | None = None


@dataclass(frozen=True)
class ExportQuestion:
    """One question as an LMS sees it: a numeric variant has its numbers filled in."""

    ident: str  # unique in the export: the question id, with `-s<seed>` for a variant
    name: str
    category: str  # bank id, with `/<question id>` for a group of variants
    group: str | None  # question id shared by the variants of one question, else None
    type: str  # single | multiple | true_false | numeric
    prompt: str  # Markdown with $maths$, params already filled in
    points: float
    choices: tuple[ExportChoice, ...] = ()  # true_false: True, then False
    explanation: str | None = None
    feedback: str | None = None  # numeric: shown after a wrong answer
    value: float | None = None  # numeric: the right answer
    tolerance: float = 0.0
    partial: bool = False  # multiple: (right − wrong picks) / right choices
    shuffle: bool = True
    seed: int | None = None  # numeric variants: `quiz run --seed S` draws the same numbers
    tags: tuple[str, ...] = ()


def fractions(question: Question) -> list[float]:
    """Percent per choice so that summing the picked ones, clamped to 0–100, scores like the quiz.

    All-or-nothing select-all questions cannot be expressed by per-choice weights; a wrong
    pick costs everything (-100), but missing a right choice still earns its share.
    """
    correct = len(question.correct_indices)
    if question.type == "single":
        return [100.0 if c.correct else 0.0 for c in question.choices]
    wrong = -100.0 / correct if question.scoring == "partial" else -100.0
    return [100.0 / correct if c.correct else wrong for c in question.choices]


def flatten(banks: Sequence[Bank], variants: int = 1) -> list[ExportQuestion]:
    """Every question of the banks; a numeric question with params becomes `variants` copies."""
    if variants < 1:
        raise ExportError("--variants must be at least 1")
    out: list[ExportQuestion] = []
    for bank in banks:
        for q in bank.questions:
            if q.type == "numeric" and q.params:
                out.extend(_variants(q, variants))
            else:
                prompt = prompt_text(Item(q, tuple(range(len(q.choices)))))
                out.append(_one(q, q.id, q.bank, None, None, prompt, {}))
    if not out:
        raise ExportError("the banks hold no questions")
    return out


def _variants(q: Question, wanted: int) -> list[ExportQuestion]:
    """Seeds 1, 2, …: each variant has the numbers a student gets with `--seed S`."""
    out, seen = [], set()
    for seed in range(1, wanted * SEED_TRIES + 1):
        item = plan([q], seed, shuffle=False)[0]
        if item.params in seen:
            continue
        seen.add(item.params)
        ident = f"{q.id}-s{seed}"
        prompt = prompt_text(item)
        out.append(_one(q, ident, f"{q.bank}/{q.id}", q.id, seed, prompt, item.variant))
        if len(out) == wanted:
            break
    return out


def _one(q, ident, category, group, seed, prompt, params) -> ExportQuestion:
    common = dict(
        ident=ident,
        name=ident if seed is None else f"{q.id} (seed {seed})",
        category=category,
        group=group,
        type=q.type,
        prompt=prompt,
        points=q.points,
        explanation=q.explanation,
        shuffle=q.shuffle and not any(c.pin for c in q.choices),  # no LMS keeps a pin
        seed=seed,
        tags=q.tags,
    )
    if q.type in ("single", "multiple"):
        choices = tuple(
            ExportChoice(c.text, c.correct, f, c.feedback)
            for c, f in zip(q.choices, fractions(q), strict=True)
        )
        return ExportQuestion(**common, choices=choices, partial=q.scoring == "partial")
    if q.type == "true_false":
        right = bool(q.answer)
        choices = tuple(  # the question's feedback is for a wrong answer: put it on that choice
            ExportChoice(
                text,
                value is right,
                100.0 if value is right else 0.0,
                None if value is right else q.feedback,
            )
            for text, value in (("True", True), ("False", False))
        )
        return ExportQuestion(**common, choices=choices)
    assert isinstance(q.answer, NumericAnswer)
    value = q.answer.correct_value(params)
    # LMSs take one absolute tolerance: fold in the bank's relative one for this value.
    relative = getattr(q.answer, "relative", 0.0) * abs(value)
    return ExportQuestion(
        **common, feedback=q.feedback, value=value, tolerance=q.answer.tolerance + relative
    )


def to_html(text: str, *, inline: bool = False) -> str:
    """Markdown-ish text to simple HTML; `$x$` becomes `\\(x\\)` for the LMS's MathJax filter.

    `inline` leaves a one-paragraph text (a choice) without `<p>`, which would add margins.
    """
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if inline and len(paragraphs) == 1:
        return _inline(paragraphs[0])
    return "".join(f"<p>{_inline(p)}</p>" for p in paragraphs) or "<p></p>"


def _inline(text: str) -> str:
    parts, last = [], 0
    for match in _MATH.finditer(text):
        parts.append(_markup(text[last : match.start()]))
        if match.group("display") is not None:
            parts.append(r"\[" + html.escape(match.group("display"), quote=False) + r"\]")
        elif match.group("inline") is not None:
            parts.append(r"\(" + html.escape(match.group("inline"), quote=False) + r"\)")
        else:
            parts.append("<code>" + html.escape(match.group("code"), quote=False) + "</code>")
        last = match.end()
    parts.append(_markup(text[last:]))
    return "".join(parts).replace("\n", "<br>")


def _markup(text: str) -> str:
    # quote=False keeps `'` and `"` as they are: no `&#x27;` whose `#` GIFT would need escaped.
    escaped = html.escape(text.replace(r"\$", "$"), quote=False)
    marked = _EMPH.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", escaped))
    return _LINK.sub(r'<a href="\2">\1</a>', marked)


def number(value: float) -> str:
    """A number as LMS importers read it: no `.0` on integers, full precision otherwise."""
    return f"{value:.15g}"

"""Text for the terminal: questions, verdicts and the final summary (no printing here)."""

from __future__ import annotations

import re
import textwrap

from quiz.answers import letter
from quiz.draw import Item
from quiz.model import NumericAnswer
from quiz.scoring import Outcome

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Style:
    """ANSI styling, or none at all (pipes, NO_COLOR, TERM=dumb)."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def good(self, text: str) -> str:
        return self._wrap("32", text)

    def bad(self, text: str) -> str:
        return self._wrap("31", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)


def number(value: float) -> str:
    """`0.2`, not `0.20000000000000004`; integers without `.0`."""
    return f"{value:.10g}"


def fill(text: str, width: int, indent: str = "", hang: int = 0) -> str:
    """Wrap each paragraph; `hang` indents continuation lines under a `b) ` label."""
    rest = indent + " " * hang
    return "\n".join(
        textwrap.fill(p, width, initial_indent=indent, subsequent_indent=rest)
        for p in text.splitlines() or [""]
    )


def prompt_text(item: Item) -> str:
    """The prompt with `{param}` replaced by this attempt's values."""
    values = item.variant
    return _PLACEHOLDER.sub(
        lambda m: number(values[m.group(1)]) if m.group(1) in values else m.group(0),
        item.question.prompt,
    )


def shown_choices(item: Item) -> list[str]:
    q = item.question
    if q.type == "true_false":
        return ["True", "False"]
    return [q.choices[i].text for i in item.order]


def question_block(item: Item, number_: int, total: int, width: int, style: Style) -> str:
    q = item.question
    points = f"{number(q.points)} point{'s' if q.points != 1 else ''}"
    head = style.bold(f"Question {number_} of {total}") + style.dim(f"  [{q.id} · {points}]")
    lines = [head, fill(prompt_text(item), width)]
    if q.type == "multiple":
        lines.append(style.dim("Select all that apply."))
    choices = shown_choices(item)
    if choices:
        lines.append("")
        lines += [fill(f"{letter(i)}) {text}", width, "  ", 3) for i, text in enumerate(choices)]
    return "\n".join(lines)


def ask_prompt(item: Item) -> str:
    q = item.question
    if q.type == "single":
        return "Your answer (one letter): "
    if q.type == "multiple":
        return "Your answers (letters, e.g. a,c): "
    if q.type == "true_false":
        return "True or false (a/b): "
    return "Your answer (a number): "


def expected_text(item: Item) -> str:
    """The right answer as the student saw it, e.g. `a) (4x, y)` or `-0.2`."""
    q = item.question
    if q.type == "true_false":
        return "a) True" if q.answer else "b) False"
    if isinstance(q.answer, NumericAnswer):
        return number(q.answer.correct_value(item.variant))
    return _picked(item, q.correct_indices)


def response_text(item: Item, response: object) -> str:
    q = item.question
    if q.type == "true_false":
        return "a) True" if response else "b) False"
    if isinstance(response, float):
        return number(response)
    assert isinstance(response, frozenset)
    return _picked(item, response)


def _picked(item: Item, indices: frozenset[int]) -> str:
    """`b) text` for one choice; just the letters (`a, c and d`) for several."""
    shown = [pos for pos, i in enumerate(item.order) if i in indices]
    if len(shown) == 1:
        return f"{letter(shown[0])}) {item.question.choices[item.order[shown[0]]].text}"
    letters = [letter(pos) for pos in shown]
    return " and ".join([", ".join(letters[:-1]), letters[-1]]) if len(letters) > 1 else "none"


def verdict_block(item: Item, response: object, outcome: Outcome, width: int, style: Style) -> str:
    """Right or wrong, the feedback for what was chosen, then the explanation."""
    q = item.question
    many = q.type == "multiple" and sum(c.correct for c in q.choices) > 1
    expected = f"The answer{'s are' if many else ' is'} {expected_text(item)}"
    expected += "" if expected.endswith((".", "?", "!")) else "."
    if outcome.correct:
        lines = [style.good(f"✓ Correct (+{number(outcome.score)})")]
    elif outcome.score > 0:
        total = f"{number(outcome.max_score)} point{'s' if outcome.max_score != 1 else ''}"
        head = f"~ Partly right: {number(outcome.score)} of {total}."
        lines = [style.bad(head), fill(expected, width, "  ")]
    else:
        lines = [style.bad("✗ Incorrect."), fill(expected, width, "  ")]
    if isinstance(response, frozenset):
        for pos, i in enumerate(item.order):
            choice = q.choices[i]
            if i in response and choice.feedback:
                lines.append(fill(f"{letter(pos)}) {choice.feedback}", width, "  ", 3))
    elif q.feedback and not outcome.correct:
        lines.append(fill(q.feedback, width, "  "))
    if q.explanation:
        why = fill("Why: " + q.explanation, width)
        lines.append(style.dim("Why:") + why[4:])
    return "\n".join(lines)


def summary_block(answers: list, items: list[Item], status: str, width: int, style: Style) -> str:
    """The score, what was left unanswered, and a review of the missed questions."""
    got = sum(a.outcome.score for a in answers)
    total = sum(i.question.points for i in items)
    right = sum(a.outcome.correct for a in answers)
    percent = f" ({100 * got / total:.0f}%)" if total else ""
    lines = [
        style.bold(
            f"Score: {number(got)} / {number(total)} point{'s' if total != 1 else ''}{percent}"
        )
        + f" · {right} of {len(items)} questions right"
    ]
    missing = len(items) - len(answers)
    if missing:
        why = {"interrupted": "stopped with Ctrl-C", "end of input": "input ended"}.get(status, "")
        lines.append(
            f"{missing} question{'s' if missing != 1 else ''} not answered"
            + (f" ({why})" if why else "")
            + "."
        )
    missed = [a for a in answers if not a.outcome.correct]
    if missed:
        lines += ["", style.bold("Review of missed questions:")]
        for a in missed:
            lines.append(fill(f"- {a.item.question.id}: {prompt_text(a.item)}", width, "", 2))
            lines.append(
                fill(f"you answered: {response_text(a.item, a.response)}", width, "    ", 14)
            )
            lines.append(fill(f"answer: {expected_text(a.item)}", width, "    ", 8))
    return "\n".join(lines)

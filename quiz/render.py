"""Text for the terminal: questions, verdicts, the review and the summary (no printing here).

Question ids never appear here: they often name the idea a question tests, which gives the
answer away. Every text goes through `Style.fill`, which translates it for the stream (β →
beta on an ASCII terminal) before wrapping, so lines fit and formulas stay whole.
"""

from __future__ import annotations

from collections.abc import Callable

from quiz import layout, template
from quiz.answers import letter
from quiz.draw import Item
from quiz.layout import decimal, number, part, points
from quiz.model import NumericAnswer
from quiz.scoring import Outcome

__all__ = ["Style", "ask_prompt", "number", "prompt_text", "question_block", "shown_choices"]


class Style:
    """ANSI styling (or none: pipes, NO_COLOR, TERM=dumb) and the stream's translation."""

    def __init__(
        self, color: bool, translate: Callable[[str], str] | None = None, width: int = 80
    ) -> None:
        self.color = color
        self.translate = translate
        self.width = width

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

    def fill(self, text: str, indent: str = "", hang: int = 0) -> str:
        return layout.fill(text, self.width, indent, hang, self.translate)


def prompt_text(item: Item) -> str:
    """The prompt, with `{param}` replaced by this attempt's values in templated questions."""
    if not item.question.params:
        return item.question.prompt  # not a template: braces are plain text (LaTeX)
    return template.fill_in(item.question.prompt, item.variant, number)


def shown_choices(item: Item) -> list[str]:
    q = item.question
    if q.type == "true_false":
        return ["True", "False"]
    return [q.choices[i].text for i in item.order]


def intro_block(titles: str, count: int, seed: int, eof: str, style: Style) -> str:
    """The lines before the first question, wrapped at words to the terminal's width."""
    many = "question" if count == 1 else "questions"
    return "\n".join(
        [
            style.fill(f"{titles}: {count} {many}."),
            style.fill(f"Seed {seed} (use --seed {seed} to get the same quiz again)."),
            style.fill(
                f"Type your answer and press Enter. {eof} or Ctrl-C stops; answers so far are kept."
            ),
        ]
    )


def question_block(item: Item, number_: int, total: int, width: int, style: Style) -> str:
    q = item.question
    head = style.bold(f"Question {number_} of {total}") + style.dim(f"  ({points(q.points)})")
    lines = [head, style.fill(prompt_text(item))]
    if q.type == "multiple":
        lines.append(style.dim("Select all that apply."))
    choices = shown_choices(item)
    if choices:
        lines.append("")
        lines += [style.fill(f"{letter(i)}) {text}", "  ", 3) for i, text in enumerate(choices)]
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
    shown = [pos for pos, i in enumerate(item.order) if i in q.correct_indices]
    return "; ".join(f"{letter(p)}) {q.choices[item.order[p]].text}" for p in shown)


def response_text(item: Item, response: object) -> str:
    q = item.question
    if q.type == "true_false":
        return "a) True" if response else "b) False"
    if isinstance(response, float):
        return number(response)
    assert isinstance(response, frozenset)
    shown = [pos for pos, i in enumerate(item.order) if i in response]
    return "; ".join(f"{letter(p)}) {q.choices[item.order[p]].text}" for p in shown) or "none"


def choice_review(item: Item, response: frozenset[int], style: Style, indent: str) -> list[str]:
    """Every choice with ✓ (right) or ✗ (a wrong pick), whether it was picked or missed, and
    the feedback of the picked ones and of the right ones."""
    translate = style.translate or str
    right, wrong = translate("✓"), translate("✗")  # `[ok]` and `[x]` on an ASCII terminal
    size = max(len(right), len(wrong))
    lines = []
    for pos, i in enumerate(item.order):
        choice = item.question.choices[i]
        picked = i in response
        note = " (your pick)" if picked else (" (missed)" if choice.correct else "")
        text = style.fill(f"{letter(pos)}) {choice.text}{note}", indent + " " * (size + 1), 3)
        mark = right if choice.correct else (wrong if picked else "")
        label = mark.ljust(size)
        label = style.good(label) if choice.correct else style.bad(label) if picked else label
        lines.append(indent + label + text[len(indent) + size :])
        if choice.feedback and (picked or choice.correct):
            lines.append(style.fill(choice.feedback, indent + " " * (size + 4)))
    return lines


def verdict_block(item: Item, response: object, outcome: Outcome, width: int, style: Style) -> str:
    """Right or wrong, the feedback for what was chosen, then the explanation."""
    q = item.question
    several = isinstance(response, frozenset) and q.type == "multiple"
    if outcome.correct:
        lines = [style.good(f"✓ Correct (+{decimal(outcome.score)})")]
    elif outcome.score > 0:
        got = f"{part(outcome.score / outcome.max_score)} of" if outcome.max_score == 1 else ""
        got = got or f"{decimal(outcome.score)} of"
        lines = [style.bad(f"~ Partly right: {got} {points(outcome.max_score)}.")]
    else:
        lines = [style.bad("✗ Incorrect.")]
    if several and not outcome.correct:  # every choice, marked, with what was missed
        lines += choice_review(item, response, style, "  ")  # type: ignore[arg-type]
    else:
        if not outcome.correct:
            expected = f"The answer is {expected_text(item)}"
            expected += "" if expected.endswith((".", "?", "!")) else "."
            lines.append(style.fill(expected, "  "))
        if isinstance(response, frozenset):  # the feedback of each choice picked
            lines += [
                style.fill(f"{letter(pos)}) {q.choices[i].feedback}", "  ", 3)
                for pos, i in enumerate(item.order)
                if i in response and q.choices[i].feedback
            ]
        elif q.feedback and not outcome.correct:
            lines.append(style.fill(q.feedback, "  "))
    if q.explanation:
        why = style.fill("Why: " + q.explanation)
        lines.append(style.dim("Why:") + why[4:])
    return "\n".join(lines)


def summary_block(answers: list, items: list[Item], status: str, width: int, style: Style) -> str:
    """The score, what was left unanswered, and a review of the missed questions."""
    got = sum(a.outcome.score for a in answers)
    total = sum(i.question.points for i in items)
    right = sum(a.outcome.correct for a in answers)
    percent = f" ({100 * got / total:.0f}%)" if total else ""
    score = f"Score: {decimal(got)} / {points(total)}{percent}"
    tally = f"{right} of {len(items)} questions right"
    if len(style.fill(f"{score} · {tally}").splitlines()) == 1:
        lines = [style.bold(style.fill(score)) + style.fill(f" · {tally}")]
    else:  # a narrow terminal: one line each rather than a break mid-phrase
        lines = [style.bold(style.fill(score)), style.fill(tally)]
    missing = len(items) - len(answers)
    if missing:
        why = {"interrupted": "stopped with Ctrl-C", "end of input": "input ended"}.get(status, "")
        lines.append(
            style.fill(
                f"{missing} question{'s' if missing != 1 else ''} not answered"
                + (f" ({why})" if why else "")
                + "."
            )
        )
    missed = [a for a in answers if not a.outcome.correct]
    if missed:
        lines += ["", style.bold("Review of missed questions:")]
        for number_, a in enumerate(missed, start=1):
            lines += ["", style.fill(f"{number_}. {prompt_text(a.item)}", "", 3)]
            lines += _review(a, style)
    return "\n".join(lines)


def _review(answer, style: Style) -> list[str]:
    item, q = answer.item, answer.item.question
    if isinstance(answer.response, frozenset):
        return choice_review(item, answer.response, style, "   ")
    lines = [
        style.fill(f"you answered: {response_text(item, answer.response)}", "   ", 14),
        style.fill(f"answer: {expected_text(item)}", "   ", 8),
    ]
    if q.feedback:
        lines.append(style.fill(q.feedback, "   "))
    return lines

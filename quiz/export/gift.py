"""Moodle GIFT: one `::title::[html]text{answers}` block per question, blank-line separated.

Every text goes through `escape`: `~ = # { } :` and the backslash itself are GIFT syntax, so
a choice "α = 0.1" or the MathJax `\\(` must be written `α \\= 0.1` and `\\\\(`.
"""

from __future__ import annotations

from collections.abc import Sequence

from quiz.export.common import ExportQuestion, number, to_html

SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    """Backslash every GIFT special character; newlines become spaces (HTML ignores them)."""
    out = "".join("\\" + ch if ch in SPECIAL else ch for ch in text)
    return " ".join(out.splitlines())


def _rich(text: str, *, inline: bool = False) -> str:
    return escape(to_html(text, inline=inline))


def _weight(fraction: float) -> str:
    return f"{fraction:.5f}".rstrip("0").rstrip(".")


def _feedback(text: str | None) -> str:
    return f"#{_rich(text)}" if text else ""


def _answers(q: ExportQuestion) -> list[str]:
    if q.type == "true_false":
        right = q.choices[0].correct  # choices are True, then False
        wrong = q.choices[1] if right else q.choices[0]
        # {TRUE#feedback for a wrong answer#feedback for a right one}
        return [("TRUE" if right else "FALSE") + _feedback(wrong.feedback)]
    if q.type == "numeric":
        assert q.value is not None
        return [f"#{number(q.value)}:{number(q.tolerance)}"]
    lines = []
    for choice in q.choices:
        if q.type == "single":
            mark = "=" if choice.correct else "~"
        else:
            mark = f"~%{_weight(choice.fraction)}%"
        lines.append(f"\t{mark}{_rich(choice.text, inline=True)}{_feedback(choice.feedback)}")
    return lines


def _general(q: ExportQuestion) -> str:
    parts = [q.explanation or ""]
    if q.type == "numeric" and q.feedback:
        # GIFT has no "any other number" answer to carry feedback on; general feedback is shown
        # to everyone, so it says whom it is for.
        parts.append(f"If your answer was wrong: {q.feedback}")
    text = "\n\n".join(p for p in parts if p)
    return f"\t####{_rich(text)}" if text else ""


def _question(q: ExportQuestion) -> str:
    head = [f"// {q.ident}"]
    if q.tags:
        head.append(f"// tags: {', '.join(q.tags)}")
    answers = _answers(q)
    general = _general(q)
    title = f"::{escape(q.name)}::[html]{_rich(q.prompt)}"
    if q.type == "true_false" or q.type == "numeric":
        body = "{" + answers[0] + ("\n" + general + "\n" if general else "") + "}"
        return "\n".join([*head, title + body])
    lines = ["{", *answers, *([general] if general else []), "}"]
    return "\n".join([*head, title, *lines])


def write(questions: Sequence[ExportQuestion], titles: dict[str, str]) -> bytes:
    """The GIFT file; `$CATEGORY:` lines put each bank, and each group of variants, apart."""
    blocks, current = [], None
    for q in questions:
        if q.category != current:
            note = f"// {titles.get(q.category, q.category)}"
            if q.group:
                note = f"// variants of {q.group}: add a random question from this category"
            blocks.append(f"{note}\n$CATEGORY: $course$/top/{q.category}")
            current = q.category
        blocks.append(_question(q))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")

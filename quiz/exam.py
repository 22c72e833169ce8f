"""Exams: a bank's pass mark, and drawing N questions per tag (`pick:` or `--count tag=N`)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quiz.fields import Reporter, describe
from quiz.model import Bank, Question
from quiz.yamlio import YMap, YNode, YScalar

PICK_EXAMPLE = "Write e.g. `pick: {nesterov: 2, numeric: 1}`"


class ExamError(ValueError):
    """An exam cannot be drawn as asked (too few questions with a tag, a bad --count)."""


def check_pass_mark(node: YNode, report: Reporter) -> float | None:
    """`pass_mark`: percent of the points asked, above 0 and at most 100."""
    value = report.number(node, "pass_mark", positive=True)
    if value is not None and value > 100:
        report.add(
            node,
            f"`pass_mark` is {value:g}, above 100. It is a percent of the points: "
            "write e.g. `pass_mark: 60`",
        )
        return None
    return None if value is None else float(value)


def check_pick(node: YNode, questions: Sequence[Question], report: Reporter):
    """`pick`: tag → how many questions with that tag an exam draws from this bank."""
    if not isinstance(node, YMap) or not node.entries:
        report.add(
            node,
            f"`pick` must be a mapping of tags to counts, not {describe(node)}. " + PICK_EXAMPLE,
        )
        return None
    picks = []
    for tag, (key_node, value) in node.entries.items():
        count = value.value if isinstance(value, YScalar) else None
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            report.add(
                value,
                f"`pick` for `{tag}` must be a whole number of at least 1, "
                f"not {describe(value)}. " + PICK_EXAMPLE,
            )
            continue
        have = sum(tag.lower() in {t.lower() for t in q.tags} for q in questions)
        if have < count:
            report.add(
                key_node,
                f"`pick` asks for {count} questions tagged `{tag}`, but the "
                f"bank has {have}. Lower the count or tag more questions",
            )
            continue
        picks.append((str(tag), count))
    return tuple(picks)


def parse_count(text: str) -> tuple[str, int]:
    """`nesterov=2` → ("nesterov", 2); raises ExamError with what to type instead."""
    tag, sep, number = text.partition("=")
    try:
        count = int(number)
    except ValueError:
        count = 0
    if not sep or not tag.strip() or count < 1:
        raise ExamError(f"--count {text}: write a number (--count 5) or TAG=N (--count nesterov=2)")
    return tag.strip(), count


def draw_exam(
    banks: Sequence[Bank],
    questions: Sequence[Question],
    seed: int,
    counts: Sequence[tuple[str, int]] = (),
) -> list[Question]:
    """The questions of an exam: `counts` for all banks if given, else each bank's `pick`.

    A question is drawn once even when it has two picked tags; a bank with no `pick` (and no
    `counts`) gives all its questions. The order is left to `draw.plan`.
    """
    allowed = {(q.bank, q.id) for q in questions}
    if counts:
        pool = list(questions)
        return _draw(pool, counts, random.Random(f"{seed}:count"))
    chosen: list[Question] = []
    for bank in banks:
        pool = [q for q in bank.questions if (q.bank, q.id) in allowed]
        if bank.pick:
            chosen += _draw(pool, bank.pick, random.Random(f"{seed}:pick:{bank.id}"))
        else:
            chosen += pool
    return chosen


def _draw(pool: list[Question], counts, rng: random.Random) -> list[Question]:
    taken: list[Question] = []
    for tag, count in counts:
        with_tag = [q for q in pool if tag.lower() in {t.lower() for t in q.tags}]
        free = [q for q in with_tag if q not in taken]
        if len(free) < count:
            raise ExamError(
                f"cannot draw {count} questions tagged `{tag}`: "
                + (f"only {len(free)} left after the other tags" if with_tag else "there are none")
                + ". Ask for fewer, or run `quiz list` to see the tags"
            )
        taken += rng.sample(free, count)
    return taken


def pass_mark(banks: Sequence[Bank]) -> float | None:
    """The strictest pass mark of the banks in a run, or None when none sets one."""
    marks = [b.pass_mark for b in banks if b.pass_mark is not None]
    return max(marks) if marks else None


def passed(score: float, max_score: float, mark: float | None) -> bool | None:
    if mark is None:
        return None
    return max_score > 0 and 100 * score / max_score >= mark - 1e-9

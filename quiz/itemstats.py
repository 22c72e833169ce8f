"""Class results as files: grades.csv (one row per student), items.csv and items.png.

Discrimination is the corrected point-biserial correlation: the Pearson correlation between a
student's fraction of an item's points and their fraction of the points of the *other* items
they were asked (so an item does not correlate with itself, and students who drew different
questions stay comparable).
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from quiz.classgrade import Attempt
from quiz.model import Question

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GRADE_COLUMNS = (
    "student",
    "score",
    "max_score",
    "percent",
    "passed",
    "answered",
    "late_not_counted",
    "attempts",
    "seed",
    "date",
    "file",
    "flag",
)
ITEM_COLUMNS = (
    "bank",
    "question",
    "type",
    "points",
    "students",
    "answered",
    "facility",
    "discrimination",
    "picks",
)


@dataclass(frozen=True)
class ItemStats:
    question: Question
    students: int
    answered: int
    facility: float | None  # mean fraction of the points earned, 0–1
    discrimination: float | None  # corrected point-biserial; None when undefined
    picks: str  # how often each choice (or true/false, or number) was given


def latest(attempts: Sequence[Attempt]) -> dict[str, list[Attempt]]:
    """Attempts per student, latest first (by the date in the file, then the file name)."""
    per: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        key = attempt.student if attempt.student != "anonymous" else f"anonymous:{attempt.file}"
        per.setdefault(key, []).append(attempt)
    return {k: sorted(v, key=lambda a: (a.date, a.file), reverse=True) for k, v in per.items()}


def safe(cell: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @…) gets a leading apostrophe."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def write_grades(path: Path, per_student: dict[str, list[Attempt]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(GRADE_COLUMNS)
        for attempts in sorted(per_student.values(), key=lambda a: a[0].student):
            a = attempts[0]
            percent = round(100 * a.score / a.max_score, 2) if a.max_score else ""
            flags = "; ".join(f"{Path(x.file).name}: {f}" for x in attempts for f in x.flags)
            row = (
                a.student,
                round(a.score, 6),
                round(a.max_score, 6),
                percent,
                "" if a.passed is None else ("yes" if a.passed else "no"),
                a.answered,
                a.late,
                len(attempts),
                a.seed,
                a.date,
                a.file,
                flags,
            )
            out.writerow([safe(cell) for cell in row])


def item_stats(attempts: Sequence[Attempt]) -> list[ItemStats]:
    """Statistics per question over these attempts (one per student), in bank order."""
    rows: dict[tuple[str, str], list[tuple[float, float]]] = {}
    given: dict[tuple[str, str], list] = {}
    questions: dict[tuple[str, str], Question] = {}
    for a in attempts:
        for g in a.items:
            key = (g.question.bank, g.question.id)
            questions[key] = g.question
            rest_max = a.max_score - g.question.points
            rest = (a.score - g.score) / rest_max if rest_max > 0 else math.nan
            rows.setdefault(key, []).append((g.score / g.question.points, rest))
            given.setdefault(key, []).append(g.response)
    order = sorted(questions, key=lambda k: (questions[k].file, questions[k].line))
    stats = []
    for key in order:
        pairs = rows[key]
        q = questions[key]
        answered = [r for r in given[key] if r is not None]
        stats.append(
            ItemStats(
                q,
                len(pairs),
                len(answered),
                _mean([p[0] for p in pairs]),
                _pearson(pairs),
                _picks(q, answered),
            )
        )
    return stats


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _pearson(pairs: list[tuple[float, float]]) -> float | None:
    pairs = [p for p in pairs if not math.isnan(p[1])]
    if len(pairs) < 3:
        return None
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None


def _picks(q: Question, responses: list) -> str:
    if q.type in ("single", "multiple"):
        counts = Counter(i for r in responses for i in r)
        return "; ".join(
            f"{i + 1}{'*' if c.correct else ''}: {counts[i]}" for i, c in enumerate(q.choices)
        )
    if q.type == "true_false":
        counts = Counter(responses)
        return "; ".join(f"{v}{'*' if q.answer is v else ''}: {counts[v]}" for v in (True, False))
    counts = Counter(f"{r:g}" for r in responses)
    return "; ".join(f"{value}: {n}" for value, n in counts.most_common(5))


def write_items(path: Path, stats: Sequence[ItemStats]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(ITEM_COLUMNS)
        for s in stats:
            row = (
                s.question.bank,
                s.question.id,
                s.question.type,
                s.question.points,
                s.students,
                s.answered,
                _round(s.facility),
                _round(s.discrimination),
                s.picks,
            )
            out.writerow([safe(cell) for cell in row])


def _round(value: float | None) -> object:
    return "" if value is None else round(value, 3)


def write_chart(path: Path, stats: Sequence[ItemStats]) -> None:
    """Facility and discrimination per item, as a PNG (matplotlib only loaded here)."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed, and no window on an instructor's machine
    import matplotlib.pyplot as plt

    names = [s.question.id for s in stats]
    height = max(3.0, 0.3 * len(stats) + 1.5)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, height), sharey=True)
    ys = range(len(stats))
    left.barh(ys, [s.facility or 0 for s in stats], color="tab:blue")
    left.set_xlim(0, 1)
    left.set_xlabel("facility (fraction of points earned)")
    left.set_yticks(list(ys), names, fontsize=8)
    left.invert_yaxis()
    disc = [s.discrimination if s.discrimination is not None else 0 for s in stats]
    right.barh(ys, disc, color=["tab:red" if d < 0.2 else "tab:green" for d in disc])
    right.axvline(0.2, color="grey", linestyle="--", linewidth=1)
    right.set_xlim(-1, 1)
    right.set_xlabel("discrimination (corrected point-biserial)")
    fig.suptitle(f"Item statistics, {max((s.students for s in stats), default=0)} students")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_reports(out: Path, attempts: Sequence[Attempt]) -> list[Path]:
    """grades.csv, items.csv and items.png in `out` (made if missing); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    per_student = latest(attempts)
    stats = item_stats([tries[0] for tries in per_student.values()])
    paths = [out / "grades.csv", out / "items.csv", out / "items.png"]
    write_grades(paths[0], per_student)
    write_items(paths[1], stats)
    write_chart(paths[2], stats)
    return paths

"""The files `grader grade` writes: grades.csv, its grades.json sidecar, feedback/<student>.*.

grades.csv is plain CSV, header row first (student, one column per exercise, total, max,
status), so `csv.DictReader` and spreadsheets read it. What a re-run needs to grade the same
way (the seed, the checks fingerprint, the isolation backend) is in grades.json beside it.
Text a student controls (the id, which comes from a file name, and the status, which quotes
their errors) is written with control characters escaped and, in the CSV, with formula signs
neutralised; numbers are written by us and stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.course import Course
from grader.report import Style, render_run
from grader.results import RunResult, gradescope
from grader.textsafe import csv_cell, escape_controls
from labkit.files import write_text

CSV_NAME = "grades.csv"
SIDECAR_NAME = "grades.json"
FORMAT = "momentum-lab/grades"
OLD_HEADER = "# seed="  # the first line of grades.csv before the sidecar existed


@dataclass
class Row:
    """One student's line of the gradebook.

    `final` is False when the row is not a verdict on the submission (the grader failed, or the
    submission could not be read): a re-run grades it again instead of reusing it."""

    student: str
    scores: dict[str, float]
    total: float
    max: float
    status: str
    skipped: bool = False
    final: bool = True


@dataclass(frozen=True)
class Settings:
    """What decides the grades besides the submissions: kept in grades.json."""

    seed: int
    checks: str
    isolation: str = ""


def error_row(course: Course, student: str, status: str, final: bool = True) -> Row:
    maximum = round(sum(ex.points for ex in course.exercises), 2)
    return Row(student, {name: 0.0 for name in course.names}, 0.0, maximum, status, final=final)


def row_data(row: Row) -> dict[str, Any]:
    return {"student": row.student, "scores": row.scores, "total": row.total, "max": row.max,
            "status": row.status, "final": row.final}  # fmt: skip


def previous_row(path: Path, settings: Settings, fingerprint: str) -> Row | None:
    """The row stored in a feedback JSON, if it is a verdict on this very submission graded
    with these settings; None (grade again) for anything else, an internal error included.
    A verdict made under another isolation backend is not reused either: one made with less
    isolation may have been spoofed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        extra = data["extra_data"]
        same = (extra.get("seed"), extra.get("checks"), extra.get("submission"))
        if same != (settings.seed, settings.checks, fingerprint):
            return None
        if settings.isolation and extra.get("isolation", "") != settings.isolation:
            return None
        row = extra["row"]
        if row.get("final") is not True:
            return None
        return Row(row["student"], row["scores"], row["total"], row["max"], row["status"], True)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


# ---- feedback ------------------------------------------------------------------------------------


def write_feedback(folder: Path, student: str, run: RunResult, row: Row, visibility: str) -> None:
    """feedback/<student>.txt (what `grader check` prints) and .json (Gradescope's format).
    The run's messages must already have their control characters escaped (see batch)."""
    text = render_run(run, Style(color=False), where=f"{student} · ")
    if row.status.startswith("error: "):
        text = f"Problem with the submission: {escape_controls(row.status[7:])}\n\n{text}"
    data = gradescope(run, visibility, output=text)
    data["extra_data"]["row"] = row_data(row)
    # Not synced one by one (that was a fifth of a batch's time): after a power cut an empty or
    # broken file is only a submission that `previous_row` does not reuse, so it is graded again.
    write_text(folder / f"{student}.txt", text + "\n", durable=False)
    write_text(folder / f"{student}.json", json.dumps(data, indent=2) + "\n", durable=False)


def write_error_feedback(folder: Path, row: Row, settings: Settings, fingerprint: str,
                         visibility: str) -> None:  # fmt: skip
    """Feedback for a submission that was never run (unusable, or unreadable)."""
    text = f"Your submission could not be graded: {escape_controls(row.status[7:])}."
    # The one results.json builder, with no checks run: score 0 and the reason as the output.
    extra = {"checks": settings.checks, "isolation": settings.isolation,
             "submission": fingerprint, "student": row.student, "row": row_data(row)}  # fmt: skip
    data = gradescope(RunResult(settings.seed, (), 0.0, extra), visibility, output=text)
    write_text(folder / f"{row.student}.txt", text + "\n", durable=False)
    write_text(folder / f"{row.student}.json", json.dumps(data, indent=2) + "\n", durable=False)


# ---- grades.csv and grades.json ----------------------------------------------------------------


def write_gradebook(
    out: Path, settings: Settings, course: Course, rows: list[Row], durable: bool = True
) -> None:
    """grades.json first, then grades.csv: a reader who finds the CSV finds its settings.
    A batch writes it after every chunk, synced (`durable`) only at the end."""
    write_sidecar(out, settings, course, durable)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *course.names, "total", "max", "status"])
    for row in rows:
        scores = [f"{row.scores.get(n, 0.0):g}" for n in course.names]
        writer.writerow([_text(row.student), *scores, f"{row.total:g}", f"{row.max:g}",
                         _text(row.status)])  # fmt: skip
    write_text(out / CSV_NAME, buffer.getvalue(), durable)


def _text(value: str) -> str:
    return csv_cell(escape_controls(value).replace("\n", " "))


def write_sidecar(out: Path, settings: Settings, course: Course, durable: bool = True) -> None:
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "seed": settings.seed,
        "checks": settings.checks,
        "columns": ["student", *course.names, "total", "max", "status"],
    }
    if settings.isolation:
        data["isolation"] = settings.isolation
    write_text(out / SIDECAR_NAME, json.dumps(data, indent=2) + "\n", durable)


@dataclass(frozen=True)
class Previous:
    """The seed of an earlier run in the same folder, and a note if it came from the old CSV."""

    seed: int | None
    note: str = ""


def read_previous(out: Path) -> Previous:
    """The seed recorded by an earlier run in `out`: from grades.json, else from the first line
    of a grades.csv written before the sidecar existed (`# seed=N checks=H`)."""
    try:
        data = json.loads((out / SIDECAR_NAME).read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("format") == FORMAT:
            seed = data.get("seed")
            return Previous(seed if isinstance(seed, int) and not isinstance(seed, bool) else None)
    except (OSError, ValueError):
        pass
    try:
        with open(out / CSV_NAME, encoding="utf-8") as handle:
            head = handle.readline()
    except (OSError, UnicodeDecodeError):
        return Previous(None)
    if not head.startswith(OLD_HEADER):
        return Previous(None)
    for part in head[1:].split():
        if part.startswith("seed="):
            try:
                seed = int(part[5:])
            except ValueError:
                return Previous(None)
            return Previous(seed, f"took seed {seed} from the old-style first line of "
                            f"{out / CSV_NAME}; grades.csv is now plain CSV with a header row "
                            f"and the seed is kept in {out / SIDECAR_NAME}")  # fmt: skip
    return Previous(None)

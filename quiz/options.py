"""Options of `quiz run` for exams, and of `quiz export` / `quiz grade`: argparse only."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from quiz.exam import ExamError, parse_count
from quiz.export import WRITERS
from quiz.results import ANONYMOUS

COUNT_HELP = (
    "ask at most N questions; TAG=N (repeatable) draws N questions with that tag instead of "
    "the banks' `pick:`"
)
STUDENT_HELP = (
    "your student id, written in the results file (asked once when the quiz runs in a "
    f"terminal; piped runs without it write `{ANONYMOUS}`)"
)
TIME_LIMIT_HELP = "answers given after this many minutes are not counted"
VARIANTS_HELP = "fixed variants per numeric question with params (default 5)"
EXPORT_HELP = """\
Write the banks for an LMS: Moodle XML (--format moodle), GIFT (gift) or a QTI 1.2 zip that
Canvas imports (qti). Feedback, explanations, points and partial credit are kept; a numeric
question with params becomes --variants N fixed variants (seeds 1, 2, ...), grouped so the LMS
draws one of them.

example:
  quiz export --format qti --variants 5 --out momentum.zip
"""
GRADE_HELP = """\
Re-score results files against the banks (the scores written in them are ignored) and write
DIR/grades.csv (one row per student, their latest attempt), DIR/items.csv (facility,
discrimination, picks per choice) and DIR/items.png. A file whose claimed score differs is
flagged; a file that cannot be read or was made with another bank is skipped. Exit status: 0,
1 when a file was flagged or skipped, 2 when no file could be graded.

example:
  quiz grade handed-in/ --out grades
"""


def minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError("must be a number of minutes above 0")
    return value


def counts(values: list[str]) -> tuple[int | None, list[tuple[str, int]]]:
    """`--count 5` (at most 5 questions) and `--count nesterov=2` (2 tagged nesterov).

    Raises ExamError; plain numbers are checked here, not by argparse, because one option
    takes both forms.
    """
    total, per_tag = None, []
    for value in values:
        if value.strip().isdigit():
            total = int(value)
            if total < 1:
                raise ExamError(f"--count {value}: ask for at least 1 question")
            continue
        per_tag.append(parse_count(value))
    return total, per_tag


def whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_exam_options(run: argparse.ArgumentParser) -> None:
    """--count N|TAG=N, --student ID and --time-limit MINUTES for `quiz run`."""
    run.add_argument("--count", action="append", default=[], metavar="N|TAG=N", help=COUNT_HELP)
    run.add_argument("--student", metavar="ID", help=STUDENT_HELP)
    run.add_argument("--time-limit", type=minutes, metavar="MINUTES", help=TIME_LIMIT_HELP)


def add_lms_parsers(sub, fmt, banks_help: str) -> None:
    """The `export` and `grade` subcommands."""
    exp = sub.add_parser(
        "export",
        help="export the banks for an LMS (Moodle, Canvas)",
        description=EXPORT_HELP,
        formatter_class=fmt,
    )
    exp.add_argument("banks", nargs="*", metavar="BANK_OR_DIR", help=banks_help)
    exp.add_argument("--format", required=True, choices=sorted(WRITERS))
    exp.add_argument(
        "--bank", action="append", default=[], metavar="ID", help="only this bank (repeatable)"
    )
    exp.add_argument("--out", type=Path, metavar="FILE", help="default: <bank ids><suffix>")
    exp.add_argument("--variants", type=whole, default=5, metavar="N", help=VARIANTS_HELP)
    grd = sub.add_parser(
        "grade",
        help="re-score a class's results files (for instructors)",
        description=GRADE_HELP,
        formatter_class=fmt,
    )
    grd.add_argument("results", nargs="+", metavar="RESULTS_OR_DIR")
    grd.add_argument("--out", type=Path, required=True, metavar="DIR")
    grd.add_argument(
        "--banks",
        action="append",
        default=[],
        metavar="BANK_OR_DIR",
        help="banks to grade against (default: quiz/banks/)",
    )

"""`quiz grade`: a class's results files re-scored into grades.csv, items.csv and items.png."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from quiz.bank import bank_files, check_files, default_banks_dir, display_path
from quiz.classgrade import ResultsFileError, grade_all
from quiz.commands.common import EXIT_INVALID, EXIT_OK, UsageError, plural, printable
from quiz.itemstats import write_reports


def grade(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    files = bank_files([Path(p) for p in args.banks] or [default_banks_dir()])
    banks = []
    for file in files:
        # One file at a time: two versions of a bank (same id) may sit side by side, and each
        # results file is graded with the version it names.
        found, problems = check_files([file])
        banks += found
        if problems:
            print(
                f"quiz: warning: the bank {problems[0].file} has problems; not used for grading.",
                file=stderr,
            )
    try:
        attempts, skipped = grade_all([Path(r) for r in args.results], banks)
    except ResultsFileError as exc:
        raise UsageError(str(exc)) from None
    for message in skipped:
        print(printable(f"quiz: warning: {message}; skipped."), file=stderr)
    flagged = [a for a in attempts if a.flags]
    for a in flagged:
        print(printable(f"quiz: warning: {a.file}: {'; '.join(a.flags)}."), file=stderr)
    if not attempts and not skipped:
        raise UsageError(
            f"found no results file (*.json) in {', '.join(args.results)}. "
            "Name the files, or the folder that holds them"
        )
    if not attempts:
        raise UsageError("no results file could be graded (see the warnings above)")
    try:
        paths = write_reports(args.out, attempts)
    except OSError as exc:
        raise UsageError(
            f"cannot write the reports in {args.out} ({exc.strerror or exc}). "
            "Choose another folder with --out DIR"
        ) from None
    stdout.write(
        f"Graded {plural(len(attempts), 'file')}: {len(flagged)} flagged"
        f", {len(skipped)} skipped. Wrote "
        + ", ".join(display_path(p.resolve()) for p in paths)
        + ".\n"
    )
    return EXIT_INVALID if flagged or skipped else EXIT_OK

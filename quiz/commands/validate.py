"""`quiz validate` (every problem of every bank, and --lint warnings) and `quiz list`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from quiz.bank import bank_files, check_files, default_banks_dir
from quiz.commands.common import EXIT_INVALID, EXIT_OK, load, plural, require
from quiz.draw import select
from quiz.lint import lint_banks


def validate(args: argparse.Namespace, stdout: TextIO) -> int:
    files = bank_files([Path(p) for p in args.banks] or [default_banks_dir()])
    banks, problems = check_files(files)
    for problem in problems:
        print(problem, file=stdout)
    if problems:
        bad_files = len({p.file for p in problems})
        print(
            f"Found {plural(len(problems), 'problem')} in {plural(bad_files, 'file')}.",
            file=stdout,
        )
        return EXIT_INVALID
    count = sum(len(b.questions) for b in banks)
    warnings = lint_banks(banks) if args.lint else []
    for warning in warnings:
        print(warning, file=stdout)
    drafts = sum(b.draft for b in banks)
    print(
        f"OK: {plural(len(banks), 'bank')}{f' ({drafts} draft)' if drafts else ''}, "
        f"{plural(count, 'question')}, no problems"
        + (f", {plural(len(warnings), 'warning')}." if args.lint else "."),
        file=stdout,
    )
    return EXIT_OK


def list_questions(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    banks = load(args.banks, stderr)
    questions = select([q for b in banks for q in b.questions], args.tag)
    require(questions, args.tag)
    width = max(len(q.id) for q in questions) + 2
    print(f"{'id':<{width}}{'type':<12}{'points':<8}tags", file=stdout)
    for q in questions:
        print(f"{q.id:<{width}}{q.type:<12}{q.points:<8g}{', '.join(q.tags)}", file=stdout)
    where = ", ".join(f"{b.id} ({b.file})" for b in banks)
    print(f"\n{plural(len(questions), 'question')} from {where}", file=stdout)
    return EXIT_OK

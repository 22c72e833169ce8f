"""`quiz export`: the banks as Moodle XML, GIFT or a Canvas QTI zip."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from quiz.bank import display_path
from quiz.commands.common import EXIT_OK, UsageError, load, plural
from quiz.export import SUFFIXES, ExportError, export_banks


def export(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    banks = load(args.banks + args.bank, stderr)
    try:
        data = export_banks(banks, args.format, args.variants)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    out = args.out or Path("-".join(b.id for b in banks) + SUFFIXES[args.format])
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {out} ({exc.strerror}). Choose another --out") from None
    count = sum(len(b.questions) for b in banks)
    stdout.write(
        f"Wrote {display_path(out.resolve())}: {plural(count, 'question')} "
        f"from {', '.join(b.id for b in banks)} ({args.format}).\n"
    )
    return EXIT_OK

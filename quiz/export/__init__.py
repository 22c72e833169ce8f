"""Export banks for an LMS: Moodle XML, GIFT, or a Canvas-importable QTI 1.2 zip."""

from __future__ import annotations

from collections.abc import Sequence

from quiz.export import gift, moodle, qti
from quiz.export.common import ExportError, flatten
from quiz.model import Bank

WRITERS = {"moodle": moodle.write, "gift": gift.write, "qti": qti.write}
SUFFIXES = {"moodle": ".xml", "gift": ".gift.txt", "qti": ".qti.zip"}

__all__ = ["SUFFIXES", "WRITERS", "ExportError", "export_banks"]


def export_banks(banks: Sequence[Bank], fmt: str, variants: int = 1) -> bytes:
    """The file's bytes; raises ExportError for an unknown format or nothing to export."""
    if fmt not in WRITERS:
        raise ExportError(f"unknown format `{fmt}`. Use one of: {', '.join(WRITERS)}")
    titles = {bank.id: bank.title for bank in banks}
    return WRITERS[fmt](flatten(banks, variants), titles)

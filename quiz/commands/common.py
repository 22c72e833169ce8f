"""What the commands share: exit statuses, the usage error, and loading banks for a run."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TextIO

from labkit.errors import LabError
from quiz.bank import bank_files, check_files, default_banks_dir, display_path
from quiz.checks import ident
from quiz.model import Bank, BankError

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

SKIPPED = "quiz: note: skipped the bank {file} ({count}); `quiz validate {file}` lists them."
NO_BANKS = "no bank to run ({skipped} skipped, {drafts} drafts left out)"


class UsageError(LabError):
    """A problem with what the user typed or with the files named; exit status 2."""


def printable(text: str) -> str:
    """`text` with control characters shown as escapes (`\\x1b`): results files and their
    names come from students, and must not drive the instructor's terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def sources(names: list[str]) -> tuple[list[Path], set[str]]:
    """Files to load, and the bank ids to keep (empty: all). Ids are looked up in quiz/banks/."""
    if not names:
        return bank_files([default_banks_dir()]), set()
    paths, ids = [], set()
    for name in names:
        if Path(name).exists() or not ident(name):
            paths.append(Path(name))
        else:
            ids.add(name)
    if ids:
        paths.append(default_banks_dir())
    return bank_files(paths), ids


def load(names: list[str], stderr: TextIO) -> list[Bank]:
    """The banks a student's run uses: broken banks found in a folder are skipped, drafts
    left out; a bank file named on the command line must be valid (raises BankError)."""
    files, ids = sources(names)
    banks, problems = check_files(files)
    named = {display_path(Path(n)) for n in names if Path(n).is_file()}
    if any(p.file in named for p in problems):  # an instructor trying a bank: the full report
        for problem in problems:
            print(problem, file=stderr)
        raise BankError(problems)
    # Banks found in a folder: a broken one must not stop a student, and a draft is not ready.
    broken = Counter(p.file for p in problems)
    for file, count in sorted(broken.items()):
        print(SKIPPED.format(file=file, count=plural(count, "problem")), file=stderr)
    drafts = [b for b in banks if b.draft and b.file not in named and b.id not in ids]
    banks = [b for b in banks if b.file not in broken and b not in drafts]
    if not banks:
        raise UsageError(
            NO_BANKS.format(skipped=len(broken), drafts=len(drafts)),
            hint="Run `quiz validate` to see the problems, or name a bank file",
        )
    if ids:
        missing = ids - {b.id for b in banks}
        if missing:
            known = ", ".join(sorted(b.id for b in banks)) or "none"
            raise UsageError(
                f"no bank or file named `{sorted(missing)[0]}` (banks: {known}). "
                "Name a bank id, a .yaml file or a folder"
            )
        banks = [b for b in banks if b.id in ids]
    return banks


def require(questions: list, tags: list[str]) -> None:
    """Raise a UsageError when the tags leave no question."""
    if not questions:
        raise UsageError(
            f"no question has the tag{'s' if len(tags) > 1 else ''} "
            f"{', '.join(tags)}. Run `quiz list` to see the tags"
        )

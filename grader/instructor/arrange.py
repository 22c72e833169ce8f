"""Turn what Gradescope hands over into one submission that `grader grade` accepts.

Gradescope leaves a student's upload in /autograder/submission as it came: the exercise files,
a repository with `exercises/`, a zip it did not unpack, or files the browser renamed on
download (`momentum (1).py`). Files under other names are matched to the exercise files by the
functions they define, read with `ast` and never imported; a file that does not parse is
matched by its name. What was renamed is reported in notes, shown to the student.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Course
from grader.instructor.submissions import IGNORED, MAX_BYTES, MAX_FILES, SubmissionError
from grader.instructor.submissions import extract_zip as _extract_zip


@dataclass
class Arranged:
    """A folder holding `exercises/` (or the exercise files), and what was done to get it."""

    folder: Path
    notes: list[str] = field(default_factory=list)


def arrange(submission: Path, course: Course, work: Path) -> Arranged:
    """Find the exercise files in `submission`; copies go under `work` (a fresh folder).

    Raises SubmissionError for a zip that cannot be unpacked safely."""
    wanted = _wanted(course)
    root = _unpacked(submission, work / "unzipped")
    root = _descend(root)
    folder = root / "exercises" if (root / "exercises").is_dir() else root
    if all((folder / name).is_file() for name in wanted):
        return Arranged(root)
    sources = _sources(folder)
    target = work / "submission" / "exercises"
    target.mkdir(parents=True)
    for path in sources:
        _copy(path, target / path.name)
    matched = match(sources, wanted)
    notes = []
    for name, (source, why) in matched.items():
        _copy(source, target / name)
        notes.append(f"Graded `{source.name}` as {name} ({why}).")
    used = {source for source, _ in matched.values()}
    notes += [
        f"`{p.name}` could not be matched to an exercise file: it does not parse as Python."
        for p in sources
        if p.name not in wanted and p not in used and functions(p) is None
    ]
    return Arranged(target.parent, notes)


def _sources(folder: Path) -> list[Path]:
    """The Python files directly in folder (or folder itself, a single file)."""
    if folder.is_file():
        return [folder] if folder.suffix.lower() == ".py" else []
    if not folder.is_dir():
        return []
    found = sorted(
        p for p in folder.iterdir()
        if p.suffix.lower() == ".py" and p.is_file() and not p.is_symlink()
    )  # fmt: skip
    if len(found) > MAX_FILES:
        raise SubmissionError(f"too large: more than {MAX_FILES} files")
    return found


def _wanted(course: Course) -> dict[str, set[str]]:
    """Exercise file -> the functions graded in it, in course order."""
    wanted: dict[str, set[str]] = {}
    for ex in course.exercises:
        wanted.setdefault(ex.file, set()).add(ex.name)
    return wanted


def functions(path: Path) -> set[str] | None:
    """The names of the functions a file defines at its top level; None if it does not parse."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return None
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def match(sources: list[Path], wanted: dict[str, set[str]]) -> dict[str, tuple[Path, str]]:
    """Exercise file -> (the misnamed source to grade as it, why), for each file not present.

    A source that defines most of the file's graded functions wins (ties: the first by name);
    one that does not parse is taken when its name contains the file's stem (`momentum (1)`)."""
    present = {p.name for p in sources}
    loose = [p for p in sources if p.name not in wanted]
    defined = {p: functions(p) for p in loose}
    found: dict[str, tuple[Path, str]] = {}
    for name, names in wanted.items():
        if name in present:
            continue
        score = {p: len(d & names) for p, d in defined.items() if d is not None and d & names}
        if score:
            best = max(score, key=lambda p: (score[p], -loose.index(p)))
            shared = ", ".join(sorted(defined[best] & names))  # type: ignore[operator]
            found[name] = (best, f"it defines {shared}")
            continue
        stem = name.removesuffix(".py").lower()
        by_name = [p for p, d in defined.items() if d is None and stem in p.stem.lower()]
        if by_name:
            found[name] = (by_name[0], "by its name")
    return found


def _unpacked(submission: Path, dest: Path) -> Path:
    """The submission, or the zip inside it that Gradescope left packed, unpacked to dest."""
    if submission.is_file() and submission.suffix.lower() == ".zip":
        _extract_zip(submission, dest)
        return dest
    if not submission.is_dir():
        return submission
    entries = [p for p in submission.iterdir() if p.name not in IGNORED]
    zips = [p for p in entries if p.suffix.lower() == ".zip" and p.is_file()]
    has_python = any(p.suffix.lower() == ".py" or p.is_dir() for p in entries)
    if len(zips) == 1 and not has_python:
        _extract_zip(zips[0], dest)
        return dest
    return submission


def _descend(root: Path) -> Path:
    """Through single wrapping folders (alice/, alice/momentum-lab/) to the exercise files."""
    for _ in range(3):
        if not root.is_dir() or (root / "exercises").is_dir():
            return root
        if any(p.suffix.lower() == ".py" for p in root.iterdir()):
            return root
        inner = [p for p in root.iterdir() if p.name not in IGNORED and not p.is_symlink()]
        if len(inner) != 1 or not inner[0].is_dir():
            return root
        root = inner[0]
    return root


def _copy(source: Path, target: Path) -> None:
    if source.stat().st_size > MAX_BYTES:
        raise SubmissionError(f"too large: {source.name} is over {MAX_BYTES >> 20} MiB")
    shutil.copyfile(source, target, follow_symlinks=False)

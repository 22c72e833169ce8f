"""Find submissions on disk and stage each one as a gradable exercises/ folder.

A submission is a folder (holding `exercises/`, or the exercise files directly), a single `.py`
file, or a `.zip` of either. A folder that is none of these is a folder of submissions and is
expanded one level. The submission's name (folder name or file stem) is the student id.

Staging never runs student code: it copies regular files, unpacks zips after checking every
entry (no absolute paths, no `..`, no links, no control characters in names, bounded size and
count) and compiles the sources to report syntax errors by name. A symbolic link anywhere in a
submission (a file, or a folder such as `exercises -> ../../solutions`) refuses the submission:
following it would grade files the student did not write. Any error while staging (a file and
a folder of the same name, an unreadable file, a name the file system refuses) is that
submission's SubmissionError, never the batch's.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.course import Course
from labkit.errors import LabError

MAX_FILES = 200
MAX_BYTES = 20 * 1024 * 1024  # uncompressed, per submission
MAX_DIRECTORY = 256 << 10  # bytes of a zip's list of entries (MAX_FILES entries: ~20 KiB)
IGNORED = {"__pycache__", "__MACOSX", ".DS_Store", ".git", ".grader", ".ipynb_checkpoints",
           ".venv", "venv"}  # fmt: skip
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class InstructorError(LabError):
    """A problem with what the instructor asked for (a path that does not exist, ...)."""


class SubmissionError(Exception):
    """This submission cannot be graded; the message goes into its row and feedback."""


@dataclass(frozen=True)
class Submission:
    student: str
    source: Path


@dataclass
class Staged:
    """A submission ready for the sandbox, with the problems found on the way."""

    exercises_dir: Path
    problems: list[str] = field(default_factory=list)


def student_id(path: Path) -> str:
    """The student id for a path: its name without .zip/.py, safe as a file name."""
    name = path.name
    for suffix in (".zip", ".py"):
        if path.is_file() and name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    name = re.sub(r"[^A-Za-z0-9._@+-]", "_", name).strip(".") or "submission"
    return name


def discover(paths: list[Path], course: Course, exclude: list[Path] = ()) -> list[Submission]:
    """Every submission named, with folders of submissions expanded one level, in order."""
    skip = {p.resolve() for p in exclude}
    found: list[Submission] = []
    for path in paths:
        if not path.exists():
            raise InstructorError(f"{path} does not exist. Name submission folders, files or zips")
        if path.is_dir() and not _is_submission(path, course):
            entries = sorted(
                p for p in path.iterdir()
                if p.name not in IGNORED and not p.name.startswith(".") and p.resolve() not in skip
            )  # fmt: skip
            if entries:
                found.extend(Submission(student_id(p), p) for p in entries)
                continue
        # A path the instructor named is trusted, even through a link; links inside are not.
        found.append(Submission(student_id(path), path.resolve() if path.is_symlink() else path))
    return found


def _is_submission(folder: Path, course: Course) -> bool:
    files = {ex.file for ex in course.exercises}
    return (folder / "exercises").is_dir() or any((folder / f).is_file() for f in files)


def digest(path: Path) -> str:
    """A fingerprint of the submission's content (to skip it when it has not changed)."""
    h = hashlib.sha256()
    if path.is_symlink():  # refused when staged; never followed (it may point at `/`)
        h.update(b"symlink\0" + os.fsencode(os.readlink(path)))
    elif path.is_file():
        h.update(path.name.encode("utf-8", "surrogateescape") + b"\0" + _head(path))
    elif path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file() and not _ignored(p, path)):
            h.update(str(file.relative_to(path)).encode("utf-8", "surrogateescape") + b"\0")
            h.update(_head(file) + b"\0")
    return h.hexdigest()[:16]


def _head(file: Path) -> bytes:
    # At most MAX_BYTES + 1: enough to tell contents apart; a huge file is refused later anyway.
    with open(file, "rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _ignored(file: Path, root: Path) -> bool:
    return any(part in IGNORED for part in file.relative_to(root).parts) or file.is_symlink()


def stage(submission: Submission, course: Course, dest: Path) -> Staged:
    """Copy or unpack the submission to dest/exercises; raises SubmissionError if it is unusable
    (including any OSError on the way, with the staging folder left out of the message)."""
    try:
        return _stage(submission, course, dest)
    except OSError as exc:
        why = _describe(exc, submission.source, dest)
        raise SubmissionError(f"could not be staged: {why}") from None
    except ValueError as exc:  # an embedded NUL in a name, or the like
        raise SubmissionError(f"could not be staged: {exc}") from None


def _describe(exc: OSError, source: Path, dest: Path) -> str:
    """`strerror: name`, the name relative to the submission, never an instructor's path."""
    what = exc.strerror or type(exc).__name__
    name = exc.filename
    if name is None:
        return what
    path = Path(os.fsdecode(name))
    for root in (dest / "unzipped", dest, source):
        if path.is_relative_to(root):
            return f"{what}: {path.relative_to(root).as_posix() or path.name}"
    return f"{what}: {path.name}"


def _stage(submission: Submission, course: Course, dest: Path) -> Staged:
    source = submission.source
    if source.is_symlink():
        raise SubmissionError(f"symlinks are not allowed: {source.name} is a symbolic link")
    files = list(dict.fromkeys(ex.file for ex in course.exercises))
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / "exercises"
    if source.is_dir():
        root = source
    elif source.suffix.lower() == ".zip":
        root = dest / "unzipped"
        extract_zip(source, root)
        root = _submission_root(root, files)
    elif source.suffix.lower() == ".py":
        target.mkdir()
        name = source.name if source.name in files else files[0]
        _copy_file(source, target / name)
        return Staged(target, _check_sources(target, files))
    else:
        raise SubmissionError(f"not Python: {source.name} is not a .py file, a .zip or a folder")
    _refuse_links(root)
    folder = root / "exercises" if (root / "exercises").is_dir() else root
    if not any(p for p in folder.rglob("*") if not _ignored(p, folder)):
        raise SubmissionError("the submission is empty")
    if not any((folder / f).is_file() for f in files):
        raise SubmissionError(
            f"no exercise files: expected an exercises/ folder or {', '.join(files)}"
        )
    _copy_tree(folder, target)
    return Staged(target, _check_sources(target, files))


def _submission_root(root: Path, files: list[str]) -> Path:
    """Descend through single wrapping folders (alice/, alice/momentum-lab/) of an archive."""
    for _ in range(3):
        if (root / "exercises").is_dir() or any((root / f).is_file() for f in files):
            return root
        inner = [p for p in root.iterdir() if p.name not in IGNORED]
        if len(inner) != 1 or not inner[0].is_dir():
            return root
        root = inner[0]
    return root


def _refuse_links(root: Path) -> None:
    """Raise SubmissionError for the first symbolic link under root (folders not followed)."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED)
        for name in sorted(dirs + files):
            path = Path(folder, name)
            if path.is_symlink():
                shown = path.relative_to(root).as_posix()
                raise SubmissionError(
                    f"symlinks are not allowed: {shown} is a symbolic link "
                    f"(to {os.readlink(path)}). Submit the files themselves"
                )


def _copy_tree(source: Path, target: Path) -> None:
    count = size = 0
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.rglob("*")):
        if _ignored(path, source) or not path.is_file():
            continue  # symlinks, sockets and the like are never followed
        count += 1
        size += path.stat().st_size
        if count > MAX_FILES or size > MAX_BYTES:
            raise SubmissionError(
                f"too large: more than {MAX_FILES} files or {MAX_BYTES >> 20} MiB"
            )
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        _copy_file(path, out)


def _copy_file(source: Path, target: Path) -> None:
    if source.stat().st_size > MAX_BYTES:
        raise SubmissionError(f"too large: {source.name} is over {MAX_BYTES >> 20} MiB")
    if source.is_symlink():  # _refuse_links saw none; one made since is still refused
        raise SubmissionError(f"symlinks are not allowed: {source.name} is a symbolic link")
    shutil.copyfile(source, target, follow_symlinks=False)


def extract_zip(archive: Path, dest: Path) -> None:
    """Unpack after checking every entry; raises SubmissionError naming the first bad one."""
    try:
        _check_directory(archive)
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            _check_entries(infos)
            dest.mkdir(parents=True, exist_ok=True)
            for info in infos:
                parts = _parts(info.filename)
                if not parts or parts[0] in IGNORED:
                    continue
                out = dest.joinpath(*parts)
                if info.is_dir():
                    out.mkdir(parents=True, exist_ok=True)
                    continue
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(out, "wb") as dst:
                    # Read at most the declared size + 1: a lying header cannot inflate more.
                    data = src.read(info.file_size + 1)
                    if len(data) > info.file_size:
                        raise SubmissionError(f"bad zip: {info.filename} is larger than declared")
                    dst.write(data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
        raise SubmissionError(f"not a valid zip file ({exc})") from None
    except OSError as exc:  # a file and a folder of the same name, a name the disk refuses
        raise SubmissionError(f"cannot unpack the zip: {_describe(exc, archive, dest)}") from None
    except RuntimeError as exc:  # encrypted entries
        raise SubmissionError(f"cannot unpack the zip: {exc}") from None


def _check_directory(archive: Path) -> None:
    """Refuse a zip whose list of entries is too long before zipfile reads it: zipfile builds
    one object per entry, whatever the count in the header says (24 MiB of empty entries cost
    300 MiB of the grader's memory and seconds). Reads the end record only."""
    try:
        with open(archive, "rb") as handle:
            end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]  # private, stable
        entries, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # type: ignore
    except (AttributeError, TypeError, IndexError):  # not a zip (zipfile says so), or no helper
        return
    if entries > MAX_FILES or size > MAX_DIRECTORY:
        raise SubmissionError(
            f"unsafe zip: its list of entries is too long ({entries} entries in {size} bytes; "
            f"at most {MAX_FILES} files)"
        )


def _parts(name: str) -> tuple[str, ...]:
    return tuple(p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", "."))


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_FILES:
        raise SubmissionError(f"unsafe zip: {len(infos)} entries (at most {MAX_FILES})")
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
            raise SubmissionError(f"unsafe zip: {info.filename!r} is an absolute path")
        if CONTROL.search(name):
            raise SubmissionError(f"unsafe zip: {name!r} has control characters in its name")
        if ".." in PurePosixPath(name).parts:
            raise SubmissionError(f"unsafe zip: {info.filename!r} points outside the folder")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise SubmissionError(f"unsafe zip: {info.filename!r} is a symbolic link")
        if info.flag_bits & 0x1:
            raise SubmissionError(f"cannot unpack the zip: {info.filename!r} is encrypted")
        total += info.file_size
        if total > MAX_BYTES:
            raise SubmissionError(f"unsafe zip: more than {MAX_BYTES >> 20} MiB uncompressed")


def _check_sources(folder: Path, files: list[str]) -> list[str]:
    """Missing exercise files and sources that do not compile (compiled only, never run)."""
    problems = []
    missing = [f for f in files if not (folder / f).is_file()]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    for file in files:
        path = folder / file
        if not path.is_file():
            continue
        try:
            compile(path.read_bytes(), str(file), "exec", dont_inherit=True)
        except SyntaxError as exc:
            problems.append(f"{file} line {exc.lineno}: SyntaxError: {exc.msg}")
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(f"{file} is not Python source ({exc})")
        except (RecursionError, MemoryError):  # nesting deeper than the compiler goes
            problems.append(f"{file} is nested too deeply to compile")
    return problems

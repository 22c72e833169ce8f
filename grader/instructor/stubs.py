"""The pristine stubs: where they come from, and whether the course's exercises/ still holds them.

An instructor who tries the exercises in their own copy of the course leaves solved files in
exercises/; a release built from that copy would hand the solutions to every student. So the
stubs are compared with a source the instructor does not edit by accident:

1. git HEAD, when the course is a git work tree with its exercises/ committed
   (`git show HEAD:./exercises/<file>`);
2. otherwise `exercises/.stubs.json`, the SHA-256 of each stub, recorded when a release was
   made with `--allow-modified-stubs` (and kept in the course repository, so a copy without
   .git still has it).

A file the source does not know (a new exercise's stub) cannot be compared; the release's leak
check, which looks for solution lines that are in no pristine stub, is what vouches for it.

Texts are compared with their line endings normalised (git may check files out with CRLF).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Course
from labkit.files import write_text

RECORD = ".stubs.json"
FORMAT = "momentum-lab/stubs"
GIT_SECONDS = 20


@dataclass(frozen=True)
class StubSource:
    """The pristine stubs, by path relative to exercises/: texts when the source has them
    (git), hashes always. `kind` names the source for messages; "" when there is none."""

    kind: str
    hashes: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def is_git(self) -> bool:
        return self.kind == "git HEAD"


def _normal(data: bytes) -> str:
    return data.decode("utf-8", "replace").replace("\r\n", "\n")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stub_files(course: Course) -> dict[str, str]:
    """Every .py file under the course's exercises/ -> its text (line endings normalised)."""
    folder = course.exercises_dir
    found = {}
    for path in sorted(folder.rglob("*.py")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        found[path.relative_to(folder).as_posix()] = _normal(path.read_bytes())
    return found


def find_source(course: Course) -> StubSource:
    """git HEAD if it has the stubs, else the recorded hashes, else StubSource("")."""
    from_git = _git_source(course.root)
    if from_git is not None:
        return from_git
    record = course.exercises_dir / RECORD
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return StubSource("")
    hashes = data.get("files") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(hashes, dict):
        return StubSource("")
    return StubSource(f"exercises/{RECORD}", {str(k): str(v) for k, v in hashes.items()})


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run([git, "-C", str(root), *args], capture_output=True,
                              timeout=GIT_SECONDS, stdin=subprocess.DEVNULL)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done if done.returncode == 0 else None


def _git_source(root: Path) -> StubSource | None:
    # Paths in ls-tree are relative to -C root; `HEAD:./x` in show is relative to it too.
    listed = _git(root, "ls-tree", "-r", "--name-only", "HEAD", "--", "exercises/")
    if listed is None:
        return None
    names = [n for n in listed.stdout.decode("utf-8", "replace").splitlines() if n.endswith(".py")]
    texts = {}
    for name in names:
        shown = _git(root, "show", f"HEAD:./{name}")
        if shown is None:
            return None
        texts[name.removeprefix("exercises/")] = _normal(shown.stdout)
    if not texts:
        return None
    return StubSource("git HEAD", {k: _hash(v) for k, v in texts.items()}, texts)


@dataclass(frozen=True)
class Comparison:
    """exercises/ against the stub source: files that differ from it (changed, missing), and
    files it does not know (a stub being added; only the leak check vouches for those)."""

    changed: list[str]
    new: list[str]


def compare(course: Course, source: StubSource) -> Comparison:
    current = stub_files(course)
    changed, new = [], []
    for name in sorted(set(current) | set(source.hashes)):
        if name not in current:
            changed.append(f"exercises/{name} is missing")
        elif name not in source.hashes:
            new.append(f"exercises/{name}")
        elif _hash(current[name]) != source.hashes[name]:
            changed.append(f"exercises/{name} has changed")
    return Comparison(changed, new)


def pristine_lines(course: Course, source: StubSource) -> set[str]:
    """Stripped lines of the pristine stubs: texts from git, or the current files whose hash
    matches the record. A changed file contributes nothing: its lines are not pristine."""
    if source.texts:
        texts = list(source.texts.values())
    else:
        texts = [t for n, t in stub_files(course).items() if source.hashes.get(n) == _hash(t)]
    return {line.strip() for text in texts for line in text.splitlines()}


def record(course: Course) -> Path:
    """Write exercises/.stubs.json: the hash of every stub as it is now."""
    data = {
        "format": FORMAT,
        "note": "SHA-256 of each pristine stub; `grader release` refuses an exercises/ that "
        "differs. Written by `grader release --allow-modified-stubs`.",
        "files": {name: _hash(text) for name, text in stub_files(course).items()},
    }
    path = course.exercises_dir / RECORD
    write_text(path, json.dumps(data, indent=2) + "\n")
    return path

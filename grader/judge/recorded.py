"""Reference outputs recorded from solutions/, for a course edition that ships without them.

`grader release` runs the reference solutions on the cases of a set of seeds and stores what
they return in `grader/data/reference.npz` (float64 arrays only, loaded without pickle). Each
output is keyed by a hash of its case's exercise and parameters, so a lookup also proves the
inputs are the ones recorded. The student edition's `grader check` uses a `RecordedReference`
instead of the solutions, with seeds chosen from the recorded ones.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from grader.course import Course
from grader.exercises import spec
from grader.exercises.base import Case
from grader.judge.cases import build
from grader.judge.reference import NoReference, SolutionReference
from grader.sandbox.protocol import GradSpec
from labkit.errors import LabError
from labkit.files import atomic_write

DATA = Path(__file__).resolve().parents[1] / "data" / "reference.npz"
DEFAULT_SEEDS = 30  # about 85 KB each


class SeedError(LabError):
    """A seed the recorded reference does not cover; the message lists the ones it does."""


def case_key(case: Case) -> str:
    """A hash of the case's exercise and parameters (not its id or label)."""
    h = hashlib.sha256(case.exercise.encode())
    for name in sorted(case.params):
        value = case.params[name]
        h.update(b"\0" + name.encode() + b"=")
        if isinstance(value, np.ndarray):
            a = np.ascontiguousarray(value, dtype=np.float64)
            h.update(f"array{a.shape}".encode() + a.tobytes())
        elif isinstance(value, GradSpec):
            h.update(b"grad" + json.dumps(value.spec, sort_keys=True).encode())
        else:
            h.update(f"{type(value).__name__}:{value!r}".encode())
    return h.hexdigest()[:24]


def fingerprint_solutions(solutions_dir: Path) -> str:
    h = hashlib.sha256()
    for file in sorted(solutions_dir.glob("*.py")):
        h.update(file.name.encode() + b"\0" + file.read_bytes())
    return h.hexdigest()[:16]


def record(course: Course, seeds: Iterable[int], dest: Path = DATA) -> Path:
    """Run the solutions on every case of these seeds and write the outputs to dest."""
    reference = SolutionReference(course.solutions_dir)
    seeds = sorted(set(seeds))
    arrays: dict[str, np.ndarray] = {}
    for seed in seeds:
        for case in build(course.exercises, seed):
            key = case_key(case)
            if key not in arrays:
                arrays[key] = spec(case.exercise).answer.encode(reference.expected(case))
    arrays["_seeds"] = np.array(seeds, dtype=np.int64)
    arrays["_solutions"] = np.array(fingerprint_solutions(course.solutions_dir))
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(dest, "wb") as handle:
        np.savez_compressed(handle, **arrays)
    return dest


def random_seeds(count: int = DEFAULT_SEEDS) -> list[int]:
    seeds: set[int] = set()
    while len(seeds) < count:
        seeds.add(secrets.randbelow(1_000_000))
    return sorted(seeds)


class RecordedReference:
    """Expected values looked up in a recorded file instead of computed by solutions/."""

    def __init__(self, path: Path = DATA) -> None:
        if not path.is_file():
            raise NoReference(
                "there is no reference to grade against: this course has no solutions/ folder "
                f"and the grader has no recorded reference outputs ({path}). Grade from the "
                "instructor's full course, or from a student edition made by `grader release`"
            )
        try:
            self._data = np.load(path, allow_pickle=False)
            self.seeds = [int(s) for s in self._data["_seeds"]]
        except (OSError, ValueError, KeyError) as exc:
            raise NoReference(f"cannot read the recorded reference outputs {path}: {exc}") from None
        self.path = path

    def expected(self, case: Case) -> Any:
        key = case_key(case)
        if key not in self._data.files:
            raise NoReference(
                f"no recorded reference output for {case.id} (only seeds "
                f"{', '.join(map(str, self.seeds))} were recorded)"
            )
        return spec(case.exercise).answer.decode(self._data[key])

    def check_seed(self, seed: int) -> None:
        if seed not in self.seeds:
            raise SeedError(
                f"seed {seed} was not recorded for this edition of the course. "
                f"Use one of: {', '.join(map(str, self.seeds))}"
            )


def default_reference(course: Course) -> Any:
    """The course's solutions when it has them, else the recorded outputs."""
    if course.solutions_dir.is_dir():
        return SolutionReference(course.solutions_dir)
    return RecordedReference()


def reference_fingerprint(course: Course) -> str:
    if course.solutions_dir.is_dir():
        return "solutions:" + fingerprint_solutions(course.solutions_dir)
    if DATA.is_file():
        return "recorded:" + hashlib.sha256(DATA.read_bytes()).hexdigest()[:16]
    return "none"

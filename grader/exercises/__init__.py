"""The registry of exercises: one module per exercise in this folder, each with an `EXERCISE`.

A module named after the exercise (``optimize.py`` for `optimize`) holds everything the grader
knows about it (see ``base.ExerciseSpec``); modules whose names start with ``_`` are shared
helpers. course.toml adds the file, points and hints, and `grader.course` checks the two agree.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from grader.exercises.base import ExerciseSpec
from labkit.errors import LabError

FOLDER = Path(__file__).parent


class RegistryError(LabError):
    """An exercise module is broken (a course author's error, not a student's)."""


@cache
def registry() -> dict[str, ExerciseSpec]:
    """Every exercise module in this folder, by exercise name."""
    specs: dict[str, ExerciseSpec] = {}
    for info in sorted(pkgutil.iter_modules([str(FOLDER)]), key=lambda i: i.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        path = FOLDER / f"{info.name}.py"
        try:
            module = importlib.import_module(f"{__name__}.{info.name}")
        except Exception as exc:
            raise RegistryError(f"{path}: cannot be imported: {type(exc).__name__}: {exc}") from exc
        spec = getattr(module, "EXERCISE", None)
        if not isinstance(spec, ExerciseSpec):
            raise RegistryError(
                f"{path}: defines no `EXERCISE = ExerciseSpec(...)`. Every module in "
                f"{FOLDER} describes one exercise (helpers go in modules named _*.py)"
            )
        if spec.name != info.name:
            raise RegistryError(
                f"{path}: EXERCISE.name is {spec.name!r}; name the module after the exercise "
                f"({spec.name}.py) or fix the name"
            )
        specs[spec.name] = spec
    return specs


def spec(name: str) -> ExerciseSpec:
    """The exercise called `name`; KeyError if no module describes it."""
    return registry()[name]

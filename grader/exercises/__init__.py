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
from typing import TYPE_CHECKING

from labkit.errors import LabError

if TYPE_CHECKING:  # base imports numpy, which `grader list` and `grader hint` do not need
    from grader.exercises.base import ExerciseSpec

FOLDER = Path(__file__).parent


class RegistryError(LabError):
    """An exercise module is broken (a course author's error, not a student's)."""


def names() -> list[str]:
    """The exercises this folder describes, from the module names alone (nothing imported)."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(FOLDER)])
        if not info.name.startswith("_") and info.name != "base"
    )


@cache
def registry() -> dict[str, ExerciseSpec]:
    """Every exercise module in this folder, by exercise name."""
    from grader.exercises.base import ExerciseSpec

    specs: dict[str, ExerciseSpec] = {}
    for name in names():
        path = FOLDER / f"{name}.py"
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except Exception as exc:
            raise RegistryError(f"{path}: cannot be imported: {type(exc).__name__}: {exc}") from exc
        spec = getattr(module, "EXERCISE", None)
        if not isinstance(spec, ExerciseSpec):
            raise RegistryError(
                f"{path}: defines no `EXERCISE = ExerciseSpec(...)`. Every module in "
                f"{FOLDER} describes one exercise (helpers go in modules named _*.py)"
            )
        if spec.name != name:
            raise RegistryError(
                f"{path}: EXERCISE.name is {spec.name!r}; name the module after the exercise "
                f"({spec.name}.py) or fix the name"
            )
        specs[spec.name] = spec
    return specs


def spec(name: str) -> ExerciseSpec:
    """The exercise called `name`; KeyError if no module describes it."""
    return registry()[name]

"""Expected results: what the reference solutions return for each case.

The reference code runs in the judge (it is trusted); student code never does. The solutions are
loaded from the course's own `solutions/` folder by path, under private module names, so they
cannot be confused with a student's modules.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from grader.exercises import spec
from grader.exercises.base import Case
from grader.sandbox.protocol import GradSpec
from grader.sandbox.surfaces import grad_fn_from_spec
from labkit.errors import LabError


class NoReference(LabError):
    """The reference solutions are missing or broken."""


def materialise(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters with gradient descriptions turned into functions and arrays copied."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, GradSpec):
            out[key] = grad_fn_from_spec(value.spec)
        elif isinstance(value, np.ndarray):
            out[key] = value.copy()
        else:
            out[key] = value
    return out


class SolutionReference:
    """Computes expected values by calling the reference solutions in this process."""

    def __init__(self, solutions_dir: Path) -> None:
        if not solutions_dir.is_dir():
            raise NoReference(
                f"there is no reference to grade against: {solutions_dir} does not exist and "
                "this copy has no recorded reference outputs. Grade from the instructor's full "
                "course, or from a student edition made by `grader release`"
            )
        self.solutions_dir = solutions_dir
        self._modules: dict[str, ModuleType] = {}

    def _module(self, name: str) -> ModuleType:
        if name not in self._modules:
            path = self.solutions_dir / f"{name}.py"
            if not path.is_file():
                raise NoReference(f"the reference solution {path} is missing")
            # Solutions import each other by plain name (`from momentum import ...`).
            sys.path.insert(0, str(self.solutions_dir))
            try:
                spec = importlib.util.spec_from_file_location(f"_mlab_solution_{name}", path)
                assert spec is not None and spec.loader is not None
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
            except Exception as exc:
                raise NoReference(f"cannot load the reference solution {path}: {exc}") from exc
            finally:
                sys.path.remove(str(self.solutions_dir))
            self._modules[name] = module
        return self._modules[name]

    def expected(self, case: Case) -> Any:
        func = getattr(self._module(case.module), case.exercise)
        return spec(case.exercise).answer.normalise(func(**materialise(case.params)))

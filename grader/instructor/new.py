"""`grader new NAME --file FILE`: the files of a new exercise, as a small working example.

Writes what README's "Add an exercise" lists, and nothing else: the stub in exercises/, its
solution in solutions/, the exercise module in grader/exercises/, the check file in
grader/checks/, one known-wrong file, and an entry in the course's course.toml. The example is
a plain gradient step, so `grader check`, `selfcheck`, `grade` and `release` work on it at once;
the instructor then edits each file into the real exercise.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from pathlib import Path

from grader.course import Course
from grader.exercises import FOLDER as EXERCISE_MODULES
from grader.instructor.submissions import InstructorError

CHECKS = EXERCISE_MODULES.parent / "checks"

STUB = '''

def {name}(theta, grad, lr=0.1):
    """One step of gradient descent (an example: replace it with your exercise).

    theta' = theta - lr * grad

    Returns theta', a new array of the same shape as theta.
    Example: {name}(np.array([2.0, 2.0]), np.array([8.0, 2.0])) -> array([1.2, 1.8])
    """
    # TODO: your code here.
    raise NotImplementedError
'''
SOLUTION = '''

def {name}(theta, grad, lr=0.1):
    """One step of gradient descent (an example: replace it with your exercise).

    theta' = theta - lr * grad

    Returns theta', a new array of the same shape as theta.
    Example: {name}(np.array([2.0, 2.0]), np.array([8.0, 2.0])) -> array([1.2, 1.8])
    """
    return theta - lr * grad
'''
MODULE = '''"""`{name}`: what the grader knows about it (written by `grader new`; edit freely)."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.exercises.base import ARRAY, REQUIRED, Case, ExerciseSpec, Mistake, vec

SIGNATURE = (("theta", REQUIRED), ("grad", REQUIRED), ("lr", 0.1))


def correct(p: dict[str, Any], sign: float = -1.0) -> np.ndarray:
    """The right answer, computed from a case's parameters (and, with `sign`, a mistake)."""
    return p["theta"] + sign * p["lr"] * p["grad"]


def cases(rng: np.random.Generator) -> list[Case]:
    ex = "{name}"
    out = [
        Case(f"{{ex}}/example/0", ex, "example",
             dict(theta=np.array([2.0, 2.0]), grad=np.array([8.0, 2.0]), lr=0.1),
             "the docstring's example", visible=True),
    ]  # fmt: skip
    for i in range(8):
        d = int(rng.integers(1, 30))
        lr = round(float(rng.uniform(0.011, 0.3)), 3)
        params = dict(theta=vec(rng, d), grad=vec(rng, d, 3.0), lr=lr)
        out.append(Case(f"{{ex}}/random/{{i}}", ex, "random", params, f"d = {{d}}, lr = {{lr}}",
                        "keywords" if i % 2 else "positional"))  # fmt: skip
    return out


MISTAKES = (
    Mistake("sign", "the step goes uphill: subtract lr * grad.", lambda p: correct(p, 1.0)),
)

EXERCISE = ExerciseSpec(
    name="{name}", signature=SIGNATURE, answer=ARRAY, cases=cases, correct=correct,
    mistakes=MISTAKES,
)  # fmt: skip
'''
CHECK = '''from grader.judge.generic import check_answers
from grader.judge.judging import Judge, check_unchanged

EX = "{name}"


def test_example(judge: Judge) -> None:
    """the docstring's example"""
    check_answers(judge, EX, "example")


def test_random(judge: Judge) -> None:
    """random cases: several d and lr"""
    check_answers(judge, EX, "random")


def test_unchanged(judge: Judge) -> None:
    """leaves its arguments unchanged"""
    check_unchanged(judge, EX)
'''
WRONG = '''"""The gradient added instead of subtracted."""

DIAGNOSIS = "uphill"


def {name}(theta, grad, lr=0.1):
    return theta + lr * grad
'''
ENTRY = """
[[exercises]]
name = "{name}"
file = "{file}"
points = {points}
hints = [
    "Subtract the step: `theta - lr * grad`.",
    "Return a new array; do not change `theta` in place.",
]
"""


@dataclass(frozen=True)
class Created:
    name: str
    files: list[Path]

    def __str__(self) -> str:
        listed = "\n".join(f"  {f}" for f in self.files)
        return (
            f"Wrote the exercise `{self.name}` (a working example to edit):\n{listed}\n"
            "Next: edit them into your exercise, then run `grader selfcheck`."
        )


def new_exercise(course: Course, name: str, file: str, points: int = 2) -> Created:
    """Write the new exercise's files; raises InstructorError before writing anything if the
    name is not a Python identifier or any of its files already defines it."""
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise InstructorError(f"{name!r} is not a function name: use letters, digits and _")
    if not file.endswith(".py") or "/" in file or "\\" in file:
        raise InstructorError(f"--file {file!r} must be a file name ending in .py")
    if name in course.names:
        raise InstructorError(f"`{name}` is already an exercise ({course.metadata})")
    module, check = EXERCISE_MODULES / f"{name}.py", CHECKS / f"check_{name}.py"
    wrong = course.root / "known_wrong" / name / "sign.py"
    for path in (module, check, wrong):
        if path.exists():
            raise InstructorError(f"{path} already exists: remove it or choose another name")
    written = [
        _append(course.exercises_dir / file, STUB.format(name=name)),
        _append(course.solutions_dir / file, SOLUTION.format(name=name)),
        _write(module, MODULE.format(name=name)),
        _write(check, CHECK.format(name=name)),
        _write(wrong, WRONG.format(name=name)),
        _append(course.metadata, ENTRY.format(name=name, file=file, points=points), header=""),
    ]
    return Created(name, written)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _append(
    path: Path, text: str, header: str = '"""Exercises."""\n\nimport numpy as np\n'
) -> Path:
    old = path.read_text(encoding="utf-8") if path.exists() else header
    return _write(path, old.rstrip("\n") + "\n" + text)

"""The course: where it lives on disk and which exercises it has (from course.toml)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader.exercises import FOLDER as REGISTRY_DIR
from grader.exercises import names as registered
from grader.exercises import registry
from labkit.errors import LabError

if TYPE_CHECKING:  # base imports numpy: `grader list` and `grader hint` stay without it
    from grader.exercises.base import ExerciseSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Ubuntu 22.04, Gradescope's default image)
    import tomli as tomllib  # noqa: I001

PACKAGED = Path(__file__).with_name("course.toml")  # for a course folder without its own
METADATA_NAME = "course.toml"
FORMAT_VERSION = 1


class CourseError(LabError):
    """The course could not be found or its metadata is broken."""


@dataclass(frozen=True)
class Exercise:
    """One function a student implements."""

    name: str
    file: str
    points: float
    hints: tuple[str, ...]

    @property
    def module(self) -> str:
        return self.file.removesuffix(".py")

    @property
    def spec(self) -> ExerciseSpec:
        """What the grader knows about this exercise (grader/exercises/<name>.py)."""
        return registry()[self.name]


@dataclass(frozen=True)
class Course:
    """A course on disk: its root folder and its exercises in order."""

    root: Path
    exercises: tuple[Exercise, ...]
    metadata: Path = PACKAGED

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    @property
    def off_limits(self) -> list[Path]:
        """What student code may not read while it is graded (besides the grader itself)."""
        return [self.solutions_dir, self.root / "known_wrong"]

    def exercise(self, name: str) -> Exercise:
        for ex in self.exercises:
            if ex.name == name:
                return ex
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [ex.name for ex in self.exercises]


def load_exercises(path: Path = PACKAGED) -> tuple[Exercise, ...]:
    """Read the exercise list; raises CourseError naming the file on any problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CourseError(f"cannot read {path}: {exc}") from exc
    if data.get("format_version") != FORMAT_VERSION:
        raise CourseError(f"{path}: format_version must be {FORMAT_VERSION}")
    exercises = []
    for i, entry in enumerate(data.get("exercises", []), 1):
        try:
            exercises.append(
                Exercise(
                    name=str(entry["name"]),
                    file=str(entry["file"]),
                    points=float(entry["points"]),
                    hints=tuple(str(h) for h in entry.get("hints", ())),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CourseError(f"{path}: exercise #{i} is missing or has a bad {exc}") from exc
    if not exercises:
        raise CourseError(f"{path}: lists no exercises")
    check_registry(path, [ex.name for ex in exercises])
    return tuple(exercises)


def check_registry(path: Path, names: list[str]) -> None:
    """course.toml and grader/exercises/ must describe the same exercises."""
    known = registered()  # module names only: a broken module is reported when it is used
    missing = [n for n in names if n not in known]
    extra = [n for n in known if n not in names]
    if missing:
        raise CourseError(
            f"{path} lists {_names(missing)}, but {REGISTRY_DIR} has no module for "
            f"{'it' if len(missing) == 1 else 'them'} ({', '.join(m + '.py' for m in missing)}). "
            "Add the exercise module (README: Add an exercise) or remove the entry"
        )
    if extra:
        raise CourseError(
            f"{REGISTRY_DIR} describes {_names(extra)}, but {path} does not list "
            f"{'it' if len(extra) == 1 else 'them'}. Add a [[exercises]] entry to {path} "
            "or remove the module"
        )


def _names(names: list[str]) -> str:
    word = "exercise" if len(names) == 1 else "exercises"
    return f"{word} " + ", ".join(f"`{n}`" for n in names)


def metadata_for(root: Path) -> Path:
    """The course's own course.toml, else the one packaged with the grader."""
    own = root / METADATA_NAME
    return own if own.is_file() else PACKAGED


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that has an `exercises/` folder."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "exercises").is_dir():
            return folder
    raise CourseError(
        f"no exercises/ folder in {start} or any folder above it. "
        "Run grader from inside the course folder, or pass --path DIR"
    )


def load_course(path: Path | None = None, cwd: Path | None = None) -> Course:
    """Locate the course (``--path`` or the nearest ancestor of cwd) and load its exercises.

    ``path`` may be the course root or its ``exercises/`` folder itself.
    """
    if path is not None:
        path = path.resolve()
        if not path.is_dir():
            raise CourseError(f"--path {path} is not a folder")
        root = path.parent if path.name == "exercises" else path
        if not (root / "exercises").is_dir():
            raise CourseError(f"{path} has no exercises/ folder. Pass the course folder")
    else:
        root = find_root(cwd or Path.cwd())
    metadata = metadata_for(root)
    return Course(root=root, exercises=load_exercises(metadata), metadata=metadata)

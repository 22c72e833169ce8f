"""arrange.py's matching, unit by unit: which file is graded as which exercise file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from grader.course import load_course
from grader.instructor.arrange import arrange, functions, match
from helpers import REPO

WANTED = {"momentum.py": {"momentum_step", "optimize"}, "nesterov.py": {"nesterov_step"}}


def write(folder: Path, files: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(folder / name for name in files)


def test_functions_are_top_level_definitions_only(tmp_path: Path) -> None:
    (path,) = write(tmp_path, {"a.py": (
        "def momentum_step(): pass\n"
        "async def optimize(): pass\n"
        "class C:\n    def nesterov_step(self): pass\n"
        "def outer():\n    def steps_to_converge(): pass\n"
    )})  # fmt: skip
    assert functions(path) == {"momentum_step", "optimize", "outer"}
    (broken,) = write(tmp_path, {"b.py": "def f(:\n"})
    assert functions(broken) is None


def test_the_file_defining_more_of_them_wins(tmp_path: Path) -> None:
    sources = write(tmp_path, {
        "a.py": "def momentum_step(): pass\n",
        "b.py": "def momentum_step(): pass\ndef optimize(): pass\n",
        "c.py": "def nesterov_step(): pass\n",
    })  # fmt: skip
    found = match(sources, WANTED)
    assert {name: path.name for name, (path, _) in found.items()} == {
        "momentum.py": "b.py", "nesterov.py": "c.py",
    }  # fmt: skip
    assert found["momentum.py"][1] == "it defines momentum_step, optimize"


def test_a_tie_goes_to_the_first_by_name(tmp_path: Path) -> None:
    sources = write(tmp_path, {"z.py": "def optimize(): pass\n", "y.py": "def optimize(): pass\n"})
    assert match(sources, WANTED)["momentum.py"][0].name == "y.py"


def test_a_correctly_named_file_is_never_replaced(tmp_path: Path) -> None:
    sources = write(tmp_path, {"momentum.py": "x = 1\n", "momentum (1).py": "def optimize(): pass"})
    assert "momentum.py" not in match(sources, WANTED)


def test_an_unparsable_file_is_matched_by_the_stem_in_its_name(tmp_path: Path) -> None:
    sources = write(tmp_path, {"Nesterov (2).py": "def f(:\n", "notes.py": "def g(:\n"})
    found = match(sources, WANTED)
    assert {name: (p.name, why) for name, (p, why) in found.items()} == {
        "nesterov.py": ("Nesterov (2).py", "by its name"),
    }  # fmt: skip


def test_a_symbolic_link_is_never_followed(tmp_path: Path) -> None:
    course = load_course(REPO)
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "hw.py").symlink_to(REPO / "solutions" / "momentum.py")
    arranged = arrange(submission, course, tmp_path / "work")
    assert not list((arranged.folder / "exercises").iterdir()) and not arranged.notes


def test_two_zips_are_not_guessed_between(tmp_path: Path) -> None:
    course = load_course(REPO)
    submission = tmp_path / "submission"
    submission.mkdir()
    for name in ("a.zip", "b.zip"):
        with zipfile.ZipFile(submission / name, "w") as zf:
            zf.writestr("momentum.py", "def momentum_step(): pass\n")
    arranged = arrange(submission, course, tmp_path / "work")
    assert not (tmp_path / "work" / "unzipped").exists()
    assert not list((arranged.folder / "exercises").iterdir())

"""`grader release`: the student edition works without solutions and contains none."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from grader.course import load_course
from grader.instructor.release import JUDGE_FOLDER, solution_lines
from grader.judge.cases import build
from grader.judge.recorded import RecordedReference
from grader.judge.reference import SolutionReference
from helpers import REPO


def run(*args: str, pythonpath: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "student"
    done = run("grader", "release", str(out), pythonpath=REPO, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "no solutions" in done.stdout
    return out


def test_contents(edition: Path) -> None:
    for needed in ("exercises/momentum.py", "quiz/banks/momentum.yaml", "README.md",
                   "pyproject.toml", "grader/checks/check_optimize.py",
                   "grader/data/reference.npz", ".github/workflows/classroom.yml"):  # fmt: skip
        assert (edition / needed).is_file(), needed
    for absent in ("solutions", "known_wrong", "tests", "bench", ".ci", ".git"):
        assert not (edition / absent).exists(), absent
    assert not list(edition.rglob("__pycache__"))
    assert (edition / "grader/data/reference.npz").stat().st_size < 5_000_000


def test_no_solution_source_anywhere(edition: Path) -> None:
    lines = solution_lines(load_course(REPO))
    assert len(lines) > 10  # the scan has something to look for
    hits = []
    for path in edition.rglob("*"):
        rel = path.relative_to(edition).as_posix()
        if not path.is_file() or rel.startswith(JUDGE_FOLDER) or path.suffix == ".npz":
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        hits += [f"{rel}: {line}" for line in lines if line in text]
    assert hits == []


def test_recorded_outputs_equal_the_solutions(edition: Path) -> None:
    recorded = RecordedReference(edition / "grader/data/reference.npz")
    assert len(recorded.seeds) == 30
    course = load_course(REPO)
    solutions = SolutionReference(REPO / "solutions")
    compared = 0
    for seed in recorded.seeds:
        for case in build(course.exercises, seed):
            want, got = solutions.expected(case), recorded.expected(case)
            if isinstance(want, tuple):
                assert all(np.array_equal(w, g) for w, g in zip(want, got, strict=True)), case.id
            elif isinstance(want, np.ndarray):
                assert np.array_equal(want, got), case.id
            else:
                assert want == got, case.id
            compared += 1
    assert compared == 30 * len(build(course.exercises, 0))


def test_stubs_are_not_attempted_in_the_edition(edition: Path) -> None:
    done = run("grader", "check", pythonpath=edition, cwd=edition)
    assert done.returncode == 1
    assert done.stdout.count("not attempted") == 4 and "Total: 0/14" in done.stdout


def test_seeds_in_the_edition_are_the_recorded_ones(edition: Path) -> None:
    seeds = RecordedReference(edition / "grader/data/reference.npz").seeds
    chosen = run("grader", "check", "--seed", str(seeds[3]), pythonpath=edition, cwd=edition)
    assert chosen.returncode == 1 and f"seed {seeds[3]}" in chosen.stdout
    unknown = next(s for s in range(1000) if s not in seeds)
    refused = run("grader", "check", "--seed", str(unknown), pythonpath=edition, cwd=edition)
    assert refused.returncode == 2 and refused.stdout == ""
    assert f"seed {unknown} was not recorded" in refused.stderr
    assert str(seeds[0]) in refused.stderr and "Traceback" not in refused.stderr


def test_solutions_and_a_known_mistake_in_the_edition(edition: Path, tmp_path: Path) -> None:
    copy = tmp_path / "student"
    shutil.copytree(edition, copy)
    for file in (REPO / "solutions").glob("*.py"):
        shutil.copy(file, copy / "exercises" / file.name)
    done = run("grader", "check", pythonpath=copy, cwd=copy)
    assert done.returncode == 0, done.stdout
    assert "Total: 14/14" in done.stdout
    seed = done.stdout.rsplit("--seed ", 1)[1].split()[0]
    assert int(seed) in RecordedReference(copy / "grader/data/reference.npz").seeds
    sign = (REPO / "known_wrong/momentum_step/sign.py").read_text()
    with open(copy / "exercises" / "momentum.py", "a") as handle:
        handle.write("\n" + sign)
    wrong = run("grader", "check", "momentum_step", pythonpath=copy, cwd=copy)
    assert wrong.returncode == 1
    diagnosis = sign.split("DIAGNOSIS = ", 1)[1].splitlines()[0].strip("'\"")
    assert diagnosis.lower() in wrong.stdout.lower()


def test_classroom_workflow(edition: Path) -> None:
    workflow = yaml.safe_load((edition / ".github/workflows/classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    action = "classroom-resources/autograding-command-grader@v1"
    graders = [s for s in steps if s.get("uses") == action]
    course = load_course(REPO)
    assert [s["with"]["command"] for s in graders] == [f"grader check {n}" for n in course.names]
    assert [s["with"]["max-score"] for s in graders] == [ex.points for ex in course.exercises]
    reporter = steps[-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["with"]["runners"].split(",") == [s["id"] for s in graders]
    for s in graders:
        assert reporter["env"][f"{s['id'].upper()}_RESULTS"] == (
            "${{steps." + s["id"] + ".outputs.result}}"
        )


def test_release_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    done = run("grader", "release", str(precious), "--force",
               pythonpath=REPO, cwd=REPO)  # fmt: skip
    assert done.returncode == 2
    assert "was not written by `grader release`" in done.stderr
    assert (precious / "notes.txt").read_text() == "keep me"

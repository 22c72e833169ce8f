"""judge_many calls plain checks directly; the verdicts must be the ones pytest gives."""

from __future__ import annotations

import dataclasses
import textwrap
import uuid
from pathlib import Path

import pytest

from grader.course import load_course
from grader.instructor import judge_many as many
from grader.instructor.known_wrong import build_submission, discover
from grader.instructor.tasks import FixedReference, Task
from grader.judge.cases import build
from grader.judge.collector import verdict_record
from grader.judge.reference import SolutionReference
from grader.judge.runner import CHECKS_DIR
from grader.sandbox.launchers import batch_launcher
from grader.verdict import ERROR, PASSED, Failed
from helpers import REPO

pytestmark = pytest.mark.slow  # runs every check on a dozen submissions, twice


def check_file(tmp_path: Path, body: str) -> Path:
    # A name of its own: pytest refuses a second module of one name from another folder.
    path = tmp_path / f"check_probe_{uuid.uuid4().hex}.py"
    path.write_text('EX = "momentum_step"\n' + textwrap.dedent(body), encoding="utf-8")
    return path


def test_every_check_of_the_course_is_plain_and_in_pytest_order() -> None:
    course = load_course(REPO)
    files = [CHECKS_DIR / f"check_{name}.py" for name in course.names]
    checks = many.plain_checks(files)
    assert checks is not None
    # pytest's order: file by file as given (the course's order), definitions in file order
    exercises = [c.exercise for c in checks]
    assert list(dict.fromkeys(exercises)) == course.names
    assert exercises == sorted(exercises, key=course.names.index)
    first = (CHECKS_DIR / f"check_{course.names[0]}.py").read_text(encoding="utf-8")
    titles = [c.title for c in checks if c.exercise == course.names[0]]
    positions = [first.index(f'"""{t}"""') for t in titles]  # one-line docstrings
    assert len(titles) == first.count("\ndef test_") and positions == sorted(positions)
    assert len(checks) == sum(
        p.read_text(encoding="utf-8").count("\ndef test_") for p in files
    )  # fmt: skip
    assert all(c.title and "\n" not in c.title for c in checks)


@pytest.mark.parametrize(
    "body",
    [
        # another fixture, a parametrized check, a mark, an autouse fixture: pytest's to run
        "def test_a(judge, tmp_path):\n    pass\n",
        "import pytest\n@pytest.mark.parametrize('k', [1, 2])\ndef test_a(judge, k):\n    pass\n",
        "import pytest\n@pytest.mark.slow\ndef test_a(judge):\n    pass\n",
        "import pytest\n@pytest.fixture(autouse=True)\ndef setup():\n    yield\n"
        "def test_a(judge):\n    pass\n",
    ],
)
def test_a_check_that_needs_pytest_is_left_to_pytest(tmp_path: Path, body: str) -> None:
    assert many.plain_checks([check_file(tmp_path, body)]) is None


def test_a_plain_check_file_is_collected_as_plain(tmp_path: Path) -> None:
    path = check_file(tmp_path, 'def test_a(judge):\n    """one\n    line"""\n')
    (check,) = many.plain_checks([path]) or [None]
    assert check is not None and check.title == "one line" and check.exercise == "momentum_step"


def test_a_bug_in_a_check_is_an_internal_error_with_its_line() -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        record = verdict_record("momentum_step", "title", exc)
    assert record.status == ERROR
    assert "internal error in the grader (KeyError: 'missing' at test_judge_many.py:" in (
        record.message
    )
    assert verdict_record("x", "t", Failed("no")).message == "no"
    assert verdict_record("x", "t", None).status == PASSED


def test_direct_calls_give_pytests_verdicts(tmp_path: Path, monkeypatch) -> None:
    """Stubs, solutions and a spread of known-wrong submissions, judged both ways."""
    course = load_course(REPO)
    seed = 5
    tasks = [
        Task("stubs", course.exercises_dir, ()),
        Task("solutions", course.solutions_dir, ()),
    ]
    wrongs = discover(course)
    for i, wrong in enumerate(wrongs[:: max(1, len(wrongs) // 10)]):
        dest = build_submission(course, wrong, tmp_path / f"w{i}")
        tasks.append(Task(f"w{i}", dest / "exercises", ()))
    reference = FixedReference.compute(
        SolutionReference(course.solutions_dir), build(course.exercises, seed)
    )
    with batch_launcher() as zygote:
        direct = many.judge_many(tasks, course.exercises, seed, reference, 10.0, zygote)
        monkeypatch.setattr(many, "plain_checks", lambda files: None)
        through_pytest = many.judge_many(tasks, course.exercises, seed, reference, 10.0, zygote)

    def verdicts(run):  # type: ignore[no-untyped-def]
        return [dataclasses.replace(ex) for ex in run.exercises]

    for task in tasks:
        assert verdicts(direct[task.student]) == verdicts(through_pytest[task.student]), task
    statuses = {c.status for run in direct.values() for ex in run.exercises for c in ex.checks}
    assert {"passed", "failed", "not attempted"} <= {str(s) for s in statuses}

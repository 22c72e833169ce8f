"""Exams: `pass_mark`, `pick:` and `--count TAG=N`, and `--time-limit`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time

import pytest
from conftest import REPO, SCHEMA, SINGLE, bank_text

from quiz.bank import check_files, load_banks
from quiz.draw import plan
from quiz.results import record
from quiz.runner import TIME_UP, Runner, Session
from quiz.yamlio import load_tree, plain


def tagged(qid: str, tag: str) -> str:
    return SINGLE.format(qid=qid) + f"    tags: [{tag}]\n"


POOL = "".join(tagged(f"n{i}", "nesterov") for i in range(4)) + "".join(
    tagged(f"m{i}", "momentum") for i in range(3)
)


def with_top(extra: str, questions: str = POOL) -> str:
    return bank_text(questions).replace("questions:\n", extra + "questions:\n")


def problems_of(write_bank, text: str) -> list[str]:
    _, problems = check_files([write_bank(text)])
    return [p.message for p in problems]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("pass_mark: 0\n", "Write a number greater than 0"),
        ("pass_mark: 120\n", "above 100"),
        ("pass_mark: lots\n", "`pass_mark` must be a number"),
        ("pick: {nesterov: 5}\n", "asks for 5 questions tagged `nesterov`, but the bank has 4"),
        ("pick: {nesterov: 0}\n", "must be a whole number of at least 1"),
        ("pick: [nesterov]\n", "`pick` must be a mapping of tags to counts"),
    ],
)
def test_bad_exam_keys_are_reported(write_bank, extra, message) -> None:
    found = problems_of(write_bank, with_top(extra))
    assert len(found) == 1 and message in found[0], found


def test_schema_agrees_on_exam_keys(write_bank) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for extra, valid in [
        ("pass_mark: 60\npick: {nesterov: 2}\n", True),
        ("pass_mark: 120\n", False),
        ("pick: {nesterov: 0}\n", False),
    ]:
        tree, _ = load_tree(with_top(extra), "x.yaml")
        assert validator.is_valid(plain(tree)) is valid, extra
        assert (problems_of(write_bank, with_top(extra)) == []) is valid, extra


def test_pick_draws_n_per_tag_and_depends_on_the_seed(write_bank, run_cli, tmp_path) -> None:
    bank = write_bank(with_top("pass_mark: 50\npick: {nesterov: 2, momentum: 1}\n"))
    drawn = []
    for seed in range(1, 9):
        result = run_cli("run", str(bank), "--seed", str(seed), "--results", "r.json", stdin="")
        assert result.returncode == 0, result.stderr
        ids = [q["id"] for q in json.loads((tmp_path / "r.json").read_text())["questions"]]
        assert sorted(i[0] for i in ids) == ["m", "n", "n"], ids
        drawn.append(frozenset(ids))
    assert len(set(drawn)) > 1  # different seeds, different exams


def test_count_per_tag_overrides_the_banks_pick(write_bank, run_cli, tmp_path) -> None:
    bank = write_bank(with_top("pick: {nesterov: 1}\n"))
    result = run_cli("run", str(bank), "--count", "momentum=3", "--results", "r.json", stdin="")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert sorted(q["id"] for q in data["questions"]) == ["m0", "m1", "m2"]
    assert data["options"]["count_per_tag"] == {"momentum": 3}
    too_many = run_cli("run", str(bank), "--count", "momentum=4", "--no-results")
    assert too_many.returncode == 2
    assert "cannot draw 4 questions tagged `momentum`" in too_many.stderr
    bad = run_cli("run", str(bank), "--count", "momentum=x", "--no-results")
    assert bad.returncode == 2 and "TAG=N" in bad.stderr
    run_cli("run", str(bank), "--count", "1", "--results", "one.json", stdin="")
    assert len(json.loads((tmp_path / "one.json").read_text())["questions"]) == 1


def test_pass_mark_is_reported_and_recorded(write_bank, run_cli, tmp_path) -> None:
    bank = write_bank(with_top("pass_mark: 50\n", SINGLE.format(qid="a") + SINGLE.format(qid="b")))
    result = run_cli("run", str(bank), "--no-shuffle", "--results", "r.json", stdin="b\na\n")
    assert "Pass mark 50%: passed." in result.stdout  # 1 of 2 points is 50 %
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["pass_mark"] == 50 and data["passed"] is True
    result = run_cli("run", str(bank), "--no-shuffle", "--results", "r.json", stdin="a\na\n")
    assert "Pass mark 50%: not passed." in result.stdout
    assert json.loads((tmp_path / "r.json").read_text())["passed"] is False


class Clock:
    """A clock the test moves: each answer read advances it by `step` seconds."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        return self.now


class TickingInput(io.StringIO):
    def __init__(self, text: str, clock: Clock) -> None:
        super().__init__(text)
        self.clock = clock

    def readline(self, *args):  # type: ignore[override]
        self.clock.now += self.clock.step
        return super().readline(*args)


def test_answers_after_the_time_limit_are_not_counted(write_bank) -> None:
    banks = load_banks([write_bank(bank_text(POOL))])
    items = plan([q for b in banks for q in b.questions], 1, shuffle=False)
    clock = Clock(step=25)  # one answer every 25 s; the limit is 1 minute
    session = Session(items, 1, time_limit=1)
    out = io.StringIO()
    Runner(TickingInput("b\n" * 7, clock), out, clock=clock).run(session)
    assert [a.raw for a in session.answers] == ["b", "b"]  # at 25 s and 50 s
    assert len(session.late) == 1 and session.late[0].seconds == 75
    assert session.status == TIME_UP
    assert "Time is up" in out.getvalue()
    data = record(session, banks, {})
    assert data["score"] == 2 and data["late_answers_not_counted"] == 1
    assert data["time_limit_minutes"] == 1
    assert [q["status"] for q in data["questions"]][:4] == [
        "correct",
        "correct",
        "late",
        "not attempted",
    ]


def test_time_limit_through_the_cli(write_bank, tmp_path) -> None:
    bank = write_bank(bank_text(POOL))
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "PYTHONUTF8": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "quiz",
            "run",
            str(bank),
            "--time-limit",
            "0.02",
            "--results",
            "r.json",
            "--no-shuffle",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    proc.stdin.write("b\n")
    proc.stdin.flush()
    time.sleep(2.5)  # the limit is 1.2 s
    out, err = proc.communicate("b\nb\n", timeout=30)
    assert proc.returncode == 0, err
    assert "Time limit: 0.02 min" in out and "1 late answer not counted" in out
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["score"] == 1 and data["status"] == TIME_UP
    assert [q["status"] for q in data["questions"]][:2] == ["correct", "late"]


def test_grading_does_not_count_a_late_answer_made_to_look_on_time(write_bank, tmp_path) -> None:
    from quiz.classgrade import grade_file

    banks = load_banks([write_bank(bank_text(POOL))])
    items = plan([q for b in banks for q in b.questions], 1, shuffle=False)
    clock = Clock(step=25)
    session = Session(items, 1, time_limit=1)
    Runner(TickingInput("b\n" * 7, clock), io.StringIO(), clock=clock).run(session)
    data = record(session, banks, {"shuffle": False})
    data["questions"][2].update(status="correct", score=1)  # the late one
    data["score"] = 3
    path = tmp_path / "late.json"
    path.write_text(json.dumps(data))
    attempt = grade_file(path, banks)
    assert attempt.score == 2 and attempt.late == 1
    assert attempt.flags == ["claims 3 points, re-scored 2 (differs on n2)"]

"""`quiz grade`: a class's results files re-scored against the bank, flagged, summarised.

The class is four piped runs of a tiny bank; every expected number below is worked out by
hand from the answers typed (see CLASS), never by the grading code.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from conftest import bank_text

from quiz.bank import load_banks
from quiz.classgrade import ResultsFileError, grade_file

BANK = """\
  - id: q1
    type: single
    prompt: Pick b.
    choices:
      - text: "a"
        feedback: Not a.
      - text: "b"
        correct: true
  - id: q2
    type: multiple
    scoring: partial
    points: 2
    prompt: Pick the first two.
    choices:
      - text: one
        correct: true
      - text: two
        correct: true
      - text: three
        feedback: Not three.
  - id: q3
    type: true_false
    prompt: True?
    answer: true
    feedback: It is true.
  - id: q4
    type: numeric
    prompt: "Half of {x}?"
    params: {x: [1]}
    answer: {expr: "x / 2", tolerance: 0}
"""
# student: answers typed (bank order, no shuffle) → points per question (max 1, 2, 1, 1)
CLASS = {
    "s1": ("b\na,b\nt\n0.5\n", [1, 2, 1, 1]),
    "s2": ("b\na,c\nf\n0.4\n", [1, 0, 0, 0]),  # a,c: (1 right − 1 wrong) / 2 right = 0
    "s3": ("a\na\nt\n0.5\n", [0, 1, 1, 1]),  # a alone: 1/2 of 2 points
    "=s4": ("b\na,b,c\nt\n", [1, 1, 1, 0]),  # stops before q4; id looks like a formula
}
MAX = [1, 2, 1, 1]


@pytest.fixture
def handed_in(tmp_path, run_cli, write_bank):
    bank = write_bank(bank_text(BANK), "bank.yaml")
    folder = tmp_path / "handed-in"
    folder.mkdir()
    for student, (typed, _) in CLASS.items():
        name = student.strip("=")
        result = run_cli(
            "run",
            str(bank),
            "--no-shuffle",
            "--seed",
            "3",
            "--student",
            student,
            "--results",
            str(folder / f"{name}.json"),
            stdin=typed,
        )
        assert result.returncode == 0, result.stderr
    return bank, folder


def tamper(path, **changes) -> None:
    data = json.loads(path.read_text())
    for key, value in changes.items():
        if key == "q3":
            data["questions"][2].update(value)
        else:
            data[key] = value
    path.write_text(json.dumps(data))


def read_csv(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_grade_rescores_flags_and_summarises(handed_in, run_cli, tmp_path) -> None:
    bank, folder = handed_in
    tamper(folder / "s2.json", score=5, q3={"score": 1, "status": "correct", "chosen": [0]})
    out = tmp_path / "grades"
    result = run_cli("grade", str(folder), "--banks", str(bank), "--out", str(out))
    assert result.returncode == 1  # something was flagged
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("quiz: warning:")]
    assert len(warnings) == 1 and "s2.json" in warnings[0] and "claims 5 points" in warnings[0]
    assert "Graded 4 files: 1 flagged, 0 skipped." in result.stdout

    rows = {row["student"]: row for row in read_csv(out / "grades.csv")}
    assert set(rows) == {"s1", "s2", "s3", "'=s4"}  # the formula is neutralised
    for student, (_, points) in CLASS.items():
        row = rows[("'" if student.startswith("=") else "") + student]
        assert float(row["score"]) == sum(points)
        assert float(row["max_score"]) == sum(MAX)
        assert bool(row["flag"]) == (student == "s2"), row
    assert rows["'=s4"]["answered"] == "3"

    items = {row["question"]: row for row in read_csv(out / "items.csv")}
    scores = np.array([points for _, points in CLASS.values()], dtype=float)
    totals = scores.sum(axis=1)
    for k, qid in enumerate(["q1", "q2", "q3", "q4"]):
        fraction = scores[:, k] / MAX[k]
        rest = (totals - scores[:, k]) / (sum(MAX) - MAX[k])
        assert float(items[qid]["facility"]) == pytest.approx(fraction.mean(), abs=1e-3)
        assert float(items[qid]["discrimination"]) == pytest.approx(
            np.corrcoef(fraction, rest)[0, 1], abs=1e-3
        )
    assert items["q2"]["picks"] == "1*: 4; 2*: 2; 3: 2"  # a by all; b by s1, s4; c by s2, s4
    assert items["q3"]["picks"] == "True*: 3; False: 1"
    assert items["q4"]["answered"] == "3"
    assert (out / "items.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_unreadable_and_foreign_files_are_skipped_by_name(handed_in, run_cli, tmp_path) -> None:
    bank, folder = handed_in
    (folder / "broken.json").write_text("{not json")
    (folder / "list.json").write_text("[1, 2]")
    other = json.loads((folder / "s1.json").read_text())
    other["bank_hash"] = "sha256:" + "0" * 64
    (folder / "other-bank.json").write_text(json.dumps(other))
    result = run_cli("grade", str(folder), "--banks", str(bank), "--out", str(tmp_path / "g"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for name in ("broken.json", "list.json", "other-bank.json"):
        assert any(name in ln and ln.endswith("skipped.") for ln in result.stderr.splitlines())
    assert "matches no bank" in result.stderr
    assert len(read_csv(tmp_path / "g" / "grades.csv")) == len(CLASS)


def test_nothing_gradable_is_a_usage_error(run_cli, tmp_path, write_bank) -> None:
    bank = write_bank(bank_text(BANK))
    (tmp_path / "x.json").write_text("nope")
    result = run_cli("grade", str(tmp_path / "x.json"), "--banks", str(bank), "--out", "g")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("quiz: error: no results file")


def test_editing_chosen_or_params_changes_nothing(handed_in) -> None:
    bank, folder = handed_in
    banks = load_banks([bank])
    data = json.loads((folder / "s3.json").read_text())
    data["questions"][0]["chosen"] = [1]  # claims b, but typed a
    data["questions"][3]["params"] = {"x": 2}  # other numbers would make 1.0 right… no
    (folder / "s3.json").write_text(json.dumps(data))
    attempt = grade_file(folder / "s3.json", banks)
    assert attempt.score == sum(CLASS["s3"][1])
    assert attempt.flags and "q4" in attempt.flags[0]  # the params differ from the seed's


def test_a_piped_run_without_student_is_anonymous(run_cli, write_bank, tmp_path) -> None:
    bank = write_bank(bank_text(BANK))
    result = run_cli("run", str(bank), "--results", "r.json", stdin="b\n")
    assert result.returncode == 0
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["student"] == "anonymous"
    assert data["bank_hash"].startswith("sha256:") and isinstance(data["seed"], int)


def test_not_a_results_file_raises_with_its_name(tmp_path, write_bank) -> None:
    banks = load_banks([write_bank(bank_text(BANK))])
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ResultsFileError, match="odd.json"):
        grade_file(path, banks)


def test_the_student_id_is_asked_once_on_a_terminal(tmp_path, write_bank) -> None:
    import shutil

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    import shlex
    import sys

    from conftest import REPO
    from test_terminal import Tmux  # the terminal tests' tmux driver

    bank = write_bank(bank_text(BANK))
    command = " ".join(
        shlex.quote(a)
        for a in (
            sys.executable,
            "-m",
            "quiz",
            "run",
            str(bank),
            "--no-shuffle",
            "--results",
            "r.json",
        )
    )
    term = Tmux(
        f"cd {shlex.quote(str(tmp_path))} && env PYTHONPATH={shlex.quote(str(REPO))} "
        f"NO_COLOR=1 TERM=xterm-256color {command}; echo EXIT=$?; sleep 600"
    )
    try:
        term.wait_for("Your student id")
        term.keys("ada-42", "Enter")
        term.wait_for("Your answer (one letter):")
        term.keys("b", "Enter")
        term.wait_for("Correct")
        term.wait_for("Your answers")  # readline is reading: Ctrl-D now ends the input
        term.keys("C-d")
        term.wait_for("EXIT=0")
    finally:
        term.kill()
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["student"] == "ada-42"
    assert data["score"] == 1


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_shuffled_runs_rescore_to_what_the_quiz_said(run_cli, write_bank, tmp_path, seed) -> None:
    bank = write_bank(bank_text(BANK))
    result = run_cli(
        "run", str(bank), "--seed", str(seed), "--results", "r.json", stdin="a\nb,c\nt\n0.5\n"
    )
    assert result.returncode == 0, result.stderr
    attempt = grade_file(tmp_path / "r.json", load_banks([bank]))
    claimed = json.loads((tmp_path / "r.json").read_text())
    assert attempt.flags == []
    assert attempt.score == claimed["score"]
    assert [g.score for g in attempt.items] == [q["score"] for q in claimed["questions"]]


def test_one_row_per_student_from_the_latest_attempt(handed_in, run_cli, tmp_path) -> None:
    bank, folder = handed_in
    again = folder / "s1-again.json"
    result = run_cli(
        "run",
        str(bank),
        "--no-shuffle",
        "--seed",
        "3",
        "--student",
        "s1",
        "--results",
        str(again),
        stdin="a\n",
    )
    assert result.returncode == 0
    first = json.loads((folder / "s1.json").read_text())["date"]
    data = json.loads(again.read_text())
    data["date"] = "2999-01-01T00:00:00+00:00"  # certainly the later one
    again.write_text(json.dumps(data))
    out = tmp_path / "g"
    run_cli("grade", str(folder), "--banks", str(bank), "--out", str(out))
    rows = [row for row in read_csv(out / "grades.csv") if row["student"] == "s1"]
    assert len(rows) == 1 and rows[0]["attempts"] == "2"
    assert float(rows[0]["score"]) == 0  # the later attempt: `a` is wrong, then it stopped
    assert rows[0]["date"] != first

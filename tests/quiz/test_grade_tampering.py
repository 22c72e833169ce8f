"""`quiz grade` against the edits a student can make to a results file before handing it in.

One honest run of a tiny bank (answers typed by hand, bank order), then one edit per case.
Expected scores are worked out by hand from the typed answers, never by the grading code.
"""

from __future__ import annotations

import csv
import json

import pytest
from conftest import bank_text
from test_classgrade import BANK

from quiz.bank import load_banks
from quiz.classgrade import ResultsFileError, grade_all, grade_file

# q1 (1 point) right, q2 (2 points) "a" only: 1 of 2 right → 1 point, q3 (1) wrong, q4 (1) right
TYPED = "b\na\nf\n0.5\n"
HONEST = 3.0
MAX = 5.0


@pytest.fixture
def honest(tmp_path, run_cli, write_bank):
    bank = write_bank(bank_text(BANK), "bank.yaml")
    result = run_cli(
        "run", str(bank), "--no-shuffle", "--seed", "3", "--student", "ada",
        "--results", "ada.json", stdin=TYPED,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return bank, tmp_path / "ada.json"


def edit(path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_the_honest_file_rescores_to_what_the_quiz_said(honest) -> None:
    bank, path = honest
    attempt = grade_file(path, load_banks([bank]))
    assert (attempt.score, attempt.max_score, attempt.flags) == (HONEST, MAX, [])


def test_a_hand_edited_raw_is_rescored_and_flagged(honest) -> None:
    bank, path = honest

    def change(data):
        data["questions"][2]["raw"] = "t"  # q3 was answered f (wrong); t is right

    edit(path, change)
    attempt = grade_file(path, load_banks([bank]))
    assert attempt.score == HONEST + 1  # the raw line is what counts...
    assert attempt.flags == ["claims 3 points, re-scored 4 (differs on q3)"]  # ...and it shows


@pytest.mark.parametrize("raw", ["z", "", 42, None, ["b"], "b" * 10_000])
def test_a_raw_the_quiz_never_accepts_scores_nothing(honest, raw) -> None:
    bank, path = honest

    def change(data):
        data["questions"][0]["raw"] = raw  # q1 was right (1 point)

    edit(path, change)
    attempt = grade_file(path, load_banks([bank]))
    assert attempt.score == HONEST - 1
    assert attempt.flags == ["claims 3 points, re-scored 2 (differs on q1)"]


def test_deleting_a_wrong_question_does_not_raise_the_percentage(honest) -> None:
    bank, path = honest

    def change(data):
        data["questions"] = [q for q in data["questions"] if q["id"] != "q3"]
        data["max_score"] = MAX - 1

    edit(path, change)
    attempt = grade_file(path, load_banks([bank]))
    assert (attempt.score, attempt.max_score) == (HONEST, MAX)
    assert attempt.flags == [
        "its questions are not the ones its seed draws (missing q3); graded as drawn"
    ]


def test_a_right_answer_listed_twice_counts_once(honest) -> None:
    bank, path = honest

    def change(data):
        data["questions"].append(dict(data["questions"][0]))
        data["score"] = HONEST + 1

    edit(path, change)
    attempt = grade_file(path, load_banks([bank]))
    assert (attempt.score, attempt.max_score) == (HONEST, MAX)
    assert attempt.flags[0] == (
        "its questions are not the ones its seed draws (listed twice q1); graded as drawn"
    )
    assert attempt.flags[1] == "claims 4 points, re-scored 3"


def test_another_seed_is_flagged(honest, run_cli, tmp_path) -> None:
    bank, _ = honest
    path = tmp_path / "shuffled.json"
    result = run_cli("run", str(bank), "--seed", "5", "--results", str(path), stdin=TYPED)
    assert result.returncode == 0, result.stderr
    claimed = json.loads(path.read_text(encoding="utf-8"))["score"]
    edit(path, lambda data: data.update(seed=9))
    attempt = grade_file(path, load_banks([bank]))
    assert attempt.flags and "claims" in attempt.flags[-1] and "differs on" in attempt.flags[-1]
    assert f"claims {claimed:g} point" in attempt.flags[-1]


def test_options_that_cannot_draw_a_quiz_skip_the_file(honest) -> None:
    bank, path = honest
    edit(path, lambda data: data["options"].update(count_per_tag={"nowhere": 2}))
    with pytest.raises(ResultsFileError, match="its options cannot have drawn a quiz"):
        grade_file(path, load_banks([bank]))


def test_a_file_from_another_version_of_the_bank_is_skipped(honest, run_cli, tmp_path) -> None:
    bank, path = honest
    bank.write_text(bank.read_text(encoding="utf-8").replace("Pick b.", "Pick b!"), "utf-8")
    with pytest.raises(ResultsFileError, match="matches no bank here"):
        grade_file(path, load_banks([bank]))
    result = run_cli("grade", str(path), "--banks", str(bank), "--out", "grades")
    assert result.returncode == 2
    assert "made with another version of the bank?" in result.stderr
    assert "skipped" in result.stderr


def test_grade_cli_reports_the_tampering_in_the_csv(honest, run_cli, tmp_path) -> None:
    bank, path = honest
    edit(path, lambda data: data.update(questions=data["questions"][:2], max_score=3))
    result = run_cli("grade", str(path), "--banks", str(bank), "--out", "grades")
    assert result.returncode == 1
    assert "Graded 1 file: 1 flagged, 0 skipped." in result.stdout
    with (tmp_path / "grades" / "grades.csv").open(newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (float(row["score"]), float(row["max_score"])) == (2.0, MAX)  # q1 + q2 only
    assert "missing q3, q4" in row["flag"]


def test_a_file_saved_with_a_bom_or_an_upper_case_suffix_is_graded(honest, tmp_path) -> None:
    bank, path = honest
    folder = tmp_path / "handed-in"
    folder.mkdir()
    # Notepad's "UTF-8 with BOM", and a name a Windows user typed.
    (folder / "ADA.JSON").write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    attempts, skipped = grade_all([folder], load_banks([bank]))
    assert skipped == []
    assert [(a.student, a.score, a.flags) for a in attempts] == [("ada", HONEST, [])]


@pytest.mark.parametrize("version", [2, "1", None])
def test_another_results_format_version_is_skipped_with_the_reason(honest, version) -> None:
    bank, path = honest
    edit(path, lambda data: data.update(format_version=version))
    with pytest.raises(ResultsFileError, match=f"results format version {version!r}"):
        grade_file(path, load_banks([bank]))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        (b'{"format": "momentum-lab/quiz-results", "format_version": 1, "questions": 3}', "bad"),
        (b"[1, 2]", "not a quiz results file"),
        (b"\xff\xfe{", "not a readable results file"),
    ],
)
def test_a_file_that_is_not_results_is_skipped_not_a_crash(honest, tmp_path, content, reason):
    bank, _ = honest
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    attempts, skipped = grade_all([path], load_banks([bank]))
    assert attempts == [] and len(skipped) == 1
    assert reason in skipped[0] and "odd.json" in skipped[0]


def test_grade_usage_errors_are_one_line(honest, run_cli, tmp_path) -> None:
    bank, path = honest
    (tmp_path / "afile").write_text("", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    cases = [
        ([str(path), "--out", "afile"], "cannot write the reports in afile"),
        (["empty", "--out", "g"], "found no results file (*.json) in empty"),
    ]
    for args, message in cases:
        result = run_cli("grade", *args, "--banks", str(bank))
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"quiz: error: {message}")
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_two_versions_of_a_bank_side_by_side_grade_their_own_files(honest, run_cli, tmp_path):
    bank, path = honest
    old = tmp_path / "versions" / "bank-v1.yaml"
    old.parent.mkdir()
    old.write_bytes(bank.read_bytes())
    new = old.with_name("bank-v2.yaml")
    new.write_text(bank.read_text(encoding="utf-8").replace("Pick b.", "Pick b!"), "utf-8")
    # ada.json was made with v1; bob's with v2.
    result = run_cli(
        "run", str(new), "--no-shuffle", "--seed", "3", "--student", "bob",
        "--results", "bob.json", stdin="a\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    result = run_cli("grade", str(path), "bob.json", "--banks", "versions", "--out", "g")
    assert result.returncode == 0, result.stderr
    assert "Graded 2 files: 0 flagged, 0 skipped." in result.stdout
    with (tmp_path / "g" / "grades.csv").open(newline="", encoding="utf-8") as handle:
        rows = {r["student"]: float(r["score"]) for r in csv.DictReader(handle)}
    assert rows == {"ada": HONEST, "bob": 0.0}


TAGGED = """\
  - id: t1
    type: true_false
    prompt: One?
    answer: true
    tags: [a]
  - id: t2
    type: true_false
    prompt: Two?
    answer: false
    tags: [a, b]
  - id: t3
    type: true_false
    prompt: Three?
    answer: true
    tags: [b]
  - id: t4
    type: true_false
    prompt: Four?
    answer: false
    tags: [c]
"""


@pytest.mark.parametrize(
    ("options", "pick"),
    [
        (["--tag", "b"], ""),
        (["--tag", "a", "--tag", "c", "--count", "2"], ""),
        (["--count", "b=1", "--count", "a=1"], ""),
        (["--no-shuffle", "--count", "3"], ""),
        ([], "pick: {b: 1, c: 1}\n"),
        (["--count", "a=2"], "pick: {b: 1}\n"),  # --count replaces the bank's pick
    ],
)
@pytest.mark.parametrize("seed", ["1", "7"])
def test_honest_runs_with_any_options_are_never_flagged(
    run_cli, write_bank, tmp_path, options, pick, seed
) -> None:
    bank = write_bank(bank_text(TAGGED).replace("questions:\n", pick + "questions:\n"))
    result = run_cli(
        "run", str(bank), "--seed", seed, "--results", "r.json", *options, stdin="t\nt\nt\nt\n"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    attempt = grade_file(tmp_path / "r.json", load_banks([bank]))
    assert attempt.flags == []
    assert [g.question.id for g in attempt.items] == [q["id"] for q in data["questions"]]
    assert attempt.score == data["score"]


def test_escape_codes_in_a_results_file_never_reach_the_terminal(honest, run_cli, tmp_path):
    bank, path = honest

    def change(data):
        extra = dict(data["questions"][0], id="\x1b[2J\x1b]0;owned\x07")
        data["questions"].append(extra)

    edit(path, change)
    odd = tmp_path / "bob\x1b[31m.json"
    odd.write_text('{"format": "momentum-lab/quiz-results", "format_version": "\x1b[5m"}', "utf-8")
    result = run_cli("grade", str(path), str(odd), "--banks", str(bank), "--out", "g")
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "not drawn \\x1b[2J\\x1b]0;owned\\x07" in result.stderr  # shown, escaped
    assert "bob\\x1b[31m.json" in result.stderr

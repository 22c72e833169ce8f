"""The `quiz` command: subprocess runs with piped input, `main(argv)`, results files, startup."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import BANKS, REPO, SINGLE, bank_text

from quiz.cli import main

TWO_QUESTIONS = SINGLE.format(qid="one") + SINGLE.format(qid="two")


def test_validate_passes_on_the_shipped_banks(run_cli) -> None:
    result = run_cli("validate", str(BANKS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: 1 bank, ")


def test_validate_reports_every_problem_and_exits_1(run_cli, write_bank, tmp_path) -> None:
    write_bank(bank_text(SINGLE.format(qid="a") + "    explaination: x\n"), "a.yaml")
    write_bank(bank_text(SINGLE.format(qid="a"), bank="other"), "b.yaml")
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(":14:5: question a: unknown key `explaination`" in ln for ln in lines), lines
    assert any("b.yaml:5:9: question a: the question id `a` is already used" in ln for ln in lines)
    assert lines[-1] == "Found 2 problems in 2 files."


def test_validate_default_is_the_course_banks_folder(run_cli, write_bank, tmp_path) -> None:
    (tmp_path / "quiz" / "banks").mkdir(parents=True)
    (tmp_path / "quiz" / "banks" / "x.yaml").write_text(bank_text("  - nope\n"))
    sub = tmp_path / "deeper"
    sub.mkdir()
    result = run_cli("validate", cwd=sub)
    assert result.returncode == 1
    assert "x.yaml:5:5: question #1: a question must be a mapping" in result.stdout


def test_missing_path_is_a_usage_error(run_cli) -> None:
    result = run_cli("validate", "nowhere.yaml")
    assert result.returncode == 2
    assert result.stderr.startswith("quiz: error: nowhere.yaml does not exist. Name a bank")


def test_quiz_refuses_to_start_on_an_invalid_bank(run_cli, write_bank) -> None:
    path = write_bank(bank_text(SINGLE.format(qid="a") + "    explaination: x\n"))
    validate = run_cli("validate", str(path))
    result = run_cli("run", str(path), "--no-results", stdin="b\n")
    assert result.returncode == 2
    problem = validate.stdout.splitlines()[0]
    assert result.stderr.splitlines()[0] == problem  # the same message
    assert "quiz: error: 1 problem in the question banks" in result.stderr
    assert "Question 1" not in result.stdout


def test_piped_run_writes_the_results_file(run_cli, write_bank, tmp_path) -> None:
    path = write_bank(bank_text(TWO_QUESTIONS))
    out = tmp_path / "res.json"
    result = run_cli("run", str(path), "--seed", "42", "--results", str(out), stdin="x\nb\na\n")
    assert result.returncode == 0, result.stderr
    assert "Seed 42" in result.stdout and "Not counted: `x` is not a choice" in result.stdout
    assert "Score: " in result.stdout and " / 2 points" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "momentum-lab/quiz-results" and data["seed"] == 42
    assert data["status"] == "completed" and data["max_score"] == 2
    assert data["bank_hash"].startswith("sha256:") and len(data["banks"]) == 1
    assert data["date"][:4].isdigit()
    entries = {q["id"]: q for q in data["questions"]}
    assert set(entries) == {"one", "two"}
    for entry in entries.values():
        assert sorted(entry["choice_order"]) == [0, 1]
        assert entry["choices_shown"] == [["a", "b"][i] for i in entry["choice_order"]]
    first = data["questions"][0]
    assert first["raw"] == "b" and first["response"] == ["b"]
    assert first["chosen"] == [first["choice_order"][1]]
    assert first["score"] == (1 if first["chosen"] == [1] else 0)  # choice 1 is right
    assert data["score"] == sum(q["score"] for q in data["questions"])
    assert not list(tmp_path.glob(".res.json.*"))  # no temporary files left behind


def test_same_seed_same_quiz(run_cli, write_bank, tmp_path) -> None:
    path = write_bank(bank_text(TWO_QUESTIONS))
    a = run_cli("run", str(path), "--seed", "7", "--no-results", stdin="a\na\n")
    b = run_cli("run", str(path), "--seed", "7", "--no-results", stdin="a\na\n")
    assert a.stdout == b.stdout


def test_end_of_input_keeps_answers_in_results(run_cli, write_bank, tmp_path) -> None:
    path = write_bank(bank_text(TWO_QUESTIONS))
    out = tmp_path / "res.json"
    result = run_cli("run", str(path), "--no-shuffle", "--results", str(out), stdin="b\n")
    assert result.returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["status"] == "end of input" and data["answered"] == 1
    assert [q["status"] for q in data["questions"]] == ["correct", "not attempted"]


def test_default_results_file_in_the_current_folder(run_cli, write_bank, tmp_path) -> None:
    path = write_bank(bank_text(SINGLE.format(qid="one")))
    result = run_cli(str(path), stdin="b\n")  # bare `quiz BANK` runs
    assert result.returncode == 0
    (saved,) = tmp_path.glob("quiz-results-*.json")
    assert f"Results saved to {saved.name}" in result.stdout


def test_tag_count_and_list(run_cli) -> None:
    listing = run_cli("list", str(BANKS))
    assert listing.returncode == 0
    assert listing.stdout.splitlines()[0].split() == ["id", "type", "points", "tags"]
    assert any(ln.startswith("momentum-effect ") for ln in listing.stdout.splitlines())
    run = run_cli("run", "--tag", "nesterov", "--count", "1", "--no-results", stdin="a\n", cwd=REPO)
    assert "1 question.\nSeed" in run.stdout
    assert "nesterov-" not in run.stdout  # ids are not shown to students
    none = run_cli("run", "--tag", "no-such-tag", "--no-results", cwd=REPO)
    assert none.returncode == 2 and "no question has the tag no-such-tag" in none.stderr


def test_bank_id_selects_a_bank(run_cli) -> None:
    result = run_cli("list", "momentum", cwd=REPO)
    assert result.returncode == 0 and "momentum-effect" in result.stdout
    missing = run_cli("list", "no-such-bank", cwd=REPO)
    assert missing.returncode == 2 and "no bank or file named `no-such-bank`" in missing.stderr


def test_bad_options_exit_2(run_cli) -> None:
    assert run_cli("run", "--count", "0").returncode == 2
    assert run_cli("run", "--seed", "x").returncode == 2


def test_quiz_never_imports_numpy_or_matplotlib(run_cli) -> None:
    code = (
        "import sys, io; sys.stdin = io.StringIO('');"
        "from quiz.cli import main; main(['list']); main(['validate']);"
        "main(['run', '--no-results', '--count', '1']);"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('numpy', 'matplotlib')];"
        "print('HEAVY', bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=30
    )
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def test_main_with_capsys(capsys, monkeypatch, write_bank) -> None:
    path = write_bank(bank_text(SINGLE.format(qid="one")))
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.startswith("OK: 1 bank, 1 question")
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("a\n"))
    assert main(["run", str(path), "--no-results", "--no-shuffle"]) == 0
    out = capsys.readouterr().out
    assert "✗ Incorrect." in out and "Score: 0 / 1 point (0%)" in out


def test_version_and_help(run_cli) -> None:
    assert run_cli("--version").stdout.strip() == "quiz 0.1.0"
    help_text = run_cli("validate", "--help").stdout
    assert "file:line:col" in help_text


def test_console_script_validates(tmp_path) -> None:
    from helpers import tool

    result = subprocess.run(
        [tool("quiz"), "validate", str(BANKS)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0

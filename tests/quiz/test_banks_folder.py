"""Banks found in a folder: broken ones skipped with a notice, drafts left out, `.yml` read."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SINGLE, bank_text

GOOD = bank_text(SINGLE.format(qid="good-one"), bank="good")
BROKEN = bank_text(SINGLE.format(qid="broken-one").replace("correct: true", "correct: yes"), "bad")
DRAFT = bank_text(SINGLE.format(qid="draft-one"), bank="later").replace(
    "title: Test bank\n", "title: Draft bank\ndraft: true\n"
)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    banks = tmp_path / "quiz" / "banks"
    banks.mkdir(parents=True)
    (banks / "good.yaml").write_text(GOOD, encoding="utf-8")
    (banks / "bad.yaml").write_text(BROKEN, encoding="utf-8")
    (banks / "later.yml").write_text(DRAFT, encoding="utf-8")
    return tmp_path


def test_a_broken_bank_does_not_stop_a_student(run_cli, course: Path) -> None:
    result = run_cli("run", "--no-results", "--no-shuffle", stdin="b\n", cwd=course)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "quiz: note: skipped the bank quiz/banks/bad.yaml (1 problem); "
        "`quiz validate quiz/banks/bad.yaml` lists them."
    ]
    assert "Test bank: 1 question." in result.stdout  # the good bank only; the draft is out
    assert "Score: 1 / 1 point" in result.stdout


def test_validate_reports_everything_and_checks_drafts(run_cli, course: Path) -> None:
    result = run_cli("validate", cwd=course)
    assert result.returncode == 1
    assert "bad.yaml:12:18: question broken-one: `correct` must be true or false" in result.stdout
    (course / "quiz" / "banks" / "bad.yaml").unlink()
    ok = run_cli("validate", cwd=course)
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 2 banks (1 draft), 2 questions")


def test_a_draft_runs_when_named(run_cli, course: Path) -> None:
    by_file = run_cli("run", "quiz/banks/later.yml", "--no-results", stdin="b\n", cwd=course)
    assert by_file.returncode == 0 and "Draft bank: 1 question." in by_file.stdout
    by_id = run_cli("run", "later", "--no-results", stdin="b\n", cwd=course)
    assert by_id.returncode == 0 and "Draft bank: 1 question." in by_id.stdout
    listing = run_cli("list", cwd=course)
    assert "draft-one" not in listing.stdout and "good-one" in listing.stdout


def test_a_named_broken_bank_gets_the_full_report(run_cli, course: Path) -> None:
    result = run_cli("run", "quiz/banks/bad.yaml", "--no-results", cwd=course)
    assert result.returncode == 2
    assert "`correct` must be true or false" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("quiz: error: 1 problem in the question")


def test_nothing_left_to_run(run_cli, course: Path) -> None:
    (course / "quiz" / "banks" / "good.yaml").unlink()
    result = run_cli("run", "--no-results", cwd=course)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "quiz: error: no bank to run (1 skipped, 1 drafts left out). "
        "Run `quiz validate` to see the problems, or name a bank file."
    )


def test_draft_must_be_a_boolean(run_cli, course: Path) -> None:
    path = course / "quiz" / "banks" / "later.yml"
    path.write_text(DRAFT.replace("draft: true", "draft: yes"), encoding="utf-8")
    result = run_cli("validate", str(path), cwd=course)
    assert result.returncode == 1 and "`draft` must be true or false" in result.stdout


def test_a_draft_that_reuses_an_id_never_knocks_out_the_live_bank(run_cli, course: Path) -> None:
    banks = course / "quiz" / "banks"
    (banks / "bad.yaml").unlink()
    # `a-draft` sorts before `good`, so without care the live bank would be the "second" one.
    (banks / "a-draft.yaml").write_text(
        DRAFT.replace("draft-one", "good-one").replace("bank: later", "bank: copy"),
        encoding="utf-8",
    )
    result = run_cli("run", "--no-results", stdin="b\n", cwd=course)
    assert result.returncode == 0, result.stderr
    assert "skipped the bank quiz/banks/a-draft.yaml" in result.stderr
    assert "Test bank: 1 question." in result.stdout

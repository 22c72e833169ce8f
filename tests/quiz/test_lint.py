"""`quiz validate --lint`: guessable answers are warned about, never made errors."""

from __future__ import annotations

from pathlib import Path

from conftest import BANKS, bank_text

from quiz.bank import check_files
from quiz.lint import lint_banks


def single(qid: str, right: str, wrong: str = "short") -> str:
    return (
        f"  - id: {qid}\n    type: single\n    prompt: Which one?\n    choices:\n"
        f"      - text: {right}\n        correct: true\n      - text: {wrong}\n"
    )


def tf(qid: str, answer: str) -> str:
    return f"  - id: {qid}\n    type: true_false\n    prompt: A statement.\n    answer: {answer}\n"


def warnings_for(write_bank, questions: str) -> list[str]:
    banks, problems = check_files([write_bank(bank_text(questions))])
    assert problems == []
    return [str(w).replace(w.file, Path(w.file).name) for w in lint_banks(banks)]


def test_right_choice_longest_in_most_singles(write_bank) -> None:
    long = "a much longer right answer"
    found = warnings_for(write_bank, single("q1", long) + single("q2", long) + single("q3", "ok"))
    assert len(found) == 1
    assert "the right choice is the longest in 2 of 3 single questions (q1, q2)" in found[0]
    assert found[0].startswith("bank.yaml:5:1: warning: ")
    fair = single("q1", long) + single("q2", "ok") + single("q3", "ok")
    assert warnings_for(write_bank, fair) == []


def test_true_false_answers_all_the_same(write_bank) -> None:
    found = warnings_for(write_bank, tf("s1", "true") + tf("s2", "true"))
    assert found == [
        "bank.yaml:5:1: warning: all 2 true/false answers are true, so answering true every "
        "time scores full marks. Rewrite some statements so that they are false."
    ]
    assert warnings_for(write_bank, tf("s1", "true") + tf("s2", "false")) == []


def test_ids_that_give_the_answer_away(write_bank) -> None:
    questions = (
        tf("first-step-is-gd", "true")
        + tf("overshoot", "false")
        + single("look-ahead", "the look-ahead point", "the previous point")
        + single("gradient-point", "the look-ahead point", "the previous point")
        + "  - id: answer-1-44\n    type: numeric\n    prompt: y?\n"
        "    answer: {value: 1.44, tolerance: 0.001}\n"
    )
    found = "\n".join(warnings_for(write_bank, questions))
    assert found.count("warning") == 3
    assert "question first-step-is-gd: the id reads as a claim" in found
    assert "question look-ahead: the id shares `ahead`, `look` with the right choice" in found
    assert "question answer-1-44: the id spells out the answer 1.44" in found
    assert "overshoot:" not in found and "gradient-point" not in found  # `point` is in both


def test_lint_through_the_cli_keeps_exit_status_0(run_cli, write_bank) -> None:
    path = write_bank(bank_text(tf("s1", "true") + tf("s2", "true")))
    result = run_cli("validate", "--lint", str(path))
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "OK: 1 bank, 2 questions, no problems, 1 warning."
    plain = run_cli("validate", str(path))
    assert "warning" not in plain.stdout


def test_the_default_bank_is_lint_clean() -> None:
    banks, problems = check_files(sorted(BANKS.glob("*.yaml")))
    assert problems == []
    assert [str(w) for w in lint_banks(banks)] == []

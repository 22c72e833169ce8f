"""The session driven through streams: answers, re-asks, feedback, summary, EOF and Ctrl-C."""

from __future__ import annotations

import io

import pytest
from conftest import SINGLE, bank_text

from quiz.bank import load_banks
from quiz.draw import plan
from quiz.runner import COMPLETED, END_OF_INPUT, INTERRUPTED, Runner, Session

QUESTIONS = (
    SINGLE.format(qid="pick-b")
    + """\
  - id: both
    type: multiple
    scoring: partial
    prompt: Pick a and c.
    choices:
      - text: A
        correct: true
      - text: B
        feedback: B is wrong.
      - text: C
        correct: true
  - id: truth
    type: true_false
    prompt: Is it true?
    answer: true
    feedback: It was true.
  - id: number
    type: numeric
    prompt: "What is -{lr} * {g}?"
    params: {lr: [0.1], g: [2]}
    answer: {expr: "-lr * g", tolerance: 1.0e-9}
    explanation: Multiply.
"""
)


@pytest.fixture
def items(write_bank):
    (bank,) = load_banks([write_bank(bank_text(QUESTIONS))])
    return plan(bank.questions, seed=1, shuffle=False)


def run(items, text: str, **kw) -> tuple[Session, str]:
    out = io.StringIO()
    session = Runner(io.StringIO(text), out, **kw).run(Session(items, seed=1))
    return session, out.getvalue()


def test_a_full_session(items) -> None:
    session, out = run(items, "B\na c\nt\n-0.2\n")
    assert session.status == COMPLETED
    assert [a.outcome.correct for a in session.answers] == [True, True, True, True]
    assert "Score: 4 / 4 points (100%)" in out
    assert "Review of missed questions" not in out
    assert "Because b." in out  # the explanation
    assert "What is -0.1 * 2?" in out  # params filled in
    assert "a) True" in out and "b) False" in out


def test_invalid_input_is_asked_again_and_not_counted(items) -> None:
    session, out = run(items, "z\na,b\nb\nq\nA,B\nmaybe\nf\nabc\n0.2\n")
    assert "Not counted: `z` is not a choice" in out
    assert "Not counted: choose only one answer" in out
    assert "Not counted: `maybe` is not true or false" in out
    assert "Not counted: `abc` is not a number" in out
    assert [a.raw for a in session.answers] == ["b", "A,B", "f", "0.2"]
    assert [a.outcome.score for a in session.answers] == [1, 0, 0, 0]


def test_wrong_answers_show_feedback_and_review(items) -> None:
    session, out = run(items, "a\na,b\nf\n0.2\n")
    assert "✗ Incorrect." in out and "The answer is b) b." in out
    assert "a) Not a." in out  # feedback of the chosen choice
    assert "✗ b) B (your pick)\n       B is wrong." in out  # each choice, marked, with feedback
    assert "✓ a) A (your pick)" in out and "✓ c) C (missed)" in out
    assert "It was true." in out
    assert "Review of missed questions:" in out
    for number, prompt in enumerate(["Pick b.", "Pick a and c.", "Is it true?"], start=1):
        assert f"{number}. {prompt}" in out
    assert "pick-b" not in out  # ids are not shown to students
    assert "answer: -0.2" in out


def test_end_of_input_keeps_the_answers_given(items) -> None:
    session, out = run(items, "b\n")
    assert session.status == END_OF_INPUT
    assert len(session.answers) == 1
    assert "End of input: stopping here." in out
    assert "3 questions not answered (input ended)." in out
    assert "Score: 1 / 4 points" in out


class InterruptingInput(io.StringIO):
    """Gives its lines, then raises KeyboardInterrupt as Ctrl-C would."""

    def readline(self, *args):  # type: ignore[override]
        line = super().readline(*args)
        if not line:
            raise KeyboardInterrupt
        return line


def test_ctrl_c_keeps_the_answers_given(items) -> None:
    saved = []
    out = io.StringIO()
    runner = Runner(
        InterruptingInput("b\na,c\n"), out, on_answer=lambda s: saved.append(len(s.answers))
    )
    session = runner.run(Session(items, seed=1))
    assert session.status == INTERRUPTED
    assert len(session.answers) == 2
    assert saved == [1, 2]  # results were saved after each answer
    assert "Stopped (Ctrl-C)." in out.getvalue()


def test_colour_only_when_asked(items) -> None:
    _, plain_out = run(items, "b\n")
    _, colour_out = run(items, "b\n", color=True)
    assert "\033[" not in plain_out
    assert "\033[32m" in colour_out

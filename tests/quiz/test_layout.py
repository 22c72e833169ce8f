"""Wrapping that keeps formulas whole, readable scores, and a header that fits 50 columns."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from conftest import REPO, bank_text

from labkit.console import Console
from quiz.bank import load_banks
from quiz.draw import plan
from quiz.layout import decimal, fill, part
from quiz.runner import Runner, Session

RULE = "v ← βv − α∇f(θ + βv)"
TEXT = (
    f"Nesterov first moves by the momentum part, measures the gradient there, then corrects: "
    f"{RULE}, θ ← θ + v. On $v_{{t}} = a + b$ from (2, 2) the look-ahead helps."
)
ASCII_RULE = "v <- beta v - alpha grad f(theta + beta v)"


@pytest.mark.parametrize("width", range(24, 90, 3))
def test_formulas_never_break(width: int) -> None:
    out = fill(TEXT, width)
    flat = out.replace("\n", " ")
    assert flat == TEXT  # nothing lost, nothing added
    for whole in (RULE, "θ ← θ + v.", "$v_{t} = a + b$", "(2, 2)"):
        assert any(whole in line for line in out.splitlines()), (whole, out)
    longest = max(len(line) for line in out.splitlines())
    assert longest <= max(width, len(RULE) + 1)  # only an unbreakable formula may overflow


@pytest.mark.parametrize("width", [30, 45, 60])
def test_ascii_spellings_are_wrapped_as_written(width: int) -> None:
    console = Console(io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    out = fill(TEXT, width, translate=console.text)
    assert any(ASCII_RULE in line for line in out.splitlines()), out
    assert "?" not in out.replace("?", "") and out.isascii()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2 / 3, "2/3"),
        (1 / 3, "1/3"),
        (0.5, "0.5"),
        (0.25, "0.25"),
        (0.3, "0.3"),
        (0.123456, "0.12"),
    ],
)
def test_partial_scores(value: float, text: str) -> None:
    assert part(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(10.666666666666666, "10.67"), (24.0, "24"), (0.5, "0.5"), (1e-12, "0")]
)
def test_totals_have_at_most_two_decimals(value: float, text: str) -> None:
    assert decimal(value) == text


SELECT_ALL = """\
  - id: sel
    type: multiple
    scoring: partial
    shuffle: false
    prompt: Pick a, b and c.
    choices:
      - text: A
        correct: true
      - text: B
        correct: true
      - text: C
        correct: true
      - text: D
"""


def test_partial_scores_in_a_session(write_bank) -> None:
    (bank,) = load_banks([write_bank(bank_text(SELECT_ALL))])
    items = plan(bank.questions * 1, seed=1, shuffle=False)
    out = io.StringIO()
    Runner(io.StringIO("a,b\n"), out).run(Session(items, seed=1))
    text = out.getvalue()
    assert "Partly right: 2/3 of 1 point." in text
    assert "Score: 0.67 / 1 point (67%)" in text
    assert "6666" not in text


def test_every_line_fits_50_columns(write_bank) -> None:
    long_title = "Gradient descent with momentum, Nesterov and friends"
    text = bank_text(SELECT_ALL).replace("title: Test bank", f"title: {long_title}")
    (bank,) = load_banks([write_bank(text)])
    items = plan(bank.questions, seed=1, shuffle=False)
    out = io.StringIO()
    Runner(io.StringIO("a,d\n"), out, width=49).run(Session(items, seed=1))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 49, "\n".join(lines)


def test_the_start_of_a_run_fits_50_columns(run_cli, write_bank) -> None:
    text = bank_text(SELECT_ALL).replace(
        "title: Test bank", "title: Gradient descent with momentum, Nesterov and friends"
    )
    path = write_bank(text)
    result = run_cli(
        "run", str(path), "--no-results", "--seed", "123456", stdin="a,d\n", env={"COLUMNS": "50"}
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 49, result.stdout
    intro = " ".join(lines[:6])  # broken at words, not mid-word
    assert "Gradient descent with momentum, Nesterov and friends: 1 question." in intro
    assert "Ctrl-C stops; answers so far are kept." in intro


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_narrow_console_gets_ascii_spellings(write_bank, tmp_path, encoding: str) -> None:
    question = SELECT_ALL.replace("prompt: Pick a, b and c.", "prompt: Is v ← βv − α∇f(θ) right?")
    path = write_bank(bank_text(question))
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": encoding, "NO_COLOR": "1"}
    env.pop("PYTHONUTF8", None)
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "run", str(path), "--no-results"],
        input=b"a,d\n",
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=30,
    )
    out = result.stdout.decode(encoding)
    assert result.returncode == 0, result.stderr
    assert "Is v <- beta v - alpha grad f(theta) right?" in out
    assert "[x] Incorrect." in out and "[ok] a) A (your pick)" in out
    assert "?" not in out.replace("right?", "")

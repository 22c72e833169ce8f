"""Shared helpers for the quiz tests: tiny banks in tmp_path, and the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BANKS = REPO / "quiz" / "banks"
SCHEMA = REPO / "quiz" / "schema" / "bank.schema.json"

HEADER = "schema_version: 1\nbank: {bank}\ntitle: Test bank\nquestions:\n"
SINGLE = """\
  - id: {qid}
    type: single
    prompt: Pick b.
    choices:
      - text: "a"
        feedback: Not a.
      - text: "b"
        correct: true
    explanation: Because b.
"""


def bank_text(questions: str, bank: str = "test") -> str:
    """A bank file with the standard header and the given (already indented) questions."""
    return HEADER.format(bank=bank) + questions.rstrip() + "\n"


@pytest.fixture
def write_bank(tmp_path: Path):
    """Write YAML text to tmp_path/<name> and return the path."""

    def write(text: str, name: str = "bank.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_cli(tmp_path: Path):
    """Run `python -m quiz ...` in tmp_path with text on stdin; returns CompletedProcess."""

    def run(
        *args: str,
        stdin: str = "",
        cwd: Path | None = None,
        timeout: float = 30,
        env: dict[str, str] | None = None,
    ):
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "NO_COLOR": "1",
            "PYTHONUTF8": "1",
            **(env or {}),
        }
        return subprocess.run(
            [sys.executable, "-m", "quiz", *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=cwd or tmp_path,
            env=env,
            timeout=timeout,
        )

    return run

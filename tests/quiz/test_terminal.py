"""The quiz on a real terminal (tmux): typing answers, colour, and Ctrl-C keeping answers."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest
from conftest import REPO, SINGLE, bank_text

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    def __init__(self, command: str, width: int = 100) -> None:
        self.socket = f"quiz-test-{uuid.uuid4().hex[:12]}"  # own server: never touches others
        self.tmux("new-session", "-d", "-x", str(width), "-y", "40", "-s", "quiz", command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "quiz")

    def wait_for(self, text: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "quiz", *keys)

    def ctrl_c(self, until: str) -> str:
        """Ctrl-C, once more if nothing happens: CPython's readline misses a SIGINT that lands
        between drawing the prompt and waiting for a key (a person just presses it again)."""
        for _ in range(3):
            self.keys("C-c")
            try:
                return self.wait_for(until, timeout=5)
            except AssertionError:
                continue
        return self.wait_for(until)

    def kill(self) -> None:
        path = self.tmux("display-message", "-p", "#{socket_path}").strip()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)
        if path:
            with contextlib.suppress(OSError):
                os.unlink(path)  # tmux leaves the socket file behind


@pytest.fixture
def terminal(tmp_path):
    sessions: list[Tmux] = []

    def start(*args: str, env: str = "", width: int = 100) -> Tmux:
        if args[:1] == ("run",) and "--student" not in args:
            args = (*args, "--student", "tmux")  # else the quiz first asks for a student id
        command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "quiz", *args))
        shell = (
            # -u: the colour rules are tested here, not whatever the CI's environment says
            f"cd {shlex.quote(str(tmp_path))} && env -u NO_COLOR -u FORCE_COLOR "
            f"PYTHONPATH={shlex.quote(str(REPO))} "
            f"TERM=xterm-256color {env} {command}; echo EXIT=$?; sleep 600"
        )
        session = Tmux(shell, width)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.kill()


QUESTIONS = SINGLE.format(qid="one") + SINGLE.format(qid="two") + SINGLE.format(qid="three")


def test_answering_on_a_terminal(terminal, write_bank, tmp_path) -> None:
    path = write_bank(bank_text(QUESTIONS))
    term = terminal("run", str(path), "--no-shuffle", "--results", "res.json", env="NO_COLOR=1")
    term.wait_for("Your answer (one letter):")
    term.keys("z", "Enter")
    term.wait_for("Not counted: `z` is not a choice")
    term.keys("B", "Enter")
    term.wait_for("✓ Correct (+1)")
    term.keys("1", "Enter")
    term.wait_for("✗ Incorrect.")
    term.keys("b", "Enter")
    screen = term.wait_for("EXIT=0")
    assert "Score: 2 / 3 points (67%)" in screen
    assert "\x1b[" not in screen
    data = json.loads((tmp_path / "res.json").read_text(encoding="utf-8"))
    assert [q["raw"] for q in data["questions"]] == ["B", "1", "b"]


def test_ctrl_c_exits_130_and_keeps_answers(terminal, write_bank, tmp_path) -> None:
    path = write_bank(bank_text(QUESTIONS))
    term = terminal("run", str(path), "--no-shuffle", "--results", "res.json")
    term.wait_for("Question 1 of 3")
    term.keys("b", "Enter")
    term.wait_for("Question 2 of 3")
    term.ctrl_c(until="Stopped (Ctrl-C).")
    screen = term.wait_for("EXIT=130")
    assert "Stopped (Ctrl-C)." in screen
    assert "2 questions not answered (stopped with Ctrl-C)." in screen
    assert "Traceback" not in screen
    data = json.loads((tmp_path / "res.json").read_text(encoding="utf-8"))
    assert data["status"] == "interrupted" and data["answered"] == 1
    assert data["questions"][0]["status"] == "correct"


def test_ctrl_d_ends_the_quiz(terminal, write_bank, tmp_path) -> None:
    path = write_bank(bank_text(QUESTIONS))
    term = terminal("run", str(path), "--no-shuffle", "--no-results")
    term.wait_for("Question 1 of 3")
    term.keys("C-d")
    screen = term.wait_for("EXIT=0")
    assert "End of input: stopping here." in screen


def test_colour_on_a_terminal(terminal, write_bank) -> None:
    path = write_bank(bank_text(QUESTIONS))
    term = terminal("run", str(path), "--no-shuffle", "--no-results")
    term.wait_for("Question 1 of 3")
    term.keys("b", "Enter")
    term.wait_for("Correct")
    escaped = term.tmux("capture-pane", "-p", "-e", "-t", "quiz")
    assert "\x1b[32m" in escaped or "\x1b[1;32m" in escaped or "\x1b[32;" in escaped


def test_line_editing_and_history(terminal, write_bank) -> None:
    path = write_bank(bank_text(QUESTIONS))
    term = terminal("run", str(path), "--no-shuffle", "--no-results", env="NO_COLOR=1")
    term.wait_for("Your answer (one letter):")
    # Type `zb`, go left, delete the `z`, go right again: the line must read `b`.
    term.keys("z", "b", "Left", "BSpace", "Right", "Enter")
    term.wait_for("✓ Correct (+1)")
    term.wait_for("Question 2 of 3")
    term.keys("Up", "Enter")  # history: the answer typed before
    screen = term.wait_for("Question 3 of 3")
    assert screen.count("✓ Correct (+1)") == 2, screen
    assert "^[" not in screen and "\x1b" not in screen  # no escape codes echoed
    lines = [line.rstrip() for line in screen.splitlines()]  # readline may pad with spaces
    assert lines[0].startswith("Test bank: 3 questions.")  # nothing drawn over the top
    assert lines.count("Your answer (one letter): b") == 2, screen


def test_fifty_columns_and_an_ascii_terminal(terminal, write_bank) -> None:
    question = SINGLE.format(qid="rule").replace(
        "prompt: Pick b.", "prompt: In v ← βv − α∇f(θ + βv), θ ← θ + v, which letter is right?"
    )
    path = write_bank(bank_text(question).replace("Test bank", "Gradient descent with momentum"))
    term = terminal(
        "run",
        str(path),
        "--no-results",
        "--no-shuffle",
        env="NO_COLOR=1 PYTHONIOENCODING=ascii",
        width=50,
    )
    term.wait_for("Your answer (one letter):")
    term.keys("b", "Enter")
    screen = term.wait_for("EXIT=0")
    assert "v <- beta v - alpha grad f(theta + beta v)" in screen  # one line, spelled in ASCII
    assert "?" not in screen.replace("right?", "")
    assert "Gradient descent with momentum: 1 question." in screen
    assert "[ok] Correct (+1)" in screen

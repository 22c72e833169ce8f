"""An interrupted quiz loses no answer: the terminal window closed (SIGHUP), a logout or
`kill` (SIGTERM), and Ctrl-C at the student-id prompt.

The quiz runs on a pseudo-terminal that is its controlling terminal, as in a real window;
closing our end of it is what closing the window does.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import pytest
from conftest import REPO, SINGLE, bank_text

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals and signals")

QUESTIONS = SINGLE.format(qid="one") + SINGLE.format(qid="two") + SINGLE.format(qid="three")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "TERM": "xterm"}


def _controlling_tty() -> None:
    import fcntl
    import termios

    fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # runs in the child, after setsid


class Pty:
    """The quiz on a new session whose controlling terminal is a pty we hold the master of."""

    def __init__(self, args: list[str], cwd) -> None:
        import pty

        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "quiz", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=_env(),
            start_new_session=True,
            preexec_fn=_controlling_tty,
        )
        os.close(slave)
        self.seen = b""

    def wait_for(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never appeared in:\n{self.seen.decode(errors='replace')}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    break
        assert text.encode() in self.seen, self.seen.decode(errors="replace")

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close_window(self) -> int:
        os.close(self.master)
        return self.proc.wait(timeout=30)


def _results(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_closing_the_terminal_keeps_every_answer(tmp_path, write_bank) -> None:
    bank = write_bank(bank_text(QUESTIONS))
    args = ["run", str(bank), "--no-shuffle", "--results", "r.json", "--student", "ada"]
    term = Pty(args, tmp_path)
    term.wait_for("Your answer (one letter):")
    term.type("b\r")
    term.wait_for("Question 2 of 3")
    term.wait_for("Your answer (one letter):")
    term.type("a\r")
    term.wait_for("Question 3 of 3")
    term.type("b")  # typed but never entered: not an answer
    status = term.close_window()
    assert status == 128 + signal.SIGHUP  # ended by our handler, not killed by the signal
    data = _results(tmp_path / "r.json")
    assert data["status"] == "interrupted" and data["finished"] is not None
    assert [q["status"] for q in data["questions"]] == ["correct", "incorrect", "not attempted"]
    assert data["answered"] == 2 and data["score"] == 1


def test_sigterm_keeps_every_answer(tmp_path, write_bank) -> None:
    bank = write_bank(bank_text(QUESTIONS))
    proc = subprocess.Popen(
        [sys.executable, "-m", "quiz", "run", str(bank), "--no-shuffle", "--results", "r.json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=_env(),
    )
    proc.stdin.write(b"b\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait for the answer to be saved, then stop the quiz
        path = tmp_path / "r.json"
        if path.exists() and _results(path)["answered"] == 1:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in err
    data = _results(tmp_path / "r.json")
    assert data["status"] == "interrupted" and data["answered"] == 1
    assert data["questions"][0]["status"] == "correct"


def test_ctrl_c_at_the_student_prompt_stops_cleanly(tmp_path, write_bank) -> None:
    bank = write_bank(bank_text(QUESTIONS))
    term = Pty(["run", str(bank), "--results", "r.json"], tmp_path)
    term.wait_for("Your student id")
    term.type("\x03")  # Ctrl-C: the terminal sends SIGINT
    status = term.proc.wait(timeout=30)
    term.wait_for("quiz: stopped.")
    assert status == 130
    assert b"Traceback" not in term.seen
    os.close(term.master)

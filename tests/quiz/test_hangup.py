"""An interrupted quiz loses no answer: the terminal window closed (SIGHUP), a logout or
`kill` (SIGTERM), Ctrl-C at the student-id prompt, and a results file that cannot be written
for a while (open in another program on Windows) or at all.

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
    for _ in range(3):  # once more if missed: CPython's readline can miss a SIGINT that lands
        term.type("\x03")  # between drawing the prompt and waiting for a key
        try:
            term.wait_for("quiz: stopped.", timeout=5)  # read before the exit: a closed pty
            break  # may drop its output
        except AssertionError:
            continue
    term.wait_for("quiz: stopped.")
    assert term.proc.wait(timeout=30) == 130
    assert b"Traceback" not in term.seen
    os.close(term.master)


def _failing_writes(monkeypatch, fails: set[int]) -> list:
    """Make the results writes with these call numbers (1 = the one before the quiz) fail."""
    from quiz.commands import run as run_module

    real, calls = run_module.write_atomic, []

    def write(path, data):
        calls.append(path)
        if len(calls) in fails:
            raise PermissionError(13, "Permission denied")  # Windows: the file is open
        real(path, data)

    monkeypatch.setattr(run_module, "write_atomic", write)
    return calls


def test_a_failed_save_during_the_quiz_loses_nothing(monkeypatch, capsys, write_bank, tmp_path):
    import io

    from quiz.cli import main

    bank = write_bank(bank_text(QUESTIONS))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("b\na\nb\n"))
    calls = _failing_writes(monkeypatch, {2, 3})  # after answers 1 and 2
    assert main(["run", str(bank), "--no-shuffle", "--results", "r.json"]) == 0
    err = capsys.readouterr().err
    assert err.count("cannot write r.json (Permission denied)") == 1  # said once
    assert len(calls) == 5  # before, 3 answers, the final save
    data = _results(tmp_path / "r.json")
    assert [q["status"] for q in data["questions"]] == ["correct", "incorrect", "correct"]


def test_a_results_file_that_stays_locked_is_saved_next_to_it(
    monkeypatch, capsys, write_bank, tmp_path
):
    import io

    from quiz.cli import main

    bank = write_bank(bank_text(QUESTIONS))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("b\na\n"))
    _failing_writes(monkeypatch, {2, 3, 4})  # every save of r.json after the first
    assert main(["run", str(bank), "--no-shuffle", "--results", "r.json"]) == 0
    out = capsys.readouterr().out
    (saved,) = tmp_path.glob("r-*-saved.json")
    assert f"Results saved to {saved.name}" in out
    data = _results(saved)
    assert data["answered"] == 2 and data["status"] == "end of input"
    assert _results(tmp_path / "r.json")["answered"] == 0  # the one write that worked


def test_the_student_id_keeps_no_escape_codes(monkeypatch, write_bank, tmp_path) -> None:
    import io

    from quiz.cli import main

    bank = write_bank(bank_text(QUESTIONS))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    given = "ada\x1b[D\x1b[C-42\x07"  # ← and → typed where no line editing reads them
    assert main(["run", str(bank), "--results", "r.json", "--student", given]) == 0
    assert _results(tmp_path / "r.json")["student"] == "ada-42"


def test_a_terminal_that_fails_with_eio_ends_like_a_hangup(monkeypatch, write_bank, tmp_path):
    import errno
    import io

    from quiz.cli import main

    class Dying(io.StringIO):
        """A terminal whose window closed right after the first verdict."""

        def write(self, text: str) -> int:
            if "Question 2 of 3" in self.getvalue():
                raise OSError(errno.EIO, "Input/output error")
            return super().write(text)

    bank = write_bank(bank_text(QUESTIONS))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("b\na\nb\n"))
    monkeypatch.setattr(sys, "stdout", Dying())
    status = main(["run", str(bank), "--no-shuffle", "--results", "r.json"])
    assert status == 128 + signal.SIGHUP
    data = _results(tmp_path / "r.json")
    assert data["status"] == "interrupted"
    assert [q["status"] for q in data["questions"]][0] == "correct"

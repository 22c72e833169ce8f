"""The judge's side of the fork server: a sandbox launcher for grading many submissions.

`grader check` starts a fresh ``python -I`` worker per run, which costs about 0.1 s of CPU, most
of it importing numpy. For a class, `Zygote` starts one server (``_zygote.py``) that imports the
worker and numpy once and forks a child per run *before* any student code is loaded. Each child
then does exactly what a fresh worker does (same limits, same audit hook, own session, own
scratch folder), so students stay as isolated from one another as with `grader check`.

A `Zygote` is a launcher for `grader.sandbox.run_calls(..., launcher=zygote)`.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, BinaryIO

from grader.sandbox.process import STARTUP_SECONDS, SandboxError

SERVER = Path(__file__).with_name("_zygote.py")


class Zygote:
    """A running fork server. Thread-safe; close() (or the with-block) stops it."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-B", str(SERVER), str(theirs.fileno())],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env, cwd="/",
                pass_fds=(theirs.fileno(),), start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            raise SandboxError(f"cannot start the fork server: {exc}") from exc
        finally:
            theirs.close()
        self._sock = ours
        self._lock = threading.Lock()
        self._pids: queue.Queue[int | None] = queue.Queue()
        self._exits: dict[int, int] = {}
        self._changed = threading.Condition()
        self._dead = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            while message := self._sock.recv(65536):
                event = json.loads(message)
                if "pid" in event:
                    self._pids.put(int(event["pid"]))
                elif "exit" in event:
                    with self._changed:
                        self._exits[int(event["exit"])] = int(event["code"])
                        self._changed.notify_all()
                else:
                    self._pids.put(None)
        except (OSError, ValueError):
            pass
        with self._changed:
            self._dead = True
            self._changed.notify_all()
        self._pids.put(None)

    def __call__(self, argv: list[str], env: dict[str, str], cwd: str, out_fd: int,
                 proto_fd: int) -> ForkedWorker:  # fmt: skip
        """Launcher for run_calls: argv is the fresh-worker command line (its last two items,
        the exercises folder and the forbidden folders, are all the child needs)."""
        request = json.dumps({"args": argv[-2:], "env": env, "cwd": cwd}).encode()
        stdin_r, stdin_w = os.pipe()
        try:
            with self._lock:
                if self._dead:
                    raise SandboxError("the fork server has stopped")
                socket.send_fds(self._sock, [request], [stdin_r, out_fd, proto_fd])
                try:
                    pid = self._pids.get(timeout=STARTUP_SECONDS)
                except queue.Empty:
                    pid = None
        except OSError as exc:
            os.close(stdin_w)
            raise SandboxError(f"the fork server is not answering: {exc}") from exc
        finally:
            os.close(stdin_r)
        if pid is None:
            os.close(stdin_w)
            raise SandboxError("the fork server could not start a worker")
        return ForkedWorker(self, pid, os.fdopen(stdin_w, "wb"))

    def wait_exit(self, pid: int, timeout: float | None = None) -> int | None:
        with self._changed:
            self._changed.wait_for(lambda: pid in self._exits or self._dead, timeout)
            if pid in self._exits:
                return self._exits.pop(pid)
            return -signal.SIGKILL if self._dead else None

    def poll_exit(self, pid: int) -> int | None:
        with self._changed:
            return self._exits.get(pid)

    def close(self) -> None:
        try:
            # shutdown, not just close: it wakes the reader thread and the server sees EOF.
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self._sock.close()
        finally:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class ForkedWorker:
    """What sandbox._Worker needs of a subprocess.Popen: stdin, pid, poll, wait, kill."""

    def __init__(self, zygote: Zygote, pid: int, stdin: BinaryIO) -> None:
        self._zygote = zygote
        self.pid = pid
        self.stdin = stdin
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            code = self._zygote.poll_exit(self.pid)
            if code is not None:
                self.returncode = self._zygote.wait_exit(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            code = self._zygote.wait_exit(self.pid, timeout)
            if code is None:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            self.returncode = code
        return self.returncode

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

"""Run student calls in a separate, disposable process and bring back plain-data outcomes.

The judge never imports student code. It sends a list of calls to ``worker.py`` and reads one
event per line back. A call that does not answer within the timeout gets its worker killed; the
rest of that function's calls are marked the same way (a looping function costs one timeout, not
one per check) and a fresh worker carries on with the other functions.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.sandbox.protocol import Call, Outcome

WORKER = Path(__file__).with_name("worker.py")
GRADER_DIR = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 30.0  # python + numpy start-up; generous because CI machines are shared
DEFAULT_TIMEOUT = 5.0
OUTPUT_CAP = 8000  # characters kept of what the worker wrote straight to its stdout/stderr


class SandboxError(Exception):
    """The sandbox itself could not run (not the student's fault)."""


def run_calls(
    calls: Sequence[Call],
    exercises_dir: Path,
    timeout: float = DEFAULT_TIMEOUT,
    forbidden: Iterable[Path] = (),
    launcher: Launcher | None = None,
) -> dict[str, Outcome]:
    """Run every call in isolated workers; never raises for anything the student code does.

    `launcher` starts each worker process (default: a fresh `python -I` via subprocess); the
    instructor's batch grading passes a fork server that starts the same worker faster.
    """
    outcomes: dict[str, Outcome] = {}
    pending = list(calls)
    forbidden = list(forbidden)
    while pending:
        worker = spawn(exercises_dir, forbidden, launcher)
        _Worker(worker, pending, timeout, outcomes).run()
        pending = [c for c in pending if c.id not in outcomes]
    return outcomes


@dataclass
class Spawned:
    """A worker process that has started (it imports numpy first) and waits for its calls."""

    proc: Any
    proto_fd: int
    out_fd: int
    scratch: tempfile.TemporaryDirectory[str]

    closed: bool = False

    def close(self) -> None:
        # Idempotent: closing a file descriptor twice could close one the number was reused for.
        if self.closed:
            return
        self.closed = True
        _kill(self.proc)
        for fd in (self.proto_fd, self.out_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.scratch.cleanup()


def spawn(
    exercises_dir: Path, forbidden: Iterable[Path] = (), launcher: Launcher | None = None
) -> Spawned:
    """Start a worker; it imports numpy, then waits for its calls on stdin."""
    scratch = tempfile.TemporaryDirectory(prefix="momentum-lab-")
    forbidden_dirs = [str(GRADER_DIR), *(str(Path(f).resolve()) for f in forbidden)]
    proto_r, proto_w = os.pipe()
    out_r, out_w = os.pipe()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": scratch.name,
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    argv = [
        sys.executable, "-I", "-B", str(WORKER), str(proto_w),
        str(Path(exercises_dir).resolve()), json.dumps(forbidden_dirs),
    ]  # fmt: skip
    try:
        proc = (launcher or popen)(argv, env, scratch.name, out_w, proto_w)
    except OSError as exc:
        os.close(proto_r)
        os.close(out_r)
        scratch.cleanup()
        raise SandboxError(f"cannot start the sandbox: {exc}") from exc
    finally:
        os.close(proto_w)
        os.close(out_w)
    return Spawned(proc, proto_r, out_r, scratch)


class SandboxRun:
    """run_calls in a background thread, so the judge can start pytest meanwhile."""

    def __init__(self, calls: Sequence[Call], exercises_dir: Path, **kwargs: Any) -> None:
        self._result: dict[str, Outcome] | None = None
        self._error: BaseException | None = None

        def target() -> None:
            try:
                self._result = run_calls(calls, exercises_dir, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self._error = exc

        self._thread = threading.Thread(target=target, daemon=True)
        self._thread.start()

    def result(self) -> dict[str, Outcome]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


class _Worker:
    """One worker process over the pending calls; fills `outcomes` as events arrive."""

    def __init__(
        self, spawned: Spawned, calls: Sequence[Call], timeout: float, outcomes: dict[str, Outcome]
    ) -> None:
        self.spawned = spawned
        self.calls = list(calls)
        self.timeout = timeout
        self.outcomes = outcomes
        self.output = bytearray()

    def run(self) -> None:
        worker = self.spawned
        drain = threading.Thread(target=self._drain, args=(worker.out_fd,), daemon=True)
        drain.start()
        try:
            self._talk(worker.proc, worker.proto_fd)
        finally:
            _kill(worker.proc)
            drain.join(timeout=2)
            worker.close()

    def _drain(self, fd: int) -> None:
        # Keep the first OUTPUT_CAP bytes and throw the rest away, so a flood never fills a pipe.
        try:
            while chunk := os.read(fd, 65536):
                if len(self.output) < OUTPUT_CAP:
                    self.output += chunk[: OUTPUT_CAP - len(self.output)]
        except OSError:
            pass

    def _talk(self, proc: subprocess.Popen[bytes], fd: int) -> None:
        from grader.sandbox import protocol
        from grader.sandbox.protocol import ProtocolError

        request = json.dumps({"calls": [c.to_json() for c in self.calls]}) + "\n"
        writer = threading.Thread(target=_write, args=(proc, request.encode()), daemon=True)
        writer.start()
        queue = list(self.calls)
        buffer = b""
        ready = False
        importing: str | None = None
        deadline = time.monotonic() + STARTUP_SECONDS
        while queue:
            try:
                lines, buffer, eof = _read_lines(fd, buffer, deadline)
                for line in lines:
                    importing = self._handle(protocol.loads(line), queue, importing)
                    ready = True  # the first event is "ready"; student code runs only after it
                    deadline = time.monotonic() + self.timeout
            except ProtocolError as exc:
                if not ready:  # no student code has run yet: this one is ours
                    raise SandboxError(f"the sandbox worker sent {exc}") from exc
                if not queue:
                    return
                # Student code can write to the worker's channel too; garbage there is theirs.
                self._fail_current(
                    queue, importing, "crash",
                    f"the grader could not read what came back ({exc}). Does your code write "
                    "to file descriptors it did not open?",
                )  # fmt: skip
                return
            if not queue:
                return
            if eof or time.monotonic() >= deadline:
                if not ready:
                    detail = self.output.decode("utf-8", "replace").strip()
                    why = "stopped" if eof else f"did not start within {STARTUP_SECONDS:.0f} s"
                    raise SandboxError(f"the sandbox worker {why}. {detail}".strip())
                if eof:
                    code = proc.wait()
                    self._fail_current(queue, importing, "crash", _exit_reason(code))
                else:
                    self._fail_current(queue, importing, "timeout", "")
                return

    def _handle(self, event: Any, queue: list[Call], importing: str | None) -> str | None:
        """Apply one event from the worker; returns the module being imported, if any."""
        from grader.sandbox.protocol import ProtocolError

        kind = event.get("event") if isinstance(event, dict) else None
        if kind == "ready":
            return importing
        if kind == "import":
            return str(event.get("module"))
        if kind == "imported":
            return None
        if kind == "result" and queue and event.get("id") == queue[0].id:
            self.outcomes[queue[0].id] = _outcome(event)
            queue.pop(0)
            return importing
        if kind == "done" and not queue:
            return importing
        # Includes a "done" with calls still pending, which would otherwise restart forever.
        raise ProtocolError(f"unexpected message {str(event)[:200]}")

    def _fail_current(
        self, queue: list[Call], importing: str | None, status: str, why: str
    ) -> None:
        """Mark the call (or the import) that was running, and its siblings, with `status`."""
        current = queue[0]
        if importing is not None:
            victims = [c for c in queue if c.module == importing]
            where = f"importing exercises/{importing}.py"
        else:
            victims = [c for c in queue if (c.module, c.func) == (current.module, current.func)]
            where = f"calling `{current.func}`"
        output = self.output.decode("utf-8", "replace")
        if status == "timeout":
            message = f"{where} did not finish within {self.timeout:g} s"
        else:
            message = f"the process running your code ended while {where}: {why}"
        for call in victims:
            scope = "import" if importing is not None else "call" if call is current else "skipped"
            self.outcomes[call.id] = Outcome(
                status, error_type=status, error=message, stdout=output, scope=scope
            )


def popen(argv: list[str], env: dict[str, str], cwd: str, out_fd: int, proto_fd: int) -> Any:
    """The default launcher: the worker as a fresh process in its own session."""
    return subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=out_fd, stderr=out_fd, cwd=cwd, env=env,
        pass_fds=(proto_fd,), start_new_session=True,
    )  # fmt: skip


# (argv, env, cwd, output fd, protocol fd) -> a process with .stdin, .pid, .poll(), .wait()
Launcher = Callable[[list[str], dict[str, str], str, int, int], Any]


def _write(proc: subprocess.Popen[bytes], data: bytes) -> None:
    try:
        assert proc.stdin is not None
        proc.stdin.write(data)
        proc.stdin.close()
    except OSError:
        pass  # the worker died before reading; the reader reports it


def _read_lines(fd: int, buffer: bytes, deadline: float) -> tuple[list[bytes], bytes, bool]:
    """Wait until at least one full line, EOF, or the deadline; return the complete lines."""
    from grader.sandbox import protocol

    while True:
        if b"\n" in buffer:
            *lines, rest = buffer.split(b"\n")
            return lines, rest, False
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return [], buffer, False
        readable, _, _ = select.select([fd], [], [], remaining)
        if not readable:
            return [], buffer, False
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return [], buffer, True
        buffer += chunk
        if len(buffer) > protocol.MAX_LINE:
            raise protocol.ProtocolError("message too long")


def _outcome(event: dict[str, Any]) -> Outcome:
    from grader.sandbox.protocol import Returned

    error = event.get("error") or {}
    value = event.get("value")
    return Outcome(
        status=str(event.get("status")),
        value=Returned.decode(value) if value is not None else None,
        error_type=str(error.get("type", "")),
        error=str(error.get("message", "")),
        function=str(error.get("function", "")),
        mutated=tuple(str(m) for m in event.get("mutated", ())),
        stdout=str(event.get("stdout", "")),
    )


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"it was killed by {name}"
    return f"it exited with code {code} (os._exit or a crash in native code?)"


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    proc.wait()

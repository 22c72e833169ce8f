"""Run student calls in a separate, disposable process and bring back plain-data outcomes.

The judge never imports student code. It sends a list of calls to ``worker.py`` on the worker's
stdin and reads one event per line from the worker's stdout; what student code prints arrives
on the worker's stderr (see worker.take_stdout). Both pipes are read by threads, so waiting with
a time limit works the same on Windows, macOS and Linux.

Limits, all the student's error when broken and never the grader's:
- every step (an import, a call) has an absolute deadline, set when the step starts; no message
  moves it. A looping call gets its worker ended; the rest of that function's calls are marked
  the same way (one timeout, not one per check) and a fresh worker carries on;
- a message is at most protocol.MAX_LINE bytes and MAX_DEPTH deep, and one function's answers
  at most MAX_FUNCTION_BYTES in all, so the judge's memory stays bounded;
- the worker's memory is watched (platform.memory_reader) and it is ended past the limit.
If a worker breaks (a crash, garbage on the channel, too much memory) after code from another
file ran in it, the blame is not certain: that file is run again alone, in its own worker.

The seam for other backends (bubblewrap, a separate user, the fork server): spawn() builds a
WorkerCommand (argv, env, cwd), passes it through `wrap` if given (which may return a changed
command, e.g. argv prefixed with a bwrap command line and a smaller env), then starts it with
`launcher(argv, env, cwd, out_fd, proto_fd)`. The launcher must give the new process `out_fd` as
its stderr and `proto_fd` as its stdout, and return an object with `.stdin` (a binary file),
`.pid`, `.poll()`, `.wait(timeout)` and `.kill()`; the default is `popen`.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader.sandbox import platform, protocol, shared
from grader.sandbox.lifecycle import _LIVE, _LOCK, _STOPPED, DEFAULT_TIMEOUT
from grader.sandbox.protocol import Call, Outcome, ProtocolError
from grader.sandbox.shared import SharedArgs

WORKER = Path(__file__).with_name("worker.py")
GRADER_DIR = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 30.0  # python + numpy start-up; generous because CI machines are shared
OUTPUT_CAP = 8000  # characters kept of what the worker wrote straight to its stdout/stderr
MAX_FUNCTION_BYTES = 32 << 20  # answers of one function, in all (two 10**6-float arrays: 22 MiB)


class SandboxError(Exception):
    """The sandbox itself could not run (not the student's fault)."""


@dataclass
class WorkerCommand:
    """How a worker is started; `wrap` hooks receive one and return one."""

    argv: list[str]  # python -I -B worker.py EXERCISES_DIR FORBIDDEN_JSON (these two stay last)
    env: dict[str, str]
    cwd: str  # the scratch folder, removed when the worker ends
    exercises_dir: str
    scratch: str


Wrap = Callable[[WorkerCommand], WorkerCommand]
# (argv, env, cwd, output fd, protocol fd) -> a process with .stdin, .pid, .poll(), .wait(), .kill()
Launcher = Callable[[list[str], dict[str, str], str, int, int], Any]


def run_calls(
    calls: Sequence[Call],
    exercises_dir: Path,
    timeout: float = DEFAULT_TIMEOUT,
    forbidden: Iterable[Path] = (),
    launcher: Launcher | None = None,
    wrap: Wrap | None = None,
    memory_mib: int | None = None,
) -> dict[str, Outcome]:
    """Run every call in isolated workers; never raises for anything the student code does."""
    outcomes: dict[str, Outcome] = {}
    pending = list(calls)
    forbidden = list(forbidden)
    limits = _Limits(timeout, memory_mib or platform.memory_limit_mib())
    alone = False  # one file per worker, once a broken worker could not say whose fault it was
    while pending:
        batch = [c for c in pending if c.module == pending[0].module] if alone else pending
        spawned = spawn(exercises_dir, forbidden, launcher, wrap, batch)
        worker = _Worker(spawned, batch, limits, alone)
        worker.run(outcomes)
        alone = alone or worker.unsure
        pending = [c for c in pending if c.id not in outcomes]
    return outcomes


@dataclass
class _Limits:
    timeout: float
    memory_mib: int
    spent: dict[tuple[str, str], int] = field(default_factory=dict)  # answer bytes per function


@dataclass(eq=False)
class Spawned:
    """A worker process that has started (it imports numpy first) and waits for its calls."""

    proc: Any
    proto_fd: int
    out_fd: int
    scratch: tempfile.TemporaryDirectory[str]
    handle: Any = None  # platform state (a Windows job object)
    shared: SharedArgs = field(default_factory=SharedArgs)  # the calls' array arguments
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def kill(self) -> None:
        """End the worker's whole tree (idempotent; safe from any thread)."""
        try:
            platform.kill_tree(self.proc, self.handle)
        except OSError:
            pass

    def close(self) -> None:
        """Kill, reap and remove the scratch folder. Idempotent (closing a file descriptor
        twice could close one the number was reused for) and safe from two threads."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
        self.kill()
        try:
            self.proc.stdin.close()  # the worker's judge-watch thread sees EOF
        except (OSError, AttributeError):
            pass
        try:
            self.proc.wait(timeout=5)
        except (subprocess.TimeoutExpired, OSError):
            pass
        platform.detach(self.handle)
        with _LOCK:
            _LIVE.discard(self)
        self.shared.close()
        try:
            self.scratch.cleanup()
        except OSError:
            pass


def spawn(
    exercises_dir: Path,
    forbidden: Iterable[Path] = (),
    launcher: Launcher | None = None,
    wrap: Wrap | None = None,
    calls: Sequence[Call] = (),
) -> Spawned:
    """Start a worker for these calls (their array arguments go into a file in its scratch
    folder, see shared.py); it imports numpy, then waits for the calls on stdin."""
    if _STOPPED.is_set():
        raise SandboxError("the grader was interrupted")
    scratch = tempfile.TemporaryDirectory(prefix="momentum-lab-")
    forbidden_dirs = [str(GRADER_DIR), *(str(Path(f).resolve()) for f in forbidden)]
    exercises = str(Path(exercises_dir).resolve())
    argv = [sys.executable, "-I", "-B", str(WORKER), exercises, json.dumps(forbidden_dirs)]
    try:
        arguments = shared.write(calls, scratch.name)
    except OSError as exc:
        scratch.cleanup()
        raise SandboxError(f"cannot write the calls' arguments: {exc}") from exc
    env = platform.worker_env(scratch.name)
    if arguments.path is not None:
        env[shared.ENV] = shared.NAME  # in its working folder, which is the scratch folder
    command = WorkerCommand(argv, env, scratch.name, exercises, scratch.name)
    if wrap is not None:
        command = wrap(command)
    proto_r, proto_w = os.pipe()
    out_r, out_w = os.pipe()
    try:
        with _LOCK:  # registered before stop_all can miss it
            if _STOPPED.is_set():
                raise SandboxError("the grader was interrupted")
            proc = (launcher or popen)(command.argv, command.env, command.cwd, out_w, proto_w)
            spawned = Spawned(proc, proto_r, out_r, scratch, platform.attach(proc), arguments)
            _LIVE.add(spawned)
    except (OSError, SandboxError) as exc:
        os.close(proto_r)
        os.close(out_r)
        arguments.close()
        scratch.cleanup()
        if isinstance(exc, SandboxError):
            raise
        raise SandboxError(f"cannot start the sandbox: {exc}") from exc
    finally:
        os.close(proto_w)
        os.close(out_w)
    return spawned


def popen(argv: list[str], env: dict[str, str], cwd: str, out_fd: int, proto_fd: int) -> Any:
    """The default launcher: a fresh process, its own process group where the platform has
    them; protocol on its stdout, its output on its stderr."""
    return subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=proto_fd, stderr=out_fd, cwd=cwd, env=env,
        **platform.popen_kwargs(),
    )  # fmt: skip


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


class _Lines:
    """Protocol lines read from a pipe by a thread; get() waits at most `wait` seconds.

    The queue is short, so a worker that floods the channel blocks instead of filling the
    judge's memory; a line longer than MAX_LINE ends the reading."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._queue: queue.Queue[tuple[str, bytes]] = queue.Queue(maxsize=4)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def get(self, wait: float) -> tuple[str, bytes] | None:
        try:
            return self._queue.get(timeout=max(wait, 0.0))
        except queue.Empty:
            return None

    def stop(self) -> None:
        self._stop.set()

    def _put(self, item: tuple[str, bytes]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _read(self) -> None:
        buffer = bytearray()
        try:
            while not self._stop.is_set():
                chunk = os.read(self._fd, 1 << 20)
                if not chunk:
                    break
                start = len(buffer)
                buffer += chunk
                end = buffer.find(b"\n", start)
                while end >= 0:
                    if not self._put(("line", bytes(buffer[:end]))):
                        return
                    del buffer[: end + 1]
                    end = buffer.find(b"\n")
                if len(buffer) > protocol.MAX_LINE:
                    mib = protocol.MAX_LINE >> 20
                    self._put(("error", f"a message longer than {mib} MiB".encode()))
                    return
        except OSError:
            pass
        self._put(("eof", b""))


class _Worker:
    """One worker process over a list of calls: the judge's side of the conversation."""

    def __init__(self, spawned: Spawned, calls: Sequence[Call], limits: _Limits, alone: bool):
        self.spawned = spawned
        self.queue = list(calls)
        self.limits = limits
        self.alone = alone
        self.output = bytearray()
        self.loaded: set[str] = set()  # files whose code ran in this worker
        self.importing: str | None = None
        self.unsure = False  # broke with code of several files loaded: nobody was blamed

    def run(self, outcomes: dict[str, Outcome]) -> None:
        self.outcomes = outcomes
        worker = self.spawned
        drain = threading.Thread(target=self._drain, args=(worker.out_fd,), daemon=True)
        drain.start()
        lines = _Lines(worker.proto_fd)
        try:
            self._talk(lines)
        finally:
            lines.stop()
            worker.kill()
            # Only close the pipes whose readers have finished: closing a descriptor another
            # thread still reads could close one the number was reused for.
            drain.join(timeout=2)
            lines.thread.join(timeout=2)
            worker.close()
            if not drain.is_alive():
                os.close(worker.out_fd)
            if not lines.thread.is_alive():
                os.close(worker.proto_fd)

    def _drain(self, fd: int) -> None:
        # Keep the first OUTPUT_CAP bytes and throw the rest away, so a flood never fills a pipe.
        try:
            while chunk := os.read(fd, 65536):
                if len(self.output) < OUTPUT_CAP:
                    self.output += chunk[: OUTPUT_CAP - len(self.output)]
        except OSError:
            pass

    def _talk(self, lines: _Lines) -> None:
        proc = self.spawned.proc
        sent = {c["id"]: c for c in self.spawned.shared.calls}
        calls = [sent.get(c.id) or c.to_json() for c in self.queue]
        request = {"calls": calls, "limits": platform.posix_layer()}
        data = json.dumps(request).encode() + b"\n"
        # In a thread: a request larger than the pipe's buffer must not block the deadline.
        threading.Thread(target=_send, args=(proc.stdin, data), daemon=True).start()
        memory, every = platform.memory_reader(proc, self.spawned.handle)
        limit = self.limits.memory_mib << 20
        ready = False
        deadline = time.monotonic() + STARTUP_SECONDS
        next_look = time.monotonic() + every
        while self.queue:
            now = time.monotonic()
            if now >= next_look:
                used = memory()
                if used is not None and used > limit:
                    return self._broke(ready, "memory", "")
                next_look = now + every
            if now >= deadline:
                return self._broke(ready, "timeout", "")
            item = lines.get(min(deadline, next_look) - now)
            if item is None:
                continue
            kind, data = item
            if kind == "eof":
                return self._broke(ready, "eof", "")
            try:
                if kind == "error":
                    raise ProtocolError(data.decode())
                event = protocol.loads(data)
                if not ready:
                    if not isinstance(event, dict) or event.get("event") != "ready":
                        raise ProtocolError(f"unexpected message {data[:200]!r}")
                    ready = True
                else:
                    self._step(event, len(data))
            except ProtocolError as exc:
                return self._broke(ready, "protocol", str(exc))
            # A step started (or the worker became ready): the next one gets its own time.
            deadline = time.monotonic() + (self.limits.timeout if ready else STARTUP_SECONDS)

    def _step(self, event: Any, size: int) -> None:
        """Apply one event; only the next step of the conversation is accepted."""
        kind = event.get("event") if isinstance(event, dict) else None
        current = self.queue[0]
        if kind == "import" and self.importing is None and current.module not in self.loaded:
            if event.get("module") == current.module:
                self.importing = current.module
                self.loaded.add(current.module)
                return
        elif kind == "imported" and self.importing is not None:
            if event.get("module") == self.importing:
                self.importing = None
                return
        elif kind == "result" and self.importing is None and current.module in self.loaded:
            if event.get("id") == current.id:
                self.outcomes[current.id] = self._accept(current, event, size)
                self.queue.pop(0)
                return
        # Includes a second "ready" and a "done" with calls still pending.
        raise ProtocolError(f"unexpected message {str(event)[:200]}")

    def _accept(self, call: Call, event: dict[str, Any], size: int) -> Outcome:
        outcome = protocol.decode_result(event)
        # The judge's own look at the arguments, whatever the worker reported (shared.py).
        seen = self.spawned.shared.changed(call.id)
        if seen:
            outcome = replace(outcome, mutated=tuple(dict.fromkeys((*outcome.mutated, *seen))))
        key = (call.module, call.func)
        spent = self.limits.spent.get(key, 0) + size
        self.limits.spent[key] = spent
        if spent > MAX_FUNCTION_BYTES:
            return Outcome(
                "crash", error_type="crash", stdout=outcome.stdout,
                error=f"`{call.func}` sent back more than {MAX_FUNCTION_BYTES >> 20} MiB of "
                "answers over its calls, far more than any case needs",
            )  # fmt: skip
        return outcome

    def _broke(self, ready: bool, how: str, detail: str) -> None:
        """The worker timed out, ended, sent garbage, or used too much memory."""
        ended = _exit_reason(self.spawned.proc) if how == "eof" else ""  # before we kill it
        self.spawned.kill()
        if not ready:  # no student code has run yet: this one is ours
            output = self.output.decode("utf-8", "replace").strip()
            why = {
                "timeout": f"did not start within {STARTUP_SECONDS:.0f} s",
                "eof": "stopped",
                "memory": f"used more than {self.limits.memory_mib} MiB while starting",
            }.get(how, f"sent {detail}")
            raise SandboxError(f"the sandbox worker {why}. {output}".strip())
        if how == "timeout":
            return self._fail("timeout", "")
        if self.loaded - {self.importing or self.queue[0].module} and not self.alone:
            self.unsure = True  # another file's code may have done it: run this file alone
            return None
        if how == "memory":
            why = f"it used more than {self.limits.memory_mib} MiB of memory"
        elif how == "eof":
            why = ended
        else:
            # Student code can write to the worker's channel too; garbage there is theirs.
            why = (
                f"the grader could not read what came back ({detail}). Does your code write "
                "to file descriptors it did not open?"
            )
        return self._fail("crash", why)

    def _fail(self, status: str, why: str) -> None:
        """Mark the call (or the import) that was running, and its siblings, with `status`."""
        current = self.queue[0]
        importing = self.importing
        if importing is not None:
            victims = [c for c in self.queue if c.module == importing]
            where = f"importing exercises/{importing}.py"
        else:
            victims = [
                c for c in self.queue if (c.module, c.func) == (current.module, current.func)
            ]
            where = f"calling `{current.func}`"
        output = self.output.decode("utf-8", "replace")
        if status == "timeout":
            message = f"{where} did not finish within {self.limits.timeout:g} s"
        else:
            message = f"the process running your code ended while {where}: {why}"
        for call in victims:
            scope = "import" if importing is not None else "call" if call is current else "skipped"
            self.outcomes[call.id] = Outcome(
                status, error_type=status, error=message, stdout=output, scope=scope
            )


def _send(stdin: Any, data: bytes) -> None:
    try:
        stdin.write(data)
        stdin.flush()  # stdin stays open: the worker ends itself when it closes
    except (OSError, ValueError):
        pass  # the worker died before reading (the reader reports it), or was closed


def _exit_reason(proc: Any) -> str:
    try:
        code = proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        return "it closed its connection to the grader"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"it was killed by {name}"
    return f"it exited with code {code} (os._exit or a crash in native code?)"

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

from grader.sandbox import shared
from grader.sandbox.isolation import (
    INNER_EXERCISES,
    INNER_LIB,
    SANDBOX,
    SCRATCH_BYTES,
    FreshLauncher,
    Isolation,
    inner_env,
)
from grader.sandbox.process import STARTUP_SECONDS, SandboxError

SERVER = Path(__file__).with_name("_zygote.py")
MAX_FILES = 250  # fds per request: the fork server takes at most 253


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Linux: this process gets `signum` when its parent dies (a judging process of `grader
    grade` whose parent was killed would otherwise live on, with its fork server). Elsewhere
    nothing: the pool's own shutdown ends it there."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signum, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the line above: follow it now
        os.kill(os.getpid(), signum)


class Zygote:
    """A running fork server. Thread-safe; close() (or the with-block) stops it.

    `isolation` (isolation.Isolation) decides how each worker is confined; under ``bwrap`` the
    server itself runs inside bubblewrap and its pids are not ours, so each worker comes back
    with a pidfd, and its pid here is read from that."""

    def __init__(self, isolation: Isolation | None = None) -> None:
        self.isolation = isolation or Isolation("none")
        self._fresh: FreshLauncher | None = None
        if self.isolation.backend == "bwrap" and not self.isolation.nested:
            # No namespaces can be made inside bubblewrap here, so no forked worker could be
            # isolated from the others: every worker starts fresh under its own bwrap instead.
            self._fresh = self.isolation.launcher()
            self._dead = False
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        server = str(SERVER)
        prefix: list[str] = []
        if self.isolation.backend == "bwrap":
            server = f"{INNER_LIB}/{SERVER.name}"
            prefix = [*self.isolation.bwrap_args(scratch=False), "--chdir", "/", "--"]
        try:
            self._proc = subprocess.Popen(
                [*prefix, sys.executable, "-I", "-B", server, str(theirs.fileno())],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env, cwd="/",
                pass_fds=(theirs.fileno(),), start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            raise SandboxError(f"cannot start the fork server: {exc}") from exc
        finally:
            theirs.close()
        self._sock = ours
        self._lock = threading.Lock()
        self._pids: queue.Queue[tuple[int, int | None] | None] = queue.Queue()
        self._exits: dict[int, int] = {}
        self._changed = threading.Condition()
        self._dead = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def alive(self) -> bool:
        """False once the server has stopped (killed, crashed or closed)."""
        if self._fresh is not None:
            return True
        return not self._dead and self._proc.poll() is None

    def _read(self) -> None:
        try:
            while True:
                message, fds, _, _ = socket.recv_fds(self._sock, 65536, 1)
                if not message:
                    break
                event = json.loads(message)
                if "pid" in event:
                    self._pids.put((int(event["pid"]), fds[0] if fds else None))
                    continue
                for fd in fds:
                    os.close(fd)
                if "exit" in event:
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
        if self._fresh is not None:
            return self._fresh(argv, env, cwd, out_fd, proto_fd)
        exercises, forbidden = argv[-2:]
        mode = self.isolation.backend
        request: dict[str, Any] = {"args": [exercises, forbidden], "env": env, "cwd": cwd}
        files: list[tuple[str, int]] = []
        if mode != "none":
            files = _open_files(Path(exercises))
            inner = INNER_EXERCISES if mode == "bwrap" else str(Path(cwd) / "exercises")
            request["args"] = [inner, forbidden]
            request["files"] = [name for name, _ in files]
            request["isolate"] = {"mode": mode, "size": SCRATCH_BYTES}
            if mode == "bwrap":
                request["env"] = inner_env(env, cwd)
                request["cwd"] = SANDBOX
        arguments = shared.open_for_child(cwd)  # the worker may not see cwd: pass it over
        if arguments is not None:
            request["shared"] = True
            request["env"] = {**request["env"], shared.ENV: f"fd:{shared.FD}"}
        message = json.dumps(request).encode()
        stdin_r, stdin_w = os.pipe()
        try:
            with self._lock:
                if self._dead:
                    raise SandboxError("the fork server has stopped")
                extra = [] if arguments is None else [arguments]
                fds = [stdin_r, out_fd, proto_fd, *extra, *(fd for _, fd in files)]
                socket.send_fds(self._sock, [message], fds)
                try:
                    got = self._pids.get(timeout=STARTUP_SECONDS)
                except queue.Empty:
                    got = None
        except OSError as exc:
            os.close(stdin_w)
            raise SandboxError(f"the fork server is not answering: {exc}") from exc
        finally:
            os.close(stdin_r)
            for _, fd in files:
                os.close(fd)
            if arguments is not None:
                os.close(arguments)
        if got is None:
            os.close(stdin_w)
            raise SandboxError("the fork server could not start a worker")
        key, pidfd = got
        pid = key
        if mode == "bwrap":
            pid = _pid_of(pidfd) if pidfd is not None else None
            if pid is None:
                os.close(stdin_w)
                if pidfd is not None:
                    os.close(pidfd)
                raise SandboxError("the fork server could not start an isolated worker")
        return ForkedWorker(self, key, os.fdopen(stdin_w, "wb"), pid, pidfd)

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
        if self._fresh is not None:
            return
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
    """What sandbox._Worker needs of a subprocess.Popen: stdin, pid, poll, wait, kill.

    `pid` is the worker's pid in the judge's namespace (for killpg); `key` is the one the
    fork server knows it by."""

    def __init__(self, zygote: Zygote, key: int, stdin: BinaryIO, pid: int | None = None,
                 pidfd: int | None = None) -> None:  # fmt: skip
        self._zygote = zygote
        self.key = key
        self.pid = key if pid is None else pid
        self.stdin = stdin
        self.returncode: int | None = None
        self._pidfd = pidfd

    def poll(self) -> int | None:
        if self.returncode is None:
            code = self._zygote.poll_exit(self.key)
            if code is not None:
                self._done(self._zygote.wait_exit(self.key))
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            code = self._zygote.wait_exit(self.key, timeout)
            if code is None:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            self._done(code)
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        try:
            if self._pidfd is not None:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass

    def _done(self, code: int | None) -> None:
        self.returncode = code
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


def _open_files(folder: Path) -> list[tuple[str, int]]:
    """The student's files as (relative name, read-only fd), for the worker's private copy.
    Regular files only, never through a link; __pycache__ is left out."""
    found: list[tuple[str, int]] = []
    try:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not os.path.islink(
                os.path.join(root, d)))  # fmt: skip
            for name in sorted(names):
                path = os.path.join(root, name)
                if len(found) >= MAX_FILES or not os.path.isfile(path) or os.path.islink(path):
                    continue
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
                found.append((os.path.relpath(path, folder).replace(os.sep, "/"), fd))
    except OSError as exc:
        for _, fd in found:
            os.close(fd)
        raise SandboxError(f"cannot read the submission's files: {exc}") from exc
    return found


def _pid_of(pidfd: int) -> int | None:
    """The pid, in our namespace, of the process a pidfd refers to (Linux 5.3+ fdinfo)."""
    try:
        with open(f"/proc/self/fdinfo/{pidfd}", encoding="ascii") as info:
            for line in info:
                if line.startswith("Pid:"):
                    pid = int(line.split()[1])
                    return pid if pid > 0 else None
    except (OSError, ValueError):
        return None
    return None

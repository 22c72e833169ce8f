"""What the sandbox may rely on here: the portable core, and the POSIX layer where it exists.

The portable core needs only what Windows, macOS and Linux all have: pipes on stdin/stdout,
threads, `Popen.kill`, and a memory watchdog. The POSIX layer adds process groups (`killpg` of
the whole worker tree), rlimits and the fork server. Every decision about which layer is on is
made here, and ``MOMENTUM_LAB_PORTABLE=1`` turns the POSIX layer off so that Linux CI runs the
code paths a Windows or macOS machine takes. Read at each call, so tests can flip it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

PORTABLE_ENV = "MOMENTUM_LAB_PORTABLE"
MEMORY_ENV = "MOMENTUM_LAB_MEMORY_MIB"
DEFAULT_MEMORY_MIB = 2048  # far above any honest answer (a worker with numpy is ~40 MiB)
WINDOWS = sys.platform == "win32"

# What a Windows process needs to start Python and numpy (DLL search, temp files, crypto).
WINDOWS_KEEP = (
    "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "PATHEXT", "COMSPEC", "NUMBER_OF_PROCESSORS",
    "PROCESSOR_ARCHITECTURE", "PROGRAMDATA", "PROGRAMFILES",
)  # fmt: skip


def portable() -> bool:
    """True when the POSIX layer is switched off (MOMENTUM_LAB_PORTABLE=1)."""
    return os.environ.get(PORTABLE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def posix_layer() -> bool:
    """Process groups, rlimits and the like may be used."""
    return os.name == "posix" and not portable()


def process_groups() -> bool:
    return posix_layer() and hasattr(os, "killpg") and hasattr(os, "setsid")


def fork_server_usable() -> bool:
    """Can the batch fork server (zygote.py) run here? It needs fork, fd passing and
    SOCK_SEQPACKET, which macOS lacks ([Errno 93] at socketpair)."""
    if not posix_layer() or not hasattr(os, "fork"):
        return False
    import socket

    if not (hasattr(socket, "send_fds") and hasattr(socket, "SOCK_SEQPACKET")):
        return False
    try:
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    except OSError:
        return False
    a.close()
    b.close()
    return True


def memory_limit_mib() -> int:
    """The memory a worker may use before it is ended (MOMENTUM_LAB_MEMORY_MIB overrides)."""
    try:
        value = int(os.environ.get(MEMORY_ENV, ""))
    except ValueError:
        return DEFAULT_MEMORY_MIB
    return value if value > 0 else DEFAULT_MEMORY_MIB


def worker_env(scratch: str) -> dict[str, str]:
    """A minimal environment: nothing of the user's (tokens, paths), but what the OS needs."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": scratch,
        "TMPDIR": scratch,
        "TEMP": scratch,
        "TMP": scratch,
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    if WINDOWS:
        upper = {k.upper(): v for k, v in os.environ.items()}
        env.update({k: upper[k] for k in WINDOWS_KEEP if k in upper})
        env["USERPROFILE"] = scratch
    return env


def popen_kwargs() -> dict[str, Any]:
    """How to start a worker so that it, and only it, can be ended as a tree, and so that a
    Ctrl-C in the terminal reaches the grader (which ends the worker), not the worker."""
    if WINDOWS:
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    if process_groups():
        return {"start_new_session": True}
    return {}


def attach(proc: Any) -> Any:
    """Platform state for a started worker (a Windows job object), passed back to kill_tree
    and memory_reader. None where nothing is needed."""
    if WINDOWS:
        from grader.sandbox import _windows

        return _windows.Job.create(proc)
    return None


def kill_tree(proc: Any, handle: Any = None) -> None:
    """End the worker and everything it started; never raises for a process already gone."""
    if proc.poll() is not None:
        return
    if WINDOWS:
        from grader.sandbox import _windows

        _windows.kill_tree(proc, handle)
    elif process_groups():
        import signal

        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    else:
        proc.kill()


def memory_reader(proc: Any, handle: Any = None) -> tuple[Callable[[], int | None], float]:
    """(a function giving the worker's memory in bytes or None, how often to call it)."""
    if WINDOWS:
        from grader.sandbox import _windows

        return (lambda: _windows.memory_used(proc, handle)), 0.05
    if sys.platform.startswith("linux") and os.path.exists(f"/proc/{proc.pid}/statm"):
        return (lambda: _linux_rss(proc.pid)), 0.05
    # macOS and other Unixes: ps is everywhere, and slower, so ask less often.
    return (lambda: _ps_rss(proc.pid)), 0.25


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _linux_rss(pid: int) -> int | None:
    """Resident memory of the process and its descendants (a wrapper such as bwrap starts
    the worker as its child)."""
    total, todo, seen = 0, [pid], 0
    while todo and seen < 64:
        current = todo.pop()
        seen += 1
        try:
            with open(f"/proc/{current}/statm", "rb") as f:
                total += int(f.read().split()[1]) * _PAGE
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", "rb") as f:
                    todo += [int(child) for child in f.read().split()]
        except (OSError, ValueError, IndexError):
            if current == pid:
                return None
    return total


def _ps_rss(pid: int) -> int | None:
    try:
        out = subprocess.run(
            ["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, timeout=5, check=False
        ).stdout
        return int(out.split()[0]) * 1024  # ps reports KiB
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired):
        return None


def detach(handle: Any) -> None:
    """Release what attach() made (closing a job handle also ends what is left in the job)."""
    if handle is not None and hasattr(handle, "close"):
        handle.close()

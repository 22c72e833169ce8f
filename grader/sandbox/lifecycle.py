"""Every worker this process started, and ending them all at once: for Ctrl-C, SIGTERM, SIGHUP.

Kept apart from process.py (which needs numpy for the protocol) so the command line can set up
its signal handling and its defaults without importing numpy: `grader list` and `grader hint`
never run a worker.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_TIMEOUT = 5.0  # seconds each call of student code may take, unless told otherwise

_LIVE: set[Any] = set()  # the Spawned workers alive in this process
_LOCK = threading.RLock()  # re-entrant: stop_all may run in a signal handler
_STOPPED = threading.Event()


def stop_all() -> None:
    """End every worker of this process and refuse new ones: for Ctrl-C and SIGTERM. Safe in a
    signal handler (it only kills processes; `close_all` then cleans up)."""
    _STOPPED.set()
    with _LOCK:
        live = list(_LIVE)
    for spawned in live:
        spawned.kill()


def close_all() -> None:
    """Reap every worker and remove its scratch folder (after stop_all)."""
    with _LOCK:
        live = list(_LIVE)
    for spawned in live:
        spawned.close()


def clean_up_on_sigterm() -> None:
    """For a judging process of `grader grade --jobs N` (POSIX): SIGTERM, which the grader sends
    it when interrupted (and the kernel when the grader dies, see zygote.die_with_parent), ends
    this process's workers, removes their scratch folders (under the user backend a copy of a
    student's files) and then the process. Without it they went with no clean-up at all."""
    if sys.platform == "win32":
        return  # TerminateProcess runs no handler; Windows has its own job objects

    def handler(signum: int, frame: Any) -> None:
        # Whatever happens below (another thread holding the registry's lock while it starts a
        # worker, a slow disk), the process ends within seconds, as it did before.
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(5)
        _STOPPED.set()
        live: list[Any] = []
        if _LOCK.acquire(timeout=2):
            try:
                live = list(_LIVE)
            finally:
                _LOCK.release()
        for spawned in live:
            spawned.kill()
        for spawned in live:
            folder = getattr(getattr(spawned, "scratch", None), "name", None)
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def _end_pool_processes() -> None:
    """`grader grade --jobs N` judges in child processes, each with its own workers: end them
    (their workers follow, as their stdin closes) instead of waiting for their chunks."""
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is None:
        return
    for child in multiprocessing.active_children():
        try:
            child.terminate()
        except OSError:
            pass


@contextmanager
def signals_end_workers() -> Iterator[list[int]]:
    """While active (main thread only), SIGINT, SIGTERM and SIGHUP end every worker at once,
    then raise KeyboardInterrupt so `finally` blocks run. The list receives the signal numbers;
    the caller exits with 128 + the first. Previous handlers come back afterwards."""
    caught: list[int] = []

    def handler(signum: int, frame: Any) -> None:
        caught.append(signum)
        stop_all()
        _end_pool_processes()
        raise KeyboardInterrupt

    names = ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")  # SIGBREAK: Ctrl-Break on Windows
    numbers = [getattr(signal, n) for n in names if hasattr(signal, n)]
    saved = {}
    if threading.current_thread() is threading.main_thread():
        saved = {n: signal.signal(n, handler) for n in numbers}
    try:
        yield caught
    except KeyboardInterrupt:
        if not caught:
            caught.append(signal.SIGINT)
            stop_all()
    finally:
        for number, previous in saved.items():
            signal.signal(number, previous)
        if caught:
            close_all()

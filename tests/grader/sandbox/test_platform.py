"""The platform switch and what it decides: process groups, the fork server, the worker's
environment, ending a tree, reading a worker's memory."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import time

import pytest

from grader.sandbox import _windows, launchers, platform


@pytest.fixture
def portable(monkeypatch):
    monkeypatch.setenv(platform.PORTABLE_ENV, "1")


@pytest.fixture
def posix(monkeypatch):
    monkeypatch.delenv(platform.PORTABLE_ENV, raising=False)


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_the_switch_turns_the_posix_layer_off(monkeypatch, value):
    monkeypatch.setenv(platform.PORTABLE_ENV, value)
    assert platform.portable()
    assert not platform.posix_layer() and not platform.process_groups()
    assert not platform.fork_server_usable()
    assert platform.popen_kwargs() == ({"creationflags": 0x200} if platform.WINDOWS else {})


@pytest.mark.parametrize("value", ["", "0", "no"])
def test_anything_else_leaves_it_on(monkeypatch, value):
    monkeypatch.setenv(platform.PORTABLE_ENV, value)
    assert not platform.portable()
    assert platform.posix_layer() == (os.name == "posix")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the layer CI runs on Linux")
def test_on_linux_the_posix_layer_has_everything(posix):
    assert platform.process_groups()
    assert platform.fork_server_usable()
    assert platform.popen_kwargs() == {"start_new_session": True}


def test_batch_grading_falls_back_to_fresh_workers_without_the_fork_server(portable):
    launcher = launchers.batch_launcher()
    assert isinstance(launcher, launchers.FreshWorkers)
    assert launcher.alive and launcher.isolation.backend == "none"
    launcher.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is Linux's")
def test_batch_grading_uses_the_fork_server_where_it_runs(posix):
    with launchers.batch_launcher() as launcher:
        assert type(launcher).__name__ == "Zygote"


def test_a_missing_seqpacket_means_no_fork_server(posix, monkeypatch):
    # macOS: socketpair(AF_UNIX, SOCK_SEQPACKET) fails with [Errno 93].
    import socket

    def refuse(*args, **kwargs):
        raise OSError(93, "Protocol not supported")

    monkeypatch.setattr(socket, "socketpair", refuse)
    assert not platform.fork_server_usable()


def test_the_worker_environment_is_minimal(monkeypatch, tmp_path):
    monkeypatch.setenv("API_TOKEN", "secret")
    env = platform.worker_env(str(tmp_path))
    assert "API_TOKEN" not in env and "secret" not in env.values()
    assert env["HOME"] == env["TMPDIR"] == env["TEMP"] == env["TMP"] == str(tmp_path)
    assert env["PATH"] == os.environ.get("PATH", os.defpath)


def test_on_windows_the_worker_keeps_what_windows_needs(monkeypatch, tmp_path):
    monkeypatch.setattr(platform, "WINDOWS", True)
    for name, value in {"SystemRoot": r"C:\Windows", "PATHEXT": ".COM;.EXE", "windir": "W",
                        "COMSPEC": "cmd.exe", "API_TOKEN": "secret"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    env = platform.worker_env(str(tmp_path))
    assert env["SYSTEMROOT"] == r"C:\Windows" and env["PATHEXT"] == ".COM;.EXE"
    assert env["WINDIR"] == "W" and env["COMSPEC"] == "cmd.exe"
    assert env["USERPROFILE"] == env["TEMP"] == str(tmp_path)
    assert "API_TOKEN" not in env


def test_the_windows_structures_have_windows_sizes():
    # x64 sizes from the Windows SDK; checked anywhere, so a typo shows up on Linux CI.
    if ctypes.sizeof(ctypes.c_void_p) != 8:
        pytest.skip("the sizes below are the 64-bit ones")
    assert ctypes.sizeof(_windows.BasicLimits) == 64
    assert ctypes.sizeof(_windows.IoCounters) == 48
    assert ctypes.sizeof(_windows.ExtendedLimits) == 144
    assert ctypes.sizeof(_windows.MemoryCounters) == 72


@pytest.mark.parametrize("value", ["300", "abc", "-5", ""])
def test_the_memory_limit(monkeypatch, value):
    monkeypatch.setenv(platform.MEMORY_ENV, value)
    expected = 300 if value == "300" else platform.DEFAULT_MEMORY_MIB
    assert platform.memory_limit_mib() == expected


SPAWNS_A_CHILD = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(60)\n"
)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")
def test_kill_tree_ends_the_children_too_with_process_groups(posix):
    proc = subprocess.Popen([sys.executable, "-c", SPAWNS_A_CHILD], stdout=subprocess.PIPE,
                            **platform.popen_kwargs())  # fmt: skip
    child = int(proc.stdout.readline())
    platform.kill_tree(proc)
    proc.wait()
    for _ in range(100):
        if not _alive(child):
            break
        time.sleep(0.05)
    assert not _alive(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_memory_counts_the_whole_tree():
    # A wrapper (bwrap, a venv launcher) whose child holds the memory.
    script = "import time; x = bytes(1) * (150 << 20); time.sleep(30)"
    proc = subprocess.Popen(["/bin/sh", "-c", f"{sys.executable} -c '{script}'; true"],
                            start_new_session=True)  # fmt: skip
    try:
        read, every = platform.memory_reader(proc)
        used = 0
        for _ in range(200):
            used = read() or 0
            if used > 150 << 20:
                break
            time.sleep(0.05)
        assert 150 << 20 < used < 400 << 20 and every <= 0.25
    finally:
        platform.kill_tree(proc)
        proc.wait()


LOOP = "def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):\n    while True: pass\n"


def test_the_portable_judge_needs_no_killpg_and_no_select(portable, monkeypatch, tmp_path):
    # As on Windows: these do not exist. A looping call must still end in a timeout.
    import select

    import numpy as np

    from grader.sandbox.process import run_calls
    from grader.sandbox.protocol import Call
    from helpers import append, make_course

    for name in ("killpg", "setsid", "getpgid"):
        monkeypatch.delattr(os, name, raising=False)
    monkeypatch.delattr(select, "select")
    monkeypatch.delattr(select, "poll", raising=False)
    course = make_course(tmp_path, files=append("momentum.py", LOOP))
    call = Call("c", "momentum", "momentum_step", (np.zeros(2), np.zeros(2), np.ones(2)))
    outcome = run_calls([call], course / "exercises", timeout=1.0)["c"]
    assert outcome.status == "timeout"


WITHOUT_RESOURCE = (
    "import sys, runpy\n"
    "sys.modules['resource'] = None  # import resource raises ImportError, as on Windows\n"
    "worker = sys.argv[1]\n"
    "sys.argv = [worker, *sys.argv[2:]]\n"
    "runpy.run_path(worker, run_name='__main__')\n"
)


@pytest.mark.parametrize("layer", ["posix", "portable"])
def test_the_worker_runs_without_the_resource_module(layer, monkeypatch, tmp_path):
    from dataclasses import replace

    import numpy as np

    from grader.sandbox.process import WORKER, run_calls
    from grader.sandbox.protocol import Call
    from helpers import make_course

    if layer == "portable":
        monkeypatch.setenv(platform.PORTABLE_ENV, "1")

    def wrap(command):
        # The same worker and arguments, started through a shim that hides `resource`.
        argv = [sys.executable, "-I", "-B", "-c", WITHOUT_RESOURCE, str(WORKER), *command.argv[-2:]]
        return replace(command, argv=argv)

    course = make_course(tmp_path)
    call = Call("c", "momentum", "momentum_step", (np.ones(2), np.zeros(2), np.ones(2)))
    outcome = run_calls([call], course / "exercises", wrap=wrap)["c"]
    assert outcome.status == "ok", outcome
    np.testing.assert_allclose(outcome.value.items[0].array, [0.9, 0.9])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="compares with /proc")
def test_ps_reads_the_same_memory_as_proc():
    # macOS has no /proc: the watchdog asks `ps -o rss=` there.
    script = "import time; x = bytes(1) * (120 << 20); print(flush=True); time.sleep(30)"
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    try:
        proc.stdout.readline()
        by_ps, by_proc = platform._ps_rss(proc.pid), platform._linux_rss(proc.pid)
        assert by_ps is not None and by_proc is not None
        assert by_ps > 120 << 20 and abs(by_ps - by_proc) < 16 << 20
    finally:
        proc.kill()
        proc.wait()

"""grader.sandbox.isolation: choosing a backend, the bubblewrap command line, the fork server
under bubblewrap, and `grader grade --isolation required` when nothing can isolate."""

from __future__ import annotations

import ast
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from grader.sandbox import isolation
from grader.sandbox.isolation import Isolation, IsolationUnavailable
from helpers import REPO

LINUX = sys.platform.startswith("linux")
needs_bwrap = pytest.mark.skipif(not LINUX, reason="bubblewrap needs Linux")


def test_none_is_none_and_bad_modes_are_refused() -> None:
    assert isolation.choose("none") == Isolation("none")
    assert "audit hook" in isolation.choose("none").describe()
    with pytest.raises(ValueError, match="auto, required, none"):
        isolation.choose("strong")


def test_required_without_any_backend_says_how_to_install(monkeypatch) -> None:
    monkeypatch.setattr(isolation, "_bwrap", lambda: Isolation("none", notes=("no bwrap",)))
    monkeypatch.setattr(isolation, "_user", lambda protect: Isolation("none", notes=("no root",)))
    with pytest.raises(IsolationUnavailable) as caught:
        isolation.choose("required")
    assert "apt-get install bubblewrap" in str(caught.value)
    assert "no bwrap" in str(caught.value) and "no root" in str(caught.value)
    auto = isolation.choose("auto")
    assert auto.backend == "none" and auto.notes == ("no bwrap", "no root")


def test_grade_required_exits_2_with_a_clear_error(monkeypatch, capsys, tmp_path) -> None:
    from grader.cli import main

    monkeypatch.setattr(isolation, "_bwrap", lambda: Isolation("none", notes=("no bwrap",)))
    monkeypatch.setattr(isolation, "_user", lambda protect: Isolation("none"))
    (tmp_path / "alice").mkdir()
    code = main(["grade", str(tmp_path / "alice"), "--out", str(tmp_path / "out"),
                 "--isolation", "required", "--path", str(REPO)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("grader: error: --isolation required") and "bubblewrap" in err


def test_bwrap_command_shows_only_the_interpreter_and_the_students_files(tmp_path) -> None:
    iso = Isolation("bwrap", "/usr/bin/bwrap", True)
    exercises = tmp_path / "staged" / "alice" / "exercises"
    worker = str(isolation.HERE / "worker.py")
    command = [sys.executable, "-I", "-B", worker, str(exercises), "[]"]
    env = {"PATH": "/usr/bin", "HOME": "/x"}
    argv, env = iso.wrap(command, env, str(tmp_path), str(exercises))
    for flag in ("--unshare-all", "--die-with-parent", "--new-session", "--size"):
        assert flag in argv
    command = argv[argv.index("--") + 1 :]
    assert command[3] == "/opt/momentum-lab/worker.py" and command[4] == "/sandbox/exercises"
    assert env["HOME"] == "/sandbox"
    sources = [argv[i + 1] for i, a in enumerate(argv) if a in ("--bind", "--ro-bind")]
    assert str(exercises) in sources
    for secret in (REPO / "solutions", REPO / "grader" / "checks", tmp_path / "staged"):
        assert str(secret) not in sources
    assert not any(s in ("/", "/home", "/root", "/tmp", "/proc") for s in sources)


def test_unreadable_by_others_removes_only_the_others_bits(tmp_path) -> None:
    folder = tmp_path / "solutions"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    link = tmp_path / "link"
    link.symlink_to(folder)
    closed = tmp_path / "closed"
    closed.mkdir()
    closed.chmod(0o750)
    assert isolation.unreadable_by_others([folder, link, closed, tmp_path / "absent"]) == [folder]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750


@needs_bwrap
@pytest.mark.platform("bubblewrap needs Linux")
def test_auto_picks_bubblewrap_where_it_is_installed() -> None:
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is not installed: .ci/run installs it (apt-get install bubblewrap)")
    chosen = isolation.choose("auto")
    assert chosen.backend == "bwrap", chosen.describe()
    assert chosen.describe().startswith("bubblewrap")


SPY = """
import os
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    seen = sorted(os.listdir("/"))
    procs = sorted(os.listdir("/proc"))
    raise RuntimeError(f"root={seen} proc={procs} pid={os.getpid()} ppid={os.getppid()}")
"""
LOOP = """
import os, sys, _posixsubprocess
def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    while True:
        pass
"""


@needs_bwrap
@pytest.mark.platform("bubblewrap needs Linux")
@pytest.mark.parametrize("fresh", [False, True], ids=["fork-server", "fresh"])
def test_an_isolated_worker_sees_only_its_sandbox(tmp_path, fresh) -> None:
    from grader.judge import cases
    from grader.sandbox.process import run_calls
    from grader.sandbox.zygote import Zygote
    from helpers import exercises

    iso = isolation.choose("required")
    if iso.backend != "bwrap":
        pytest.fail(f"bubblewrap is needed here, got {iso.describe()}")
    folder = tmp_path / "exercises"
    shutil.copytree(REPO / "solutions", folder)
    with open(folder / "momentum.py", "a", encoding="utf-8") as handle:
        handle.write(SPY + LOOP)
    calls = [c.call() for c in cases.build(exercises("momentum_step", "optimize"), 5)]
    if fresh:
        outcomes = run_calls(calls, folder, 1.0, launcher=iso.launcher())
    else:
        with Zygote(iso) as zygote:
            outcomes = run_calls(calls, folder, 1.0, launcher=zygote)
            assert zygote.alive
    spied = next(o for o in outcomes.values() if o.error_type == "RuntimeError")
    tail = spied.error.rsplit("RuntimeError", 1)[1]
    assert "pid=1 ppid=0" in tail or "pid=2 ppid=1" in tail  # its own pid namespace
    message = spied.error.rsplit("RuntimeError: ", 1)[1]
    root = set(ast.literal_eval(message.split("root=")[1].split(" proc=")[0]))
    system = {"sandbox", "tmp", "proc", "dev", "usr", "bin", "sbin", "etc", "opt"}
    system |= {"lib", "lib32", "lib64", "libx32"}
    python = {Path(p).parts[1] for p in isolation._python_roots()}
    assert "sandbox" in root and root <= system | python, root
    if not fresh:
        assert "proc=[]" in message  # no process is visible, not even the server
    looped = [o for o in outcomes.values() if o.status == "timeout"]
    assert looped and all(o.status in ("timeout",) for o in looped)
    leftovers = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and str(folder).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                leftovers.append(pid)
        except OSError:
            pass
    assert leftovers == []


def test_the_spawn_hook_wraps_a_worker_command(tmp_path) -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Command:  # the fields of process.WorkerCommand that the hook reads
        argv: list[str]
        env: dict[str, str]
        cwd: str
        exercises_dir: str

    worker = str(isolation.HERE / "worker.py")
    scratch = str(tmp_path / "scratch")
    exercises = str(tmp_path / "exercises")
    env = {"PATH": "/usr/bin", "HOME": scratch, "TEMP": scratch, "LANG": "C.UTF-8"}
    command = Command([sys.executable, "-I", "-B", worker, exercises, "[]"], env, scratch,
                      exercises)  # fmt: skip
    wrapped = Isolation("bwrap", "/usr/bin/bwrap").wrap_command(command)
    assert wrapped.argv[0] == "/usr/bin/bwrap" and wrapped.argv[-2:] == ["/sandbox/exercises", "[]"]
    assert wrapped.env == {"PATH": "/usr/bin", "HOME": "/sandbox", "TEMP": "/sandbox",
                           "TMPDIR": "/sandbox", "LANG": "C.UTF-8"}  # fmt: skip
    assert Isolation("none").wrap_command(command) == command


HIDDEN_MUTATION = """
import sys as _sys
import numpy as _np
_right = momentum_step
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    out = _right(theta, velocity, grad, lr, beta)
    if isinstance(grad, _np.ndarray):
        grad[...] = 7
    try:
        _sys._getframe(1).f_locals["before"].clear()
    except Exception:
        pass
    return out
"""


@needs_bwrap
@pytest.mark.platform("bubblewrap needs Linux")
def test_without_nested_namespaces_batch_workers_start_fresh_under_bwrap(tmp_path) -> None:
    from grader.course import load_course
    from grader.instructor.batch import close_workers, grade
    from grader.sandbox.zygote import Zygote

    path = shutil.which("bwrap")
    if path is None:
        pytest.fail("bubblewrap is not installed: .ci/run installs it (apt-get install bubblewrap)")
    fresh = Isolation("bwrap", path, True, nested=False)
    with Zygote(fresh) as zygote:
        assert zygote.alive and not hasattr(zygote, "_proc")  # no server: fresh workers
    subs = tmp_path / "subs"
    shutil.copytree(REPO / "solutions", subs / "alice" / "exercises")
    shutil.copytree(REPO / "exercises", subs / "bob" / "exercises")
    # Right answers, a changed argument hidden from the worker: the judge reads the arguments'
    # file, which bubblewrap binds into the fresh worker's sandbox (see sandbox/shared.py).
    hider = subs / "carol" / "exercises"
    shutil.copytree(REPO / "solutions", hider)
    with open(hider / "momentum.py", "a", encoding="utf-8") as handle:
        handle.write(HIDDEN_MUTATION)
    try:
        batch = grade(load_course(REPO), [subs], tmp_path / "out", seed=4, jobs=1,
                      isolation=fresh)  # fmt: skip
    finally:
        close_workers()
    totals = {row.student: row.total for row in batch.rows}
    assert batch.isolation == "bwrap" and totals["alice"] == 14.0 and totals["bob"] == 0.0
    carol = next(row for row in batch.rows if row.student == "carol")
    assert 0 < carol.scores["momentum_step"] < 4  # right values, but "unchanged" failed


def test_an_installed_grader_inside_a_bound_folder_is_covered() -> None:
    grader = str(isolation.HERE.parent)
    assert isolation._hidden(["/"]) == [grader]
    assert isolation._hidden([grader]) == [grader]
    assert isolation._hidden(["/nonexistent-folder", str(isolation.HERE.parent.parent / "x")]) == []


GRADER_SPY = """
import os
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    raise RuntimeError("listing=" + repr(sorted(os.listdir({grader!r}))))
"""


@needs_bwrap
@pytest.mark.platform("bubblewrap needs Linux")
def test_the_grader_folder_shows_empty_when_a_bound_folder_holds_it(tmp_path, monkeypatch):
    from grader.judge import cases
    from grader.sandbox.process import run_calls
    from helpers import exercises

    iso = isolation.choose("required")
    if iso.backend != "bwrap":
        pytest.fail(f"bubblewrap is needed here, got {iso.describe()}")
    grader = str(isolation.HERE.parent)
    roots = isolation._python_roots()
    monkeypatch.setattr(isolation, "_python_roots", lambda: [*roots, str(REPO)])
    folder = tmp_path / "exercises"
    shutil.copytree(REPO / "solutions", folder)
    with open(folder / "momentum.py", "a", encoding="utf-8") as handle:
        handle.write(GRADER_SPY.format(grader=grader))
    calls = [c.call() for c in cases.build(exercises("momentum_step"), 5)]
    outcomes = run_calls(calls, folder, 5.0, launcher=iso.launcher())
    spied = next(o for o in outcomes.values() if o.error_type == "RuntimeError")
    assert spied.error.rsplit("RuntimeError: ", 1)[1].strip() == "listing=[]"


def test_the_view_shows_the_venvs_config(tmp_path, monkeypatch) -> None:
    # Without its pyvenv.cfg the interpreter inside the sandbox does not know it is a venv and
    # finds no numpy: sys.prefix is not the venv on Python 3.10 started with -S.
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").write_text("")
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    args = isolation.view()
    at = args.index(str(tmp_path / "pyvenv.cfg"))
    assert args[at - 1] == "--ro-bind" and args[at + 1] == str(tmp_path / "pyvenv.cfg")


def test_the_probe_says_when_numpy_cannot_be_found() -> None:
    # What the sandbox's interpreter sees is what the probe sees: without site, no numpy.
    server = isolation.HERE / "_zygote.py"
    done = subprocess.run([sys.executable, "-I", "-S", str(server), "--probe"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.stdout.startswith("numpy cannot be found inside the sandbox"), done

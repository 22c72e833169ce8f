"""Isolation from the operating system for workers that run other people's code.

The audit hook in worker.py is a Python-level guard: it turns honest mistakes into clear errors,
but a deny list of Python events misses routes nobody listed (``dir_fd``, C functions with no
audit event). When the code may be hostile (`grader grade`, Gradescope), the worker also runs
under one of these backends, strongest first:

- ``bwrap``: bubblewrap. New user, pid, network, ipc, uts and mount namespaces; the worker sees
  a read-only view of the interpreter and its packages, the three worker files at a neutral
  path, a minimal /dev, its own /proc, and a private size-capped tmpfs holding a copy of the
  student's files. No course folder, solutions, grader, other students, output folder or
  other processes; killed with its parent.
- ``user``: the grader runs as root without bubblewrap (a Gradescope container): each worker
  runs as its own unprivileged uid, so it cannot signal the judge, the fork server or another
  worker, nor read files that are not readable by everybody; the protected folders are made
  unreadable to others. The network is not isolated.
- ``none``: the audit hook only.

`choose(mode)` picks one: ``auto`` (the strongest that works here), ``required`` (bwrap or user,
else `IsolationUnavailable`), ``none``. The fork server (zygote.py) uses the choice for every
worker it starts; `Isolation.launcher()` is the same for fresh workers.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORKER_FILES = ("worker.py", "protocol.py", "surfaces.py", "_zygote.py")
INNER_LIB = "/opt/momentum-lab"  # where the worker files are seen inside the sandbox
SANDBOX = (
    "/sandbox"  # the private tmpfs: the worker's cwd, HOME and the copy of the student's files
)
INNER_EXERCISES = SANDBOX + "/exercises"
ARGUMENTS = ".momentum-args"  # the file of the calls' array arguments (see shared.py)
SCRATCH_BYTES = 64 * 1024 * 1024  # above staging's 20 MiB per submission
UID_BASE = 10_000_000  # user backend: worker uid = UID_BASE + its pid, unique while it lives
MODES = ("auto", "required", "none")
INSTALL_HINT = (
    "Install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf "
    "install bubblewrap`), or run as root so workers can run as a separate user"
)


class IsolationUnavailable(Exception):
    """`--isolation required` was asked for and no backend works on this machine."""


@dataclass(frozen=True)
class Isolation:
    """A chosen backend; picklable, so judging processes get the same one."""

    backend: str = "none"  # "bwrap" | "user" | "none"
    bwrap: str = ""  # path of the bwrap binary
    sized: bool = True  # bwrap supports --size and --perms (0.5 and later)
    nested: bool = True  # workers may make their own namespaces inside (the fork server's way)
    notes: tuple[str, ...] = ()

    @property
    def isolated(self) -> bool:
        return self.backend != "none"

    def describe(self) -> str:
        """One line for the instructor: what student code can and cannot reach."""
        if self.backend == "bwrap":
            cap = f"{SCRATCH_BYTES >> 20} MiB" if self.sized else "unsized"
            text = (
                "bubblewrap (own user, pid, network, ipc and mount namespaces; read-only "
                f"interpreter; {cap} private scratch)"
            )
        elif self.backend == "user":
            text = "separate user per worker (no namespaces: the network is not isolated)"
        else:
            text = "none (Python audit hook only)"
        return "; ".join((text, *self.notes))

    # ---- fresh workers (one process per run, as `grader check` starts them) ----------------

    def wrap(
        self, argv: list[str], env: dict[str, str], scratch_dir: str, exercises_dir: str
    ) -> tuple[list[str], dict[str, str]]:
        """The worker command line and environment under this backend.

        `argv` is ``[python, -I, -B, worker.py, ..., EXERCISES_DIR, FORBIDDEN]``. No preexec
        function: the judge has threads, and a preexec_fn is not safe with threads."""
        argv = list(argv)
        if self.backend == "bwrap":
            env = inner_env(env, scratch_dir)
            inner = [_inner(a) for a in argv]
            inner = [INNER_EXERCISES if a == exercises_dir else a for a in inner]
            binds = ["--ro-bind", exercises_dir, INNER_EXERCISES]
            arguments = Path(scratch_dir) / ARGUMENTS  # see shared.py: the judge reads it too
            if arguments.is_file():
                binds += ["--bind", str(arguments), f"{SANDBOX}/{ARGUMENTS}"]
            return [*self.bwrap_args(scratch=True), *binds, "--chdir", SANDBOX, "--", *inner], env
        if self.backend == "user":
            uid = UID_BASE + _next_slot()
            private = Path(scratch_dir)
            copy = private / "exercises"
            shutil.copytree(exercises_dir, copy, symlinks=True)
            lib = private / ".worker"
            lib.mkdir()
            for name in WORKER_FILES:
                shutil.copyfile(HERE / name, lib / name)
            for path in (private, *private.rglob("*")):
                os.lchown(path, uid, uid)
            argv = [str(lib / Path(a).name) if _is_worker_file(a) else a for a in argv]
            argv = [str(copy) if a == exercises_dir else a for a in argv]
            setpriv = shutil.which("setpriv") or "setpriv"
            ids = [f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs"]
            return [setpriv, *ids, "--", *argv], env
        return argv, env

    def wrap_command(self, command: Any) -> Any:
        """The same as `wrap`, as a hook for `process.spawn(..., wrap=...)`: takes and returns
        a WorkerCommand (argv, env, cwd, exercises_dir, ...)."""
        argv, env = self.wrap(command.argv, command.env, command.cwd, command.exercises_dir)
        return dataclasses.replace(command, argv=argv, env=env)

    def launcher(self) -> FreshLauncher:
        """A launcher for `run_calls(..., launcher=...)` that starts fresh workers wrapped."""
        return FreshLauncher(self)

    # ---- bubblewrap ------------------------------------------------------------------------

    def bwrap_args(self, scratch: bool) -> list[str]:
        """bwrap and its options up to the command: namespaces, the read-only view, /proc,
        /dev and (for a fresh worker) the private tmpfs at /sandbox."""
        args = [self.bwrap, "--unshare-all", "--unshare-user", "--die-with-parent"]
        args += ["--new-session", "--uid", "65534", "--gid", "65534", "--hostname", "sandbox"]
        args += view()
        for name in WORKER_FILES:
            args += ["--ro-bind", str(HERE / name), f"{INNER_LIB}/{name}"]
        args += ["--proc", "/proc", "--dev", "/dev"]
        if scratch:
            if self.sized:
                args += ["--size", str(SCRATCH_BYTES), "--perms", "0700"]
            args += ["--tmpfs", SANDBOX]
        else:  # the fork server: each child mounts its own tmpfs there (see _zygote.py)
            args += ["--dir", SANDBOX]
        # No tmpfs on /tmp: a venv may live there (CI's do), and TMPDIR points at /sandbox.
        return [*args, "--remount-ro", "/"]


class FreshLauncher:
    """Starts each worker as a fresh process under the backend; what batch grading uses where
    the fork server cannot give each worker its own namespaces. Shaped like a Zygote (alive,
    close, isolation) so the batch can hold either."""

    alive = True

    def __init__(self, isolation: Isolation) -> None:
        self.isolation = isolation

    def __call__(self, argv: list[str], env: dict[str, str], cwd: str, out_fd: int,
                 proto_fd: int) -> Any:  # fmt: skip
        from grader.sandbox import process

        argv, env = self.isolation.wrap(argv, env, cwd, argv[-2])
        return process.popen(argv, env, cwd, out_fd, proto_fd)

    def close(self) -> None:
        pass


def inner_env(env: dict[str, str], scratch_dir: str) -> dict[str, str]:
    """The environment inside bubblewrap: what pointed at the scratch folder (HOME, TMPDIR,
    TEMP, ...) points at the private tmpfs, which is the scratch there."""
    inner = {k: SANDBOX if v.rstrip("/") == scratch_dir.rstrip("/") else v for k, v in env.items()}
    return {**inner, "HOME": SANDBOX, "TMPDIR": SANDBOX}


def _inner(arg: str) -> str:
    return f"{INNER_LIB}/{Path(arg).name}" if _is_worker_file(arg) else arg


def _is_worker_file(arg: str) -> bool:
    path = Path(arg)
    return path.name in WORKER_FILES and path.parent.resolve() == HERE


_SLOT = [0]


def _next_slot() -> int:
    # Fresh workers in the user backend: pid of this judge * 1000 + a counter keeps uids of
    # concurrent judges apart; the offset keeps them apart from the fork server's, which are
    # UID_BASE + the worker's pid (pids stay below 2**22).
    _SLOT[0] = (_SLOT[0] + 1) % 1000
    return (1 << 22) + (os.getpid() % 100_000) * 1000 + _SLOT[0]


def view() -> list[str]:
    """Read-only binds of the interpreter, its standard library and packages, and the system
    libraries they load; everything else of the machine is absent. Protected folders that lie
    inside one of these (an installed grader in site-packages) are covered by an empty tmpfs."""
    args: list[str] = []
    bound: list[str] = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
            bound.append(top)
    for file in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        if os.path.exists(file):
            args += ["--ro-bind", file, file]
    # A venv's pyvenv.cfg makes the interpreter find the venv's packages; it lies outside the
    # roots when sys.prefix is not the venv (Python 3.10 started with -S).
    config = Path(sys.executable).parent.parent / "pyvenv.cfg"
    if config.is_file():
        args += ["--ro-bind", str(config), str(config)]
    for root in _python_roots():
        args += ["--ro-bind", root, root]
        bound.append(root)
    for hidden in _hidden(bound):
        args += ["--tmpfs", hidden, "--remount-ro", hidden]  # empty, and nobody writes there
    return args


def _python_roots() -> list[str]:
    found: list[str] = []
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    executable = sys.executable
    candidates += [os.path.dirname(executable), os.path.dirname(os.path.realpath(executable))]
    try:
        import numpy

        candidates.append(os.path.dirname(os.path.dirname(os.path.realpath(numpy.__file__))))
    except ImportError:  # the worker will say so itself
        pass
    for path in candidates:
        for form in (os.path.abspath(path), os.path.realpath(path)):
            if os.path.isdir(form) and not form.startswith(("/usr/", "/lib")) and form != "/usr":
                found.append(form)
    found = sorted(set(found), key=len)
    # Keep the outermost: binding /a then /a/b again would only waste a mount.
    return [p for i, p in enumerate(found) if not any(_inside(p, q) for q in found[:i])]


def _hidden(roots: Iterable[str]) -> list[str]:
    """The grader's own folder (hidden checks, recorded reference) if a bind would show it,
    as when it is installed in site-packages or under /usr/local."""
    grader = str(HERE.parent)
    roots = [os.path.realpath(r) for r in roots]
    return [grader] if any(_inside(grader, r) for r in roots) else []


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


# ---- choosing --------------------------------------------------------------------------------


def choose(mode: str = "auto", protect: Iterable[Path] = ()) -> Isolation:
    """The backend for `mode` (auto | required | none). `protect`: folders workers must not
    read (solutions, output); the user backend makes them unreadable to other users."""
    if mode not in MODES:
        raise ValueError(f"isolation must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "none":
        return Isolation("none")
    found = _bwrap()
    reasons = [found.notes[0]] if not found.isolated and found.notes else []
    if found.isolated:
        return found
    user = _user(list(protect))
    if user.isolated:
        return Isolation("user", notes=(*user.notes, *reasons))
    reasons += list(user.notes)
    if mode == "required":
        why = "; ".join(reasons) or "no isolation backend works here"
        raise IsolationUnavailable(
            f"--isolation required, but student code cannot be isolated here ({why}). "
            f"{INSTALL_HINT}"
        )
    return Isolation("none", notes=tuple(reasons))


@functools.lru_cache(maxsize=1)
def _bwrap() -> Isolation:
    """bubblewrap, if it is installed and can build our sandbox here (containers often forbid
    the namespaces it needs). Probed once per process with the real options."""
    if not sys.platform.startswith("linux"):
        return Isolation("none", notes=("bubblewrap needs Linux",))
    path = shutil.which("bwrap")
    if path is None:
        return Isolation("none", notes=("bubblewrap (bwrap) is not installed",))
    sized = _bwrap_version(path) >= (0, 5)
    iso = Isolation("bwrap", path, sized)
    # The probe makes the nested namespaces each forked worker makes (see _zygote.py).
    argv = [*iso.bwrap_args(scratch=False), "--", sys.executable, "-I", "-B",
            f"{INNER_LIB}/_zygote.py", "--probe"]  # fmt: skip
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Isolation("none", notes=(f"bubblewrap could not start ({exc})",))
    notes = () if sized else ("this bubblewrap cannot cap the scratch size (needs 0.5+)",)
    if done.returncode == 0 and done.stdout.strip() == "ok":
        return Isolation("bwrap", path, sized, notes=notes)
    detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
    # Some systems (Ubuntu 24.04's AppArmor rules) let bwrap make namespaces but nothing inside
    # it: then each worker is a fresh process under its own bwrap, slower but as isolated.
    fresh = Isolation("bwrap", path, sized, nested=False)
    argv = [*fresh.bwrap_args(scratch=True), "--chdir", SANDBOX, "--", sys.executable, "-I",
            "-B", "-c", "import numpy; print('ok')"]  # fmt: skip
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Isolation("none", notes=(f"bubblewrap could not start ({exc})",))
    if done.returncode != 0 or done.stdout.strip() != "ok":
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or detail
        return Isolation("none", notes=(f"bubblewrap cannot make a sandbox here: {detail[0]}",))
    slower = "each worker starts fresh: this system allows no namespaces inside bubblewrap"
    return Isolation("bwrap", path, sized, nested=False, notes=(*notes, slower))


def _bwrap_version(path: str) -> tuple[int, ...]:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
        return tuple(int(p) for p in out.stdout.split()[-1].split(".")[:2])
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired):
        return (0,)


def _user(protect: list[Path]) -> Isolation:
    """Workers as their own uid: only as root, and only if such a uid can run the
    interpreter with numpy. Protected folders readable by others are made unreadable."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return Isolation("none", notes=("not running as root, so no separate worker user",))
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return Isolation("none", notes=("setpriv (util-linux) is missing",))
    uid = str(UID_BASE)
    probe = [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
             sys.executable, "-I", "-c", "import numpy"]  # fmt: skip
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=60, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Isolation("none", notes=(f"cannot start a worker as another user ({exc})",))
    if done.returncode != 0:
        return Isolation("none", notes=(
            f"an unprivileged user cannot run {sys.executable} with numpy (make the "
            "interpreter and its packages readable by all users)",
        ))  # fmt: skip
    fixed = unreadable_by_others(protect)
    notes = (f"made unreadable to other users: {', '.join(map(str, fixed))}",) if fixed else ()
    return Isolation("user", notes=notes)


def unreadable_by_others(paths: Iterable[Path]) -> list[Path]:
    """Remove the read and search bits for "other" on each existing folder or file that an
    unprivileged user could reach; returns the ones changed."""
    changed = []
    for path in paths:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode) or not mode & 0o007:
            continue
        os.chmod(path, stat.S_IMODE(mode) & ~0o007)
        changed.append(Path(path))
    return changed

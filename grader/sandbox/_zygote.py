"""Fork server for batch grading: start the sandbox worker without paying for Python and numpy.

Started by grader.sandbox.zygote as ``python -I -B _zygote.py CONTROL_FD`` (under bubblewrap
when the backend is ``bwrap``: then this process sees only the interpreter and the worker
files). It loads ``worker.py`` (which imports numpy) once and then waits. For each request on
the control socket (a JSON message plus file descriptors: the worker's stdin, its
stdout/stderr, its protocol pipe, then one read-only fd per file of the student's submission)
it forks a child that becomes exactly what ``python -I -B worker.py`` would have been: own
session, own scratch folder as cwd, the same environment, fds 0-3 only, then
``worker.main()``, which sets the limits, installs the audit hook and runs the student's calls.

Isolation per child (``request["isolate"]``):
- ``bwrap``: the child makes new user, mount, pid, ipc, uts and network namespaces, mounts a
  private size-capped tmpfs on /sandbox (its cwd, HOME and TMPDIR), copies the student's files into
  it, and forks the worker as pid 1 of its own pid namespace with a fresh /proc, no
  capabilities and no_new_privs. The worker cannot see or signal this server, the judge or
  another worker. The child waits for it and exits the same way.
- ``user``: the child copies the files into its scratch folder, gives it to its own uid
  (UID_BASE + pid, unique while it lives) and drops to that uid before becoming the worker.
- ``none``: the worker reads the staged folder where it is.

This process never runs student code and never reads a submission. It only reports each child's
pid (with a pidfd of the worker under ``bwrap``, whose pids are not the judge's) and, when the
child ends, its exit status. ``--probe`` checks that the namespaces can be made here.
"""

import os
import sys

# _worker removes our folder from sys.path at import (as it does for itself), so student code
# cannot import grader modules by plain name.
_HERE = os.path.dirname(os.path.abspath(__file__))
_WORKER = os.path.join(_HERE, "worker.py")

import ctypes  # noqa: E402
import fcntl  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402

worker = None  # worker.py, loaded by main() once (not for --probe, which needs no numpy)

STD_FDS = 3  # stdin, stdout/stderr, protocol
SHARED_FD = 4  # the file of array arguments, when the request says "shared" (as shared.FD)
MAX_FDS = 253  # SCM_MAX_FD: the three above and up to 250 files
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = (
    0x08000000,
    0x10000000,
    0x20000000,
    0x40000000,
)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
SANDBOX = "/sandbox"
UID_BASE = 10_000_000  # as isolation.UID_BASE

_libc = None


def _c(name, *args):
    """Call a libc function; raise OSError when it fails."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if getattr(_libc, name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}: {os.strerror(err)}")


def _write(path, text):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _mount(source, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    _c("mount", enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data))


def _not_dumpable():
    """Other processes of the same user cannot read this one's memory through /proc."""
    try:
        _c("prctl", PR_SET_DUMPABLE, 0, 0, 0, 0)
    except Exception:  # noqa: BLE001 - not Linux, or no libc: the audit hook still applies
        pass


# ---- the namespaces of one worker (bwrap backend) ------------------------------------------


def enter_namespaces(size):
    """In the child: own user/mount/pid/ipc/uts/net namespaces and a private tmpfs at /sandbox."""
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    _c("unshare", flags | CLONE_NEWNET | CLONE_NEWCGROUP)
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
    _write("/proc/self/gid_map", f"{gid} {gid} 1\n")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    options = "mode=0700" + (f",size={size}" if size else "")
    _mount("tmpfs", SANDBOX, "tmpfs", MS_NOSUID | MS_NODEV, options)


def become_pid1():
    """In the worker, pid 1 of its namespace: no /proc, then no capabilities at all.

    A fresh procfs cannot be mounted under bubblewrap (the kernel refuses one while the
    parent's /proc is partly covered), so the server's /proc is covered by an empty read-only
    tmpfs instead: the worker sees no process, not even itself, and the cover cannot be lifted
    without capabilities (or, from a namespace of its own, at all: the mounts are locked)."""
    _c("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC
    _mount("tmpfs", "/proc", "tmpfs", flags, "size=4096,mode=0555")
    _c("sethostname", b"sandbox", 7)
    _c("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: all empty
    _c("capset", header, data)


def copy_files(names, fds, folder, owner=None):
    """The student's files, from the fds the judge opened, into `folder` (a fresh copy)."""
    os.makedirs(folder, exist_ok=True)
    for name, fd in zip(names, fds, strict=True):
        parts = name.split("/")
        if name.startswith("/") or any(p in ("", ".", "..") for p in parts):
            continue  # the judge sends relative names; anything else is ignored
        target = os.path.join(folder, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            while chunk := os.read(fd, 1 << 20):
                os.write(out, chunk)
        finally:
            os.close(out)
            os.close(fd)
    if owner is not None:
        for root, dirs, files in os.walk(folder):
            for entry in [root, *(os.path.join(root, f) for f in dirs + files)]:
                os.lchown(entry, owner, owner)


def _mirror(status):
    """Exit as the worker did, so the judge sees its signal or code."""
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 128 - code)


# ---- one request ----------------------------------------------------------------------------


def child(request, fds, report_fd):
    """In the forked child: become the worker (or, under bwrap, its parent). Never returns."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        shared = STD_FDS + 1 if request.get("shared") else STD_FDS  # + the arguments' file
        std, files = fds[:shared], fds[shared:]
        isolate = request.get("isolate") or {}
        mode = isolate.get("mode", "none")
        cwd = request["cwd"]
        if mode == "bwrap":
            enter_namespaces(int(isolate.get("size") or 0))
            copy_files(request.get("files", []), files, os.path.join(SANDBOX, "exercises"))
            cwd = SANDBOX
        elif mode == "user":
            uid = UID_BASE + os.getpid()
            copy_files(request.get("files", []), files, os.path.join(cwd, "exercises"), uid)
            os.chown(cwd, uid, uid)
        # Out of the way of fds 0-3, which the next lines overwrite.
        report = fcntl.fcntl(report_fd, fcntl.F_DUPFD, 64) if report_fd >= 0 else 1 << 16
        moved = fcntl.fcntl(std[3], fcntl.F_DUPFD, 64) if len(std) > STD_FDS else -1
        # Targets 0-2 are never sources (sources are >= 3); 3 goes last.
        os.dup2(std[0], 0)
        os.dup2(std[1], 1)
        os.dup2(std[1], 2)
        os.dup2(std[2], 3)
        if moved >= 0:
            os.dup2(moved, SHARED_FD)  # the judge's file of array arguments (shared.py)
        # The control socket and everything else of the zygote; the report pipe stays.
        os.closerange(SHARED_FD + 1 if len(std) > STD_FDS else SHARED_FD, report)
        os.closerange(report + 1, 1 << 16)
        if mode == "bwrap":
            pid = os.fork()
            if pid:
                os.write(report, str(pid).encode())
                os.close(report)
                for fd in range(SHARED_FD + 1 if len(std) > STD_FDS else SHARED_FD):
                    os.close(fd)  # only the worker holds its pipes: its end is their EOF
                _mirror(os.waitpid(pid, 0)[1])
            os.close(report)
            os.setsid()
            become_pid1()
        elif mode == "user":
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            _c("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(request["env"])
        _not_dumpable()
        sys.argv = [_WORKER, "3", *request["args"]]
        worker.main()
    except BaseException as exc:  # noqa: BLE001 - say why on the worker's output, then exit
        try:
            os.write(2, f"the sandbox could not start the worker: {exc}\n".encode())
        except OSError:
            pass
    finally:
        os._exit(70)


def start(control, request, fds):
    """Fork a child for one request; report its pid (and under bwrap a pidfd of the worker)."""
    mode = (request.get("isolate") or {}).get("mode", "none")
    report_r, report_w = os.pipe() if mode == "bwrap" else (-1, -1)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        control.close()
        if report_r >= 0:
            os.close(report_r)
        child(request, fds, report_w)
    for fd in fds:
        os.close(fd)
    message, passed = {"pid": pid}, []
    if report_r >= 0:
        os.close(report_w)
        ready, _, _ = select.select([report_r], [], [], 30)
        text = os.read(report_r, 64) if ready else b""
        os.close(report_r)
        try:
            inner = int(text)
            passed = [os.pidfd_open(inner)]
            message["worker"] = inner
        except (ValueError, OSError):
            pass  # the child failed before forking the worker: its exit says so
    socket.send_fds(control, [json.dumps(message).encode()], passed)
    for fd in passed:
        os.close(fd)


def serve(control):
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    while True:
        try:
            readable, _, _ = select.select([control, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in readable:
            os.read(wake_r, 4096)
            _reap(control)
        if control in readable:
            message, fds, _, _ = socket.recv_fds(control, 1 << 20, MAX_FDS)
            if not message:
                return  # the judge went away
            try:
                request = json.loads(message)
                extra = 1 if request.get("shared") else 0
                ok = len(fds) == STD_FDS + extra + len(request.get("files", []))
            except ValueError:
                ok = False
            if not ok:
                for fd in fds:
                    os.close(fd)
                control.send(json.dumps({"error": "bad request"}).encode())
                continue
            start(control, request, fds)
            del request, message


def _reap(control):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        control.send(json.dumps({"exit": pid, "code": os.waitstatus_to_exitcode(status)}).encode())


def _preload():
    """worker.py, numpy and the worker's own modules, loaded once here instead of from disk in
    every child (which, as another user, may not be able to read them)."""
    global worker
    spec = importlib.util.spec_from_file_location("_mlab_worker", _WORKER)
    worker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(worker)
    import numpy  # noqa: F401 - the point of the zygote: imported once, shared by every child

    loaded = {}
    original = worker._load

    def load(name, filename):
        if name not in loaded:
            loaded[name] = original(name, filename)
        return loaded[name]

    worker._load = load
    load("_mlab_protocol", "protocol.py")
    load("_mlab_surfaces", "surfaces.py")


def probe():
    """Print "ok" if a worker's namespaces can be made here (run under bubblewrap) and numpy
    can be found (found, not imported: the import is most of a probe's time)."""
    if importlib.util.find_spec("numpy") is None:
        print(f"numpy cannot be found inside the sandbox (sys.path: {sys.path})")
        return
    pid = os.fork()
    if pid == 0:
        try:
            enter_namespaces(1 << 20)
            inner = os.fork()
            if inner == 0:
                become_pid1()
                os._exit(0 if os.getpid() == 1 else 3)
            _mirror(os.waitpid(inner, 0)[1])
        except BaseException as exc:  # noqa: BLE001
            print(exc, file=sys.stderr)
            os._exit(2)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    print("ok" if code == 0 else f"the worker namespaces failed ({code})")


def main():
    if sys.argv[1:] == ["--probe"]:
        probe()
        return
    _preload()
    control = socket.socket(fileno=int(sys.argv[1]))
    try:
        serve(control)
    except (BrokenPipeError, ConnectionResetError):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()

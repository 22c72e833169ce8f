"""Fork server for batch grading: start the sandbox worker without paying for Python and numpy.

Started by grader.sandbox.zygote as ``python -I -B _zygote.py CONTROL_FD``. It loads
``grader/sandbox/worker.py`` (which imports numpy) once and then waits. For each request on the
control socket (a JSON message plus three file descriptors: the worker's stdin, its
stdout/stderr, and its protocol pipe) it forks a child that becomes exactly what
``python -I -B worker.py`` would have been: own session, own scratch folder as cwd, the same
environment, fds 0-3 only, then ``worker.main()``, which sets the limits, installs the audit
hook and runs the student's calls.

This process never runs student code and never reads a submission. It only reports each child's
pid and, when the child ends, its exit status.
"""

import os
import sys

# _worker removes our folder from sys.path at import (as it does for itself), so student code
# cannot import grader modules by plain name.
_HERE = os.path.dirname(os.path.abspath(__file__))
_WORKER = os.path.join(_HERE, "worker.py")

import importlib.util  # noqa: E402
import json  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402

_spec = importlib.util.spec_from_file_location("_mlab_worker", _WORKER)
worker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(worker)

import numpy  # noqa: E402, F401 - the point of the zygote: imported once, shared by every child

MAX_FDS = 3
PR_SET_DUMPABLE = 4


def _not_dumpable():
    """Other processes of the same user cannot read this one's memory through /proc."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except Exception:  # noqa: BLE001 - not Linux, or no libc: the audit hook still applies
        pass


def child(request, fds):
    """In the forked child: become the worker. Never returns."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        stdin_fd, out_fd, proto_fd = fds
        # Targets 0-2 are never sources (sources are >= 3); 3 goes last.
        os.dup2(stdin_fd, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.dup2(proto_fd, 3)
        os.closerange(4, 1 << 16)  # the control socket and everything else of the zygote
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        _not_dumpable()
        sys.argv = [_WORKER, "3", *request["args"]]
        worker.main()
    finally:
        os._exit(70)


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
            if len(fds) != MAX_FDS:
                for fd in fds:
                    os.close(fd)
                control.send(json.dumps({"error": "expected 3 file descriptors"}).encode())
                continue
            request = json.loads(message)
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                control.close()
                child(request, fds)
            for fd in fds:
                os.close(fd)
            del request, message
            control.send(json.dumps({"pid": pid}).encode())


def _reap(control):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        control.send(json.dumps({"exit": pid, "code": os.waitstatus_to_exitcode(status)}).encode())


def main():
    control = socket.socket(fileno=int(sys.argv[1]))
    try:
        serve(control)
    except (BrokenPipeError, ConnectionResetError):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()

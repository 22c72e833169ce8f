"""The sandbox worker: the only place student code runs.

Started by grader.sandbox as ``python -I -B worker.py EXERCISES_DIR FORBIDDEN_JSON`` with three
pipes: stdin, stdout and stderr, which every platform has. It reads one request (a JSON line of
calls) from stdin, imports the student's modules, makes the calls in order, and writes one JSON
event per line to the pipe it was given as stdout. Before any student code runs it keeps that
pipe for itself (a duplicate descriptor) and points descriptors 1 and 2 at stderr, so whatever
student code prints, from Python or from C, lands in the output pipe and never in the protocol.
It decides nothing: the judge, in another process, compares what comes back with the reference.

Student code here can do anything Python allows; the audit hook below only turns the honest
mistakes and the obvious tricks (writing files, reading the reference solutions, spawning
processes) into clear errors. Whatever it does, it can only change its own answers.
"""

import os
import sys

# Our own folder must not be importable as top-level modules by student code.
del sys.path[0]

import importlib  # noqa: E402
import importlib.util  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import mmap  # noqa: E402 - here, not when needed: the fork server's child may no longer read it
import signal  # noqa: E402
import threading  # noqa: E402
import traceback  # noqa: E402

try:  # POSIX only; on Windows the judge's watchdog bounds memory instead
    import resource  # noqa: E402
except ImportError:
    resource = None

HERE = os.path.dirname(os.path.abspath(__file__))
STDOUT_CAP = 4000  # characters of a call's printed output kept for the feedback
TEXT_CAP = 20_000  # characters of a traceback sent back (protocol.MAX_TEXT)
MAX_FILES_WRITTEN = 64  # files one worker may create or write (each at most 1 MiB on POSIX)


def _load(name, filename):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, filename))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


class CappedWriter(io.TextIOBase):
    """Keeps the first STDOUT_CAP characters written and counts the rest (floods stay cheap)."""

    def __init__(self):
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = STDOUT_CAP - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self):
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n... ({self.dropped} more characters not shown)"
        return out


def install_guard(allowed_write_dir, forbidden_dirs):
    """An audit hook (it cannot be removed once added) that refuses the obvious escapes."""
    allowed = os.path.realpath(allowed_write_dir) + os.sep
    forbidden = [os.path.realpath(d) + os.sep for d in forbidden_dirs]
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    blocked_prefixes = ("subprocess.", "os.exec", "os.posix_spawn", "os.spawn", "pty.", "ctypes.")
    blocked = {
        "os.system",
        "os.fork",
        "os.forkpty",
        "os.kill",
        "os.killpg",
        "socket.connect",
        "socket.bind",
        "socket.sendto",
        "webbrowser.open",
    }
    changes = {
        "os.remove",
        "os.rename",
        "os.rmdir",
        "os.mkdir",
        "os.truncate",
        "os.chmod",
        "os.chown",
        "os.link",
        "os.symlink",
        "os.utime",
        "shutil.rmtree",
        "shutil.move",
        "shutil.copyfile",
        "os.replace",
    }

    written = set()

    def where(path):
        try:
            return os.path.realpath(os.fsdecode(path))
        except Exception:  # noqa: BLE001 - an odd path object: judge it by its text
            return str(path)

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            if path is None or isinstance(path, int):
                return
            real = where(path)
            if any((real + os.sep).startswith(f) for f in forbidden):
                raise PermissionError(
                    f"reading {path} is not allowed while grading (the reference solutions "
                    "and the grader's own files are off limits)"
                )
            if mode is None and not (real + os.sep).startswith(allowed) and os.path.isdir(real):
                # os.open of a folder gives a dir_fd; a relative path opened through it would
                # be judged below as if it were in the scratch folder, and written anywhere.
                raise PermissionError(f"opening the folder {path} is not allowed while grading")
            writing = (mode is not None and any(c in str(mode) for c in "wax+")) or (
                mode is None and isinstance(flags, int) and flags & write_flags
            )
            if writing and not (real + os.sep).startswith(allowed):
                raise PermissionError(f"writing files ({path}) is not allowed while grading")
            if writing and real not in written:
                # RLIMIT_FSIZE caps each file; this caps how many, so the scratch folder
                # stays small (bubblewrap's is a 64 MiB tmpfs; elsewhere it is the disk).
                if len(written) >= MAX_FILES_WRITTEN:
                    raise PermissionError(
                        f"writing more than {MAX_FILES_WRITTEN} files is not allowed while grading"
                    )
                written.add(real)
        elif event == "import":
            name = args[0] or ""
            if name.split(".")[0] in ("solutions", "grader"):
                raise ImportError(f"importing `{name}` is not allowed while grading")
        elif event in blocked or event.startswith(blocked_prefixes):
            raise PermissionError(f"`{event}` is not allowed while grading")
        elif event in changes:
            paths = [a for a in args if isinstance(a, str | bytes | os.PathLike)]
            if not all((where(p) + os.sep).startswith(allowed) for p in paths):
                raise PermissionError(f"`{event}` outside the scratch folder is not allowed")

    sys.addaudithook(hook)


def one_line(name):
    """A name as one line: line breaks shown as \\n (names are never multi-line text)."""
    return str(name).replace("\r", "\\r").replace("\n", "\\n")


def student_traceback(exc, exercises_dir):
    """The exception formatted with only the student's own frames."""
    prefix = os.path.realpath(exercises_dir) + os.sep
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if os.path.realpath(f.filename).startswith(prefix)
    ]
    for f in frames:
        f.name = one_line(f.name)  # a code name with a line break would start a fake line
    lines = traceback.format_list(frames[-50:]) if frames else []
    head = "Traceback (most recent call last):\n" if lines else ""
    last = "".join(traceback.format_exception_only(type(exc), exc))
    for name in (type(exc).__module__, type(exc).__qualname__):
        if isinstance(name, str) and name != one_line(name):
            last = last.replace(name, one_line(name), 1)
    text = head + "".join(lines) + last
    return text if len(text) <= TEXT_CAP else text[: TEXT_CAP - 30] + "\n... (message cut short)"


def last_student_function(exc, exercises_dir):
    prefix = os.path.realpath(exercises_dir) + os.sep
    name = ""
    for f in traceback.extract_tb(exc.__traceback__):
        if os.path.realpath(f.filename).startswith(prefix):
            name = f.name
    return name


def take_stdout(proto_fd=None):
    """Keep the protocol pipe (fd 1 as started) for ourselves; send fds 1 and 2 to stderr.

    The fork server (_zygote.py) may instead hand over the protocol as an extra descriptor,
    with 1 and 2 already on the output pipe: ``worker.py PROTO_FD EXERCISES_DIR FORBIDDEN``."""
    if proto_fd is not None:
        return os.fdopen(proto_fd, "wb")
    proto_fd = os.dup(1)
    os.dup2(2, 1)
    if sys.platform == "win32":
        # C code that asks Windows for its standard output must not find the protocol either.
        import ctypes
        import msvcrt

        ctypes.windll.kernel32.SetStdHandle(-11, msvcrt.get_osfhandle(1))  # STD_OUTPUT_HANDLE
    return os.fdopen(proto_fd, "wb")


def die_with_judge():
    """End this process when the judge goes away (stdin reaches EOF), however it ended:
    portable, unlike a parent-death signal, and a thread, so it works during a student's loop."""

    def watch():
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        os._exit(70)

    threading.Thread(target=watch, name="judge-watch", daemon=True).start()


def set_limits():
    """POSIX layer: limits the student cannot raise back (memory, size of any file written)."""
    if resource is None:
        return
    gib = 1 << 30
    for limit, value in ((resource.RLIMIT_AS, 4 * gib), (resource.RLIMIT_FSIZE, 1 << 20)):
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass


def main():
    *given, exercises_dir, forbidden = sys.argv[1:]
    forbidden = json.loads(forbidden)
    out = take_stdout(int(given[0]) if given else None)
    # Ctrl-C in the terminal is the judge's to handle: it ends this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    protocol = _load("_mlab_protocol", "protocol.py")
    surfaces = _load("_mlab_surfaces", "surfaces.py")
    # Imported before the guard so numpy can load its parts; the references are kept privately.
    numpy = private_numpy()

    def send(obj):
        line = protocol.dumps(obj).encode("utf-8", "replace") + b"\n"
        if len(line) > protocol.MAX_LINE and obj.get("event") == "result":
            obj.update(stdout="", error={"type": "ValueError", "message": "too large to send"})
            if "value" in obj:
                obj["value"] = {"kind": "other", "type": "?", "repr": "too large to send back"}
            line = protocol.dumps(obj).encode("utf-8", "replace") + b"\n"
        out.write(line)
        out.flush()

    request = json.loads(sys.stdin.buffer.readline())
    sys.stdin = io.StringIO("")  # a student's input() gets EOF at once instead of hanging
    die_with_judge()
    # Every call's arguments, decoded before any student code runs: array arguments are views
    # into the file the judge reads (see the judge's shared.py), so changing one in place
    # shows there, and code loaded later cannot swap in arrays of its own.
    arguments = shared_arguments()
    decoded = {
        call["id"]: (
            [protocol.decode_arg(a, surfaces.grad_fn_from_spec, arguments) for a in call["args"]],
            {k: protocol.decode_arg(v, surfaces.grad_fn_from_spec, arguments)
             for k, v in call["kwargs"].items()},
        )
        for call in request["calls"]
    }  # fmt: skip
    if request.get("limits"):
        set_limits()
    send({"event": "ready"})

    sys.dont_write_bytecode = True
    sys.path.insert(0, exercises_dir)
    install_guard(os.getcwd(), forbidden)

    modules = {}
    for call in request["calls"]:
        name = call["module"]
        if name not in modules:
            send({"event": "import", "module": name})
            capture = CappedWriter()
            sys.stdout = sys.stderr = capture
            try:
                modules[name] = (importlib.import_module(name), None)
            except BaseException as exc:  # noqa: BLE001 - SystemExit at import is theirs too
                modules[name] = (
                    None,
                    {
                        "type": type(exc).__name__,
                        "message": student_traceback(exc, exercises_dir),
                    },
                )
            finally:
                sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            send({"event": "imported", "module": name, "stdout": capture.text()})
        module, import_error = modules[name]
        args, kwargs = decoded.pop(call["id"])
        send(run_call(call, args, kwargs, module, import_error, protocol, exercises_dir, numpy))
    send({"event": "done"})
    # Skip interpreter shutdown: atexit handlers and finalizers a student registered never run.
    os._exit(0)


def shared_arguments():
    """The judge's file of array arguments, mapped read-write, or None (no array argument).
    MOMENTUM_LAB_ARGS is a path in the working folder, or fd:N from the fork server."""
    where = os.environ.pop("MOMENTUM_LAB_ARGS", "")
    if not where:
        return None
    fd = int(where[3:]) if where.startswith("fd:") else os.open(where, os.O_RDWR)
    try:
        return mmap.mmap(fd, os.fstat(fd).st_size)  # shared with the file, on every platform
    finally:
        os.close(fd)


def private_numpy():
    """The few numpy callables the mutation check needs, taken before any student code runs:
    rebinding `np.array_equal` (or planting a fake `numpy` in sys.modules) must not hide that a
    call changed its arguments. ndarray methods and ufuncs are C and cannot be patched."""
    import numpy as np

    return np.ndarray, np.equal, np.isnan


def unchanged(old, new, numpy):
    """Whether an argument is the same after the call as before (NaN equals NaN)."""
    ndarray, equal, isnan = numpy
    if type(old) is list:
        # Strict types first: a planted element whose __eq__ says True is a change.
        return (
            type(new) is list
            and len(old) == len(new)
            and all(
                type(a) is type(b) and (a == b or (a != a and b != b))
                for a, b in zip(old, new, strict=True)
            )
        )
    if type(old) is not ndarray or type(new) is not ndarray or old.shape != new.shape:
        return False
    if old.dtype != new.dtype:
        return False
    old, new = ndarray.ravel(old), ndarray.ravel(new)  # 1-d: ufuncs then return arrays
    same = equal(old, new)
    if old.dtype.kind == "f":
        same |= isnan(old) & isnan(new)
    return bool(ndarray.all(same))


def run_call(call, args, kwargs, module, import_error, protocol, exercises_dir, numpy):
    ndarray = numpy[0]
    result = {"event": "result", "id": call["id"]}
    if import_error is not None:
        result.update(status="import_error", error=import_error)
        return result
    func = getattr(module, call["func"], None)
    if not callable(func):
        result.update(status="missing", error={"type": "AttributeError", "message": ""})
        return result
    # Copies by the exact types the decoder makes (ndarray.copy, list.copy are C).
    copies = {ndarray: ndarray.copy, list: list.copy}
    before = {str(i): copies[type(a)](a) for i, a in enumerate(args) if type(a) in copies}
    before.update({k: copies[type(a)](a) for k, a in kwargs.items() if type(a) in copies})
    capture = CappedWriter()
    sys.stdout = sys.stderr = capture
    try:
        value = func(*args, **kwargs)
        encoded = protocol.encode_returned(value)
        result.update(status="ok", value=encoded)
    except NotImplementedError as exc:
        result.update(
            status="not_implemented",
            error={
                "type": "NotImplementedError",
                "message": student_traceback(exc, exercises_dir),
                "function": last_student_function(exc, exercises_dir),
            },
        )
    except SystemExit as exc:
        result.update(
            status="exit", error={"type": "SystemExit", "message": f"sys.exit({exc.code!r})"}
        )
    except BaseException as exc:  # noqa: BLE001 - anything the student raises is reported
        result.update(
            status="raised",
            error={
                "type": type(exc).__name__,
                "message": student_traceback(exc, exercises_dir),
            },
        )
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    mutated = []
    for key, old in before.items():
        new = args[int(key)] if key.isdigit() else kwargs[key]
        try:
            same = unchanged(old, new, numpy)
        except Exception:  # noqa: BLE001 - a replaced or broken array counts as changed
            same = False
        if not same:
            mutated.append(key)
    result["mutated"] = mutated
    result["stdout"] = capture.text()
    return result


if __name__ == "__main__":
    main()

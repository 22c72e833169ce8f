"""Untrusted submissions: whatever the student's code does, it never earns a pass it did not
compute, the other exercises are still graded, and the run ends within its time limits.

Every case runs twice: with the POSIX layer (process groups, rlimits) and without it
(MOMENTUM_LAB_PORTABLE=1), the way a Windows or macOS machine runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from textwrap import indent

import pytest

from grader.course import load_course
from grader.judge.reference import SolutionReference
from grader.judge.runner import run_checks
from grader.sandbox.platform import MEMORY_ENV, PORTABLE_ENV
from grader.verdict import ERROR, PASSED, TIMEOUT
from helpers import REPO, SOLUTIONS, append, make_course, run_grader

pytestmark = pytest.mark.slow  # seconds each: `pytest -m "not slow"` skips them

REFERENCE = SolutionReference(SOLUTIONS)
STEP = "def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):\n"
MEMORY_MIB = 300  # the workers' memory limit in these tests (a bomb stops here)
# Student code that writes `message` to the grader's channel: the worker's protocol pipe is one
# of its open file descriptors, and nothing stops code in the worker from finding it.
WRITE_CHANNEL = (
    "import os as _os\n"
    "for _fd in range(3, 64):\n"
    "    try:\n"
    "        _os.write(_fd, {message!r})\n"
    "    except OSError:\n"
    "        pass\n"
)


@pytest.fixture(autouse=True, params=["posix", "portable"])
def backend(request, monkeypatch):
    """Both backends; the environment is read when a worker starts (and by subprocesses)."""
    if request.param == "portable":
        monkeypatch.setenv(PORTABLE_ENV, "1")
    else:
        monkeypatch.delenv(PORTABLE_ENV, raising=False)
    monkeypatch.setenv(MEMORY_ENV, str(MEMORY_MIB))
    return request.param


def grade(root: Path, timeout: float = 5.0):
    course = load_course(root)
    run = run_checks(course, list(course.exercises), 4, timeout=timeout, reference=REFERENCE)
    return {e.name: e for e in run.exercises}


def feedback(result) -> str:
    return "\n".join(c.message for c in result.checks)


def assert_others_pass(results, *spoilt: str) -> None:
    for name, result in results.items():
        if name not in spoilt:
            assert result.status == PASSED, (name, feedback(result))


def test_endless_loop_costs_one_timeout_and_the_rest_is_graded(tmp_path):
    files = append("momentum.py", STEP + "    while True:\n        pass\n")
    results = grade(make_course(tmp_path, files=files), timeout=1.0)
    step = results["momentum_step"]
    assert step.status == TIMEOUT and step.score == 0
    assert "did not finish within 1 s" in feedback(step)
    # One message for the timeout (the report prints a repeat as "same as above"), not one
    # message per case.
    assert len({c.message for c in step.checks if "did not finish within" in c.message}) == 1
    assert "did not finish on an earlier case, so these cases were not run" in feedback(step)
    # optimize calls the looping momentum_step when momentum=True: one more timeout, not one
    # per case; its plain gradient-descent checks still pass.
    optimize = {c.name: c.status for c in results["optimize"].checks}
    assert optimize["the lesson's experiment: momentum on the ravine"] == TIMEOUT
    assert optimize["the lesson's experiment: gradient descent on the ravine"] == PASSED
    assert_others_pass(results, "momentum_step", "optimize")
    # "One timeout, not one per case" is shown by the skipped cases above, not by a stopwatch
    # (timed assertions fail on a loaded machine; bench/ measures speed).


def test_loop_at_import_time_times_out_the_whole_file_once(tmp_path):
    source = (SOLUTIONS / "nesterov.py").read_text() + "\nwhile True:\n    pass\n"
    results = grade(make_course(tmp_path, files={"nesterov.py": source}), timeout=1.0)
    assert results["nesterov_step"].status == TIMEOUT
    assert {c.status for c in results["nesterov_step"].checks} == {TIMEOUT}
    assert "importing exercises/nesterov.py" in feedback(results["nesterov_step"])
    assert_others_pass(results, "nesterov_step")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("    import sys\n    sys.exit(0)\n", "sys.exit(0)"),
        ("    import os\n    os._exit(0)\n", "exited with code 0"),
        ("    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n", "not allowed"),
        ("    raise SystemExit('bye')\n", "sys.exit('bye')"),
        ("    raise KeyboardInterrupt\n", "KeyboardInterrupt"),
    ],
    ids=["sys.exit", "os._exit", "kill-self", "SystemExit", "KeyboardInterrupt"],
)
def test_exiting_is_an_error_never_a_pass(tmp_path, body, expected):
    results = grade(make_course(tmp_path, files=append("momentum.py", STEP + body)))
    step = results["momentum_step"]
    assert step.status == ERROR and step.score == 0
    assert expected in feedback(step)
    assert_others_pass(results, "momentum_step", "optimize")


def test_exit_at_import_is_reported(tmp_path):
    source = "import os\nos._exit(3)\n"
    results = grade(make_course(tmp_path, files={"tuning.py": source}))
    assert results["steps_to_converge"].status == ERROR
    assert "exited with code 3" in feedback(results["steps_to_converge"])
    assert_others_pass(results, "steps_to_converge")


def test_error_at_import_shows_the_students_traceback_only(tmp_path):
    source = (SOLUTIONS / "tuning.py").read_text() + "\nx = 1 / 0\n"
    results = grade(make_course(tmp_path, files={"tuning.py": source}))
    text = feedback(results["steps_to_converge"])
    assert results["steps_to_converge"].status == ERROR
    assert "ZeroDivisionError" in text and "tuning.py" in text
    assert "_worker.py" not in text and "importlib" not in text
    assert_others_pass(results, "steps_to_converge")


def test_syntax_error_names_file_and_line(tmp_path):
    source = "import numpy as np\n\ndef nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9)\n    return 1\n"  # noqa: E501
    results = grade(make_course(tmp_path, files={"nesterov.py": source}))
    text = feedback(results["nesterov_step"])
    assert results["nesterov_step"].status == ERROR
    assert "SyntaxError" in text and 'nesterov.py", line 3' in text
    assert_others_pass(results, "nesterov_step")


def test_megabytes_of_output_are_capped_and_still_graded(tmp_path):
    body = "    print('x' * 10_000_000)\n    import os\n    os.write(1, b'y' * 5_000_000)\n"
    source = (
        (SOLUTIONS / "momentum.py")
        .read_text()
        .replace(
            "    new_velocity = beta * velocity - lr * grad\n",
            body + "    new_velocity = beta * velocity - lr * grad\n",
        )
    )
    assert body in source  # the flood really is in the submission
    results = grade(make_course(tmp_path, files={"momentum.py": source}))
    assert_others_pass(results)  # printing is allowed; the answers are right


def test_printing_is_shown_in_feedback_but_capped(tmp_path):
    body = "    print('hello from ' + 'x' * 20_000)\n    return None\n"
    results = grade(make_course(tmp_path, files=append("momentum.py", STEP + body)))
    text = feedback(results["momentum_step"])
    assert "forget a `return`" in text
    assert len(text) < 60_000


@pytest.mark.parametrize(
    "patch",
    [
        "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n",
        "np.testing.assert_allclose = lambda *a, **k: None\nnp.isclose = lambda *a, **k: True\n",
        "import pytest\npytest.fail = lambda *a, **k: None\npytest.approx = lambda *a, **k: None\n",
        "import builtins\nbuiltins.AssertionError = type('Never', (Exception,), {})\n",
    ],
    ids=["numpy-allclose", "numpy-testing", "pytest", "builtins"],
)
def test_monkeypatching_numpy_or_pytest_changes_nothing_in_the_judge(tmp_path, patch):
    wrong = STEP + "    return theta, velocity\n"
    source = "import numpy as np\n" + patch + (SOLUTIONS / "momentum.py").read_text() + "\n" + wrong
    results = grade(make_course(tmp_path, files={"momentum.py": source}))
    assert results["momentum_step"].status != PASSED
    assert results["momentum_step"].score < results["momentum_step"].max_score


# Right values, but it writes into its `grad` argument: "leaves its arguments unchanged" fails.
MUTATES = (
    "import numpy as _np\n" + STEP + "    g = _np.asarray(grad, dtype=float).copy()\n"
    "    v = beta * _np.asarray(velocity, dtype=float) - lr * g\n"
    "    out = _np.asarray(theta, dtype=float) + v\n"
    "    if isinstance(grad, _np.ndarray):\n"
    "        grad[...] = 7\n"
    "    return out, v\n"
)


@pytest.mark.parametrize(
    "patch",
    ["import numpy\nnumpy.array_equal = lambda *a, **k: True\n",
     "import sys, types\n_fake = types.ModuleType('numpy')\n"
     "_fake.array_equal = lambda *a, **k: True\nsys.modules['numpy'] = _fake\n",
     "import json\n_dumps = json.dumps\njson.dumps = lambda o, *a, **k: _dumps("
     "{**o, 'mutated': []} if isinstance(o, dict) else o, *a, **k)\n",
     "import json.encoder as _e\n_make = _e.c_make_encoder\n"
     "_e.c_make_encoder = lambda *a: (lambda o, l: _make(*a)("
     "{**o, 'mutated': []} if isinstance(o, dict) else o, l))\n",
     # The worker's own bookkeeping, reached through its frame or its module (its globals):
     # only the judge's look at the shared arguments' file (sandbox/shared.py) stops these.
     "_inner = momentum_step\ndef momentum_step(*a, **k):\n    out = _inner(*a, **k)\n"
     "    import sys\n    sys._getframe(1).f_locals['before'].clear()\n    return out\n",
     "import sys\nfor _m in list(sys.modules.values()):\n"
     "    if hasattr(_m, 'run_call') and hasattr(_m, 'unchanged'):\n"
     "        _m.unchanged = lambda *a, **k: True\n",
     "import sys\ndef _forget(frame, event, arg):\n"
     "    if event == 'return' and frame.f_code.co_name == 'momentum_step':\n"
     "        frame.f_back.f_locals['before'].clear()\n"
     "sys.setprofile(_forget)\n"],
    ids=["numpy-array-equal", "fake-numpy-module", "json-dumps", "json-c-encoder",
         "worker-frame", "worker-globals", "profile-hook"],
)  # fmt: skip
def test_patching_what_the_worker_uses_cannot_hide_a_mutation(tmp_path, patch):
    # The worker compares arguments and encodes its messages with references it took before
    # any student code ran: rebinding the public names changes only the student's own calls.
    # (Before, each of these patches turned 3.33/4 into 4/4.)
    plain = grade(make_course(tmp_path / "plain", files=append("momentum.py", MUTATES)))
    root = make_course(tmp_path / "patched", files=append("momentum.py", MUTATES + patch))
    patched = grade(root)
    for results in (plain, patched):
        checks = {c.name: c.status for c in results["momentum_step"].checks}
        unchanged = [name for name in checks if "unchanged" in name]
        assert unchanged and all(checks[n] != PASSED for n in unchanged), checks
    assert patched["momentum_step"].score == plain["momentum_step"].score
    assert patched["momentum_step"].score < patched["momentum_step"].max_score


WRITE_FILES = (
    "import os as _os\n" + STEP + "    for i in range(100):\n"
    "        with open({name}, 'w') as out:\n"
    "            out.write('x' * 1024)\n"
    "    theta = _np.asarray(theta, dtype=float)\n"
    "    grad = _np.asarray(grad, dtype=float)\n"
    "    velocity = beta * _np.asarray(velocity, dtype=float) - lr * grad\n"
    "    return theta + velocity, velocity\n"
)


def test_a_hundred_scratch_files_are_refused_one_rewritten_is_not(tmp_path):
    # Each file is capped at 1 MiB (RLIMIT_FSIZE) but their number was not: a loop could fill
    # the disk under the scratch folder within one timeout. Rewriting one file stays allowed.
    many = append("momentum.py", "import numpy as _np\n" + WRITE_FILES.format(name="f'f{i}'"))
    results = grade(make_course(tmp_path / "many", files=many))
    assert results["momentum_step"].status == ERROR
    assert "writing more than 64 files is not allowed" in feedback(results["momentum_step"])
    one = append("momentum.py", "import numpy as _np\n" + WRITE_FILES.format(name="'notes'"))
    results = grade(make_course(tmp_path / "one", files=one))
    assert results["momentum_step"].status == PASSED, feedback(results["momentum_step"])


DIR_FD_WRITE = STEP + (
    "    import os\n"
    "    folder = os.open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'),\n"
    "                     os.O_RDONLY)\n"
    "    out = os.open('pwned.txt', os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=folder)\n"
    "    os.write(out, b'written through a dir_fd')\n"
    "    return theta, velocity\n"
)


def test_a_write_through_a_folders_descriptor_is_refused(tmp_path):
    # The audit hook sees only the relative name given with dir_fd and judged it as if it were
    # in the scratch folder: this wrote into the course folder (say .grader/state.json).
    root = make_course(tmp_path, files=append("momentum.py", DIR_FD_WRITE))
    results = grade(root)
    assert not (root / "pwned.txt").exists()
    assert results["momentum_step"].status == ERROR
    assert "opening the folder" in feedback(results["momentum_step"])
    assert_others_pass(results, "momentum_step", "optimize")


def test_importing_the_reference_solutions_is_refused(tmp_path):
    body = "from solutions.momentum import momentum_step\n"
    results = grade(make_course(tmp_path, files={"momentum.py": body}))
    for name in ("momentum_step", "optimize"):
        assert results[name].status == ERROR
        assert "not allowed" in feedback(results[name])


def test_reading_the_reference_solutions_by_path_is_refused(tmp_path):
    root = make_course(tmp_path)
    body = (
        "import pathlib\n"
        f"_src = pathlib.Path({str(root / 'solutions' / 'momentum.py')!r}).read_text()\n"
        "exec(_src)\n"
    )
    results = grade(make_course(root, files={"momentum.py": body}))
    assert results["momentum_step"].status == ERROR
    assert "not allowed" in feedback(results["momentum_step"])


def test_loading_the_solutions_through_importlib_is_refused(tmp_path):
    root = make_course(tmp_path)
    body = (
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('ref', {str(root / 'solutions' / 'momentum.py')!r})\n"  # noqa: E501
        "mod = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(mod)\n"
        "momentum_step, optimize = mod.momentum_step, mod.optimize\n"
    )
    results = grade(make_course(root, files={"momentum.py": body}))
    assert results["momentum_step"].status == ERROR


def test_writing_fake_report_files_is_refused_and_changes_no_verdict(tmp_path):
    root = make_course(tmp_path)
    fake = root / "results.json"
    state = root / ".grader" / "state.json"
    body = (
        "import json\n"
        f"for p in ({str(fake)!r}, {str(state)!r}, '/tmp/momentum-lab-fake.json'):\n"
        "    try:\n"
        "        open(p, 'w').write(json.dumps({'score': 14, 'tests': []}))\n"
        "    except OSError as exc:\n"
        "        print('blocked', exc)\n" + STEP + "    return theta, velocity\n"
    )
    results = grade(make_course(root, files=append("momentum.py", body)))
    assert results["momentum_step"].status != PASSED
    assert not fake.exists() and not state.exists()
    assert not Path("/tmp/momentum-lab-fake.json").exists()


def test_starting_programs_is_refused(tmp_path):
    body = (
        STEP + "    import subprocess\n    subprocess.run(['true'])\n    return theta, velocity\n"
    )
    results = grade(make_course(tmp_path, files=append("momentum.py", body)))
    assert results["momentum_step"].status == ERROR
    assert "not allowed" in feedback(results["momentum_step"])


def test_patching_the_gradient_factory_is_too_late(tmp_path):
    # Every call's arguments, gradient functions included, are made before any student code
    # is loaded (sandbox/shared.py): patching the worker's factory at import changes nothing.
    # (It used to give the student's own calls zero gradients, and the judge's never.)
    patch = (
        "import sys\n"
        "for m in list(sys.modules.values()):\n"
        "    if getattr(m, '__name__', '') == '_mlab_surfaces':\n"
        "        m.grad_fn_from_spec = lambda spec: (lambda t: t * 0)\n"
    )
    source = patch + (SOLUTIONS / "momentum.py").read_text()
    results = grade(make_course(tmp_path, files={"momentum.py": source}))
    assert results["optimize"].status == PASSED


def test_the_cli_survives_a_hostile_submission(tmp_path):
    body = STEP + "    import os\n    os._exit(7)\n"
    root = make_course(tmp_path, files=append("momentum.py", body))
    proc = run_grader("check", "--timeout", "2", cwd=root)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "exited with code 7" in proc.stdout
    assert "nesterov_step  3/3" in proc.stdout


# Controls in the names Python itself prints: the exception's class, the function's code name,
# and a returned object's type and repr (with a line break that would draw a "✓" line).
NAMES = """
_Evil = type("Boom\\x1b[2J\\u202e\\n  \\u2713 momentum_step 4/4 FAKE", (Exception,), {})
def _make():
    def step(theta, velocity, grad, lr=0.1, beta=0.9):
        raise _Evil("\\x1b[1;32mall passed\\x1b[0m")
    step.__code__ = step.__code__.replace(co_name="evil\\x1b[31mname\\n  \\u2713 FAKE")
    return step
momentum_step = _make()
_Odd = type("T\\x1b[2Jx", (), {"__repr__": lambda self: "odd\\n  \\u2713 optimize 4/4 FAKE"})
def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    return _Odd()
"""


def test_controls_in_names_and_reprs_are_shown_escaped(tmp_path):
    root = make_course(tmp_path, files=append("momentum.py", NAMES))
    proc = run_grader("check", "--timeout", "2", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert "\x1b" not in proc.stdout and "\u202e" not in proc.stdout
    for shown in ("Boom\\x1b[2J\\u202e\\n", "evil\\x1b[31mname\\n", "T\\x1b[2Jx"):
        assert shown in proc.stdout, proc.stdout
    # Names and reprs stay on their line: none of their fake lines reaches the report (text
    # that is many lines by nature, a message or a print, is indented under its check).
    assert "odd\\n" in proc.stdout
    lines = proc.stdout.splitlines()
    fake = [line for line in lines if line.lstrip().startswith("\u2713") and "FAKE" in line]
    assert not fake, fake
    assert "momentum_step  0/4" in proc.stdout and "nesterov_step  3/3" in proc.stdout


@pytest.mark.parametrize(
    "message",
    [b"garbage\n", b'{"event": "done"}\n', b'{"event": "result", "id": "nope"}\n',
     b'{"event": "result", "id": "momentum_step/lesson/0", "status": "ok", "value": {"kind": "array", "array": {"shape": [9], "data": ""}}}\n',  # noqa: E501
     b"[" * 100_000 + b"]" * 100_000 + b"\n", b"\xff\xfe\x00{\n\n\x1b[2J"],
    ids=["not-json", "early-done", "wrong-id", "bad-array", "100000-deep", "binary"],
)  # fmt: skip
def test_writing_to_the_graders_channel_is_the_students_own_crash(tmp_path, message):
    source = WRITE_CHANNEL.format(message=message) + (SOLUTIONS / "momentum.py").read_text()
    results = grade(make_course(tmp_path, files={"momentum.py": source}))
    for name in ("momentum_step", "optimize"):
        assert results[name].status == ERROR, name
        assert results[name].score == 0
    text = feedback(results["momentum_step"])
    assert "could not read what came back" in text and "internal error" not in text
    assert_others_pass(results, "momentum_step", "optimize")


def test_a_deep_message_is_refused_before_parsing(tmp_path):
    body = indent(WRITE_CHANNEL.format(message=b"[" * 100_000 + b"]" * 100_000 + b"\n"), "    ")
    results = grade(make_course(tmp_path, files=append("momentum.py", STEP + body)))
    assert results["momentum_step"].status == ERROR
    assert "nested more than" in feedback(results["momentum_step"])
    assert_others_pass(results, "momentum_step", "optimize")


def test_a_message_without_end_is_cut_off_at_its_cap(tmp_path):
    # 17 MiB with no newline: the judge stops reading at 16 MiB instead of buffering forever.
    body = indent(WRITE_CHANNEL.format(message=b"7" * (17 << 20)), "    ")
    results = grade(make_course(tmp_path, files=append("momentum.py", STEP + body)))
    assert results["momentum_step"].status == ERROR
    assert "longer than 16 MiB" in feedback(results["momentum_step"])
    assert_others_pass(results, "momentum_step", "optimize")


FORGED = (
    STEP + "    import json, os, sys\n"
    "    call = sys._getframe(1).f_locals['call']  # the worker's own record of this call\n"
    "    event = {{'event': 'result', 'id': call['id'], 'status': 'ok', 'value': {value}}}\n"
    "    for fd in range(3, 64):\n"
    "        try:\n"
    "            os.write(fd, json.dumps(event).encode() + b'\\n')\n"
    "        except OSError:\n"
    "            pass\n"
    "    return theta, velocity\n"
)


@pytest.mark.parametrize(
    "value",
    ["{'kind': 'seq', 'items': 'abc'}", "{'kind': 'array', 'array': {'shape': [-1], 'data': ''}}",
     "{'kind': 'array', 'array': {'shape': [10**30], 'data': ''}}", "[1, 2]",
     "{'kind': 'seq', 'items': [{'kind': 'seq', 'items': []}]}", "{'kind': 'other', 'repr': 7}",
     "{'kind': 'array', 'array': {'shape': [1], 'data': 'AAAAAAAA8D8='}, 'type': ['x']}"],
    ids=["items-str", "negative-shape", "huge-shape", "list", "nested-seq", "repr-int", "type"],
)  # fmt: skip
def test_a_forged_result_for_the_running_call_is_the_students_error(tmp_path, value):
    source = FORGED.format(value=value)
    results = grade(make_course(tmp_path, files=append("momentum.py", source)))
    assert results["momentum_step"].status == ERROR
    text = feedback(results["momentum_step"])
    assert "could not read what came back" in text and "internal error" not in text
    assert_others_pass(results, "momentum_step", "optimize")


KEEP_ALIVE = (
    "import os as _os, threading as _threading, time as _time\n"
    "def _keep_alive():\n"
    "    while True:\n"
    "        for _fd in range(3, 64):\n"
    "            try:\n"
    "                _os.write(_fd, {message!r})\n"
    "            except OSError:\n"
    "                pass\n"
    "        _time.sleep(0.2)\n"
    "_started = []\n"
    "_real_step = momentum_step\n"
    "def momentum_step(*args, **kwargs):\n"
    "    if not _started:\n"
    "        _started.append(_threading.Thread(target=_keep_alive, daemon=True).start())\n"
    "    _time.sleep(2)  # slower than the 1 s limit, but it keeps talking\n"
    "    return _real_step(*args, **kwargs)\n"
)


@pytest.mark.parametrize(
    ("message", "verdict"),
    [(b'{"event": "ready"}\n', "could not read what came back"),
     (b'{"event": "imported", "module": "momentum"}\n', "could not read what came back"),
     (b" ", "did not finish within 1 s")],
    ids=["ready-lines", "imported-lines", "bytes-without-newline"],
)  # fmt: skip
def test_keep_alive_messages_do_not_extend_the_deadline(tmp_path, message, verdict):
    # Before: every line reset the judge's deadline, so this slow function passed, and one that
    # never returned hung the grader. Through the CLI, so a hang fails on run_grader's timeout.
    source = (SOLUTIONS / "momentum.py").read_text() + "\n" + KEEP_ALIVE.format(message=message)
    root = make_course(tmp_path, files={"momentum.py": source})
    proc = run_grader("check", "--timeout", "1", "momentum_step", cwd=root, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "momentum_step  0/4" in proc.stdout, proc.stdout
    assert verdict in proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "body",
    ["    _hog = []\n    while True:\n        _hog.append(b'x' * (8 << 20))\n",
     "    import numpy as np\n    _hog = np.ones(6 << 27)  # 6 GiB\n    return _hog, _hog\n"],
    ids=["growing", "6-GiB-at-once"],
)  # fmt: skip
def test_a_memory_bomb_is_a_clear_error_not_a_timeout(tmp_path, body, backend):
    results = grade(make_course(tmp_path, files=append("momentum.py", STEP + body)))
    step = results["momentum_step"]
    text = feedback(step)
    assert step.status == ERROR, text
    if backend == "portable" or "growing" in body:
        assert f"used more than {MEMORY_MIB} MiB" in text  # the watchdog
    else:
        # The POSIX layer's 4 GiB address-space limit fails the allocation itself.
        assert "MemoryError" in text or f"used more than {MEMORY_MIB} MiB" in text
    assert_others_pass(results, "momentum_step", "optimize")


@pytest.mark.parametrize(
    ("name", "body"),
    [("momentum_step", STEP + "    import numpy as np\n"
                       "    return np.zeros(10**6), np.ones(10**6)\n"),
     ("optimize", "def optimize(*args, **kwargs):\n    import numpy as np\n"
                  "    return np.zeros((500_000, 2))\n")],
    ids=["two-arrays-per-call", "one-array-per-call"],
)  # fmt: skip
def test_large_returns_keep_the_judge_small(tmp_path, name, body):
    # 10**6 floats are 11 MiB on the channel. The judge takes at most 10**6 numbers per answer
    # and 32 MiB of one function's answers; before, these held 290-410 MiB for 5-20 s.
    # Measured in a fresh process: the judge's own peak memory.
    root = make_course(tmp_path, files=append("momentum.py", body))
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from grader.course import load_course\n"
        "from grader.judge.reference import SolutionReference\n"
        "from grader.judge.runner import run_checks\n"
        "course = load_course(Path(sys.argv[1]))\n"
        "run = run_checks(course, [course.exercise(sys.argv[2])], 4,\n"
        "                 reference=SolutionReference(Path(sys.argv[1]) / 'solutions'))\n"
        "print(run.exercises[0].status.value, run.exercises[0].score)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script, str(root), name], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    status, peak_mib = done.stdout.split("\n")[-3:-1]
    assert status.split()[0] != "passed"
    assert int(peak_mib) < 250, f"the judge held {peak_mib} MiB"


def test_another_files_thread_never_spoils_this_exercise(tmp_path):
    # momentum.py starts a thread that writes garbage to the channel a little later, while
    # nesterov.py's (correct) function runs in the same worker. Nobody can tell from the
    # channel whose bytes they are, so nesterov.py runs again alone, and passes.
    noise = (
        "import threading as _threading, time as _time\n"
        "def _noise():\n"
        "    _time.sleep(1.0)\n" + indent(WRITE_CHANNEL.format(message=b"garbage\n"), "    ")
        + "_threading.Thread(target=_noise, daemon=True).start()\n"
    )  # fmt: skip
    slow = "import time as _time\n_time.sleep(1.5)\n"  # nesterov.py is still importing at 1 s
    results = grade(make_course(tmp_path, files={
        "momentum.py": (SOLUTIONS / "momentum.py").read_text() + "\n" + noise,
        "nesterov.py": slow + (SOLUTIONS / "nesterov.py").read_text(),
    }))  # fmt: skip
    assert results["nesterov_step"].status == PASSED, feedback(results["nesterov_step"])
    assert results["steps_to_converge"].status == PASSED


def _processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, command line), from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, UnicodeDecodeError):
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry)] = (int(fields[1]), fields[0], cmdline)
    return found


def _descendants(pid: int) -> set[int]:
    table, found, frontier = _processes(), set(), {pid}
    while frontier:
        frontier = {p for p, (parent, _, _) in table.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists processes via /proc")
@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["ctrl-c", "sigterm", "sighup"],
)  # fmt: skip
def test_a_signal_ends_every_worker_and_exits_with_one_line(tmp_path, signum, code):
    root = make_course(
        tmp_path, files=append("momentum.py", STEP + "    while True:\n        pass\n")
    )
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "check", "--timeout", "60"], cwd=root, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    exercises = str((root / "exercises").resolve())
    workers: set[int] = set()
    for _ in range(600):  # until the looping worker runs (at most a minute)
        table = _processes()
        workers = {p for p in _descendants(proc.pid) if exercises in table.get(p, (0, "", ""))[2]}
        if workers or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert workers, "no worker started"
    time.sleep(0.5)  # inside the student's loop by now
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert err.strip().splitlines() == ["grader: interrupted."]
    table = _processes()
    alive = {p for p, (_, state, cmd) in table.items() if exercises in cmd and state != "Z"}
    assert not alive, f"workers left running: {alive}"
    assert not (workers & {p for p, (_, state, _) in table.items() if state != "Z"})
    assert list(scratch.iterdir()) == []  # scratch folders removed


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists processes via /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_signal_ends_a_batch_and_every_worker_of_every_judging_process(tmp_path, signum):
    # `grader grade --jobs 2`: judging processes, each with its workers (and fork server). The
    # signal goes to the grader alone (a SIGTERM from a scheduler; Ctrl-C reaches the whole
    # process group, a harder case for nobody). Nothing may wait for the chunks to finish.
    subs = tmp_path / "subs"
    for name in ("ann", "ben", "cat"):
        make_course(subs / name, files=append("momentum.py", STEP + "    while True: pass\n"))
    temp = tmp_path / "tmp"  # where the batch's staging and its workers' scratch folders go
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "TMPDIR": str(temp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", str(subs), "--out", str(tmp_path / "out"),
         "--jobs", "2", "--timeout", "60", "--path", str(REPO), "--isolation", "none"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def worker(pid: int, table: dict[int, tuple[int, str, str]]) -> bool:
        # A fresh worker, or a child the fork server forked (it keeps the server's argv).
        parent, _, cmd = table.get(pid, (0, "", ""))
        return (
            "worker.py" in cmd
            or "_zygote.py" in cmd
            and "_zygote.py" in table.get(parent, (0, "", ""))[2]
        )

    before: set[int] = set()
    for _ in range(600):  # until a worker runs a student's loop (at most a minute)
        table, before = _processes(), _descendants(proc.pid)
        if any(worker(p, table) for p in before) or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert any(worker(p, table) for p in before), "no worker ran"
    time.sleep(0.5)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum, err
    assert len(err.strip().splitlines()) == 1 and "interrupted" in err
    left: dict[int, str] = {}
    for _ in range(100):  # the pool's resource tracker ends once nobody holds its pipe
        table = _processes()
        left = {p: table[p][2] for p in before if p in table and table[p][1] != "Z"}
        if not left:
            break
        time.sleep(0.1)
    assert not left, f"processes left: {left}"
    # Nor folders: the judging processes remove their workers' scratch folders (which hold a
    # copy of a student's files under the user backend), the grader its staging folder.
    kept = [p.name for p in temp.iterdir() if p.name.startswith(("momentum-lab-", "grader-batch-"))]
    assert kept == []

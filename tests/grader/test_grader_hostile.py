"""Untrusted submissions: whatever the student's code does, it never earns a pass it did not
compute, the other exercises are still graded, and the run ends within its time limits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader.course import load_course
from grader.judge.reference import SolutionReference
from grader.judge.runner import run_checks
from grader.verdict import ERROR, PASSED, TIMEOUT
from helpers import SOLUTIONS, append, make_course, run_grader

pytestmark = pytest.mark.slow  # seconds each: `pytest -m "not slow"` skips them

REFERENCE = SolutionReference(SOLUTIONS)
STEP = "def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):\n"


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
    started = time.monotonic()
    results = grade(make_course(tmp_path, files=files), timeout=1.0)
    elapsed = time.monotonic() - started
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
    assert elapsed < 15, f"two looping functions took {elapsed:.1f} s"


def test_loop_at_import_time_times_out_the_whole_file_once(tmp_path):
    source = (SOLUTIONS / "nesterov.py").read_text() + "\nwhile True:\n    pass\n"
    started = time.monotonic()
    results = grade(make_course(tmp_path, files={"nesterov.py": source}), timeout=1.0)
    assert time.monotonic() - started < 10
    assert results["nesterov_step"].status == TIMEOUT
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
    started = time.monotonic()
    results = grade(make_course(tmp_path, files={"momentum.py": source}))
    assert time.monotonic() - started < 60
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


def test_tampering_with_the_gradient_only_hurts_the_student(tmp_path):
    # Student code can patch the worker's copy of the surfaces; the judge's is untouched.
    patch = (
        "import sys\n"
        "for m in list(sys.modules.values()):\n"
        "    if getattr(m, '__name__', '') == '_mlab_surfaces':\n"
        "        m.grad_fn_from_spec = lambda spec: (lambda t: t * 0)\n"
    )
    source = patch + (SOLUTIONS / "momentum.py").read_text()
    results = grade(make_course(tmp_path, files={"momentum.py": source}))
    assert results["optimize"].status != PASSED


def test_the_cli_survives_a_hostile_submission(tmp_path):
    body = STEP + "    import os\n    os._exit(7)\n"
    root = make_course(tmp_path, files=append("momentum.py", body))
    proc = run_grader("check", "--timeout", "2", cwd=root)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "exited with code 7" in proc.stdout
    assert "nesterov_step  3/3" in proc.stdout


@pytest.mark.parametrize(
    "message",
    [b"garbage\n", b'{"event": "done"}\n', b'{"event": "result", "id": "nope"}\n',
     b'{"event": "result", "id": "momentum_step/lesson/0", "status": "ok", "value": {"kind": "array", "array": {"shape": [9], "data": ""}}}\n'],  # noqa: E501
    ids=["not-json", "early-done", "wrong-id", "bad-array"],
)  # fmt: skip
def test_writing_to_the_graders_channel_is_the_students_own_crash(tmp_path, message):
    # The worker's protocol pipe number is in its argv; a student can find and write to it.
    source = (
        f"import os, sys\nos.write(int(sys.argv[1]), {message!r})\n"
        + (SOLUTIONS / "momentum.py").read_text()
    )
    started = time.monotonic()
    results = grade(make_course(tmp_path, files={"momentum.py": source}))
    assert time.monotonic() - started < 30  # a forged "done" must not restart the worker forever
    for name in ("momentum_step", "optimize"):
        assert results[name].status in (ERROR, "failed"), name
        assert results[name].score < results[name].max_score
    assert "could not read what came back" in feedback(results["momentum_step"])
    assert_others_pass(results, "momentum_step", "optimize")

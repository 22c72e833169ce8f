"""`grader grade --isolation required` against a class with hostile submissions (issue 9).

Each attacker is a student whose code tries one class of attack the audit hook alone did not
stop: reading or writing through ``dir_fd``, starting a process that outlives grading with an
unaudited C entry point, signalling the judge and the fork server through pidfds, reading or
wiping another student's files, reading the judge's environment, a symlinked folder. For each:
the attack has no effect, the honest students get the scores they get alone, and no file outside
the scratch changes. Needs bubblewrap: CI installs it (.ci/run); only a non-Linux platform skips.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO, run_grader

SEED = "11"
TOKEN = "mlab-secret-token-5b1e9c"  # a fake instructor API token in the grader's environment
CHILD_TAG = "mlab-orphan-7f3a"  # the command line of the process an attacker starts
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="bubblewrap needs Linux"),
    pytest.mark.platform("bubblewrap needs Linux"),
]

SIGN_BUG = """
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_velocity = beta * velocity + lr * grad
    return theta + new_velocity, new_velocity
"""
# Stub code that replaces itself with the reference if it can read it through a dir_fd.
DIRFD_READ = """
import os
try:
    _fd = os.open({course!r}, os.O_RDONLY)
    _src = os.read(os.open("solutions/momentum.py", os.O_RDONLY, dir_fd=_fd), 1 << 20)
    exec(compile(_src, "stolen", "exec"), globals())
except OSError:
    pass
"""
# Wrong code that rewrites the reference and the checks' conftest through dir_fds.
DIRFD_WRITE = (
    SIGN_BUG
    + """
import os
for _folder, _name, _text in (
    ({solutions!r}, "momentum.py", "\\n# pwned\\n"),
    ({checks!r}, "conftest.py", "\\n# pwned\\n"),
):
    try:
        _fd = os.open(_folder, os.O_RDONLY)
        _out = os.open(_name, os.O_WRONLY | os.O_APPEND, dir_fd=_fd)
        os.write(_out, _text.encode())
    except OSError:
        pass
"""
)
# Starts a process with _posixsubprocess.fork_exec (no audit event) in its own session; if it
# survived grading it would write the marker a few seconds later.
SPAWN = (
    """
import os, sys, _posixsubprocess
def _spawn():
    code = "import time; time.sleep(4); open({marker!r}, 'w').write('{tag}')"
    argv = [sys.executable, "-c", code, "{tag}"]
    r, w = os.pipe()
    args = [argv, [os.fsencode(sys.executable)], True, (w,), None, None,
            -1, -1, -1, -1, -1, -1, r, w, True, True]
    if sys.version_info >= (3, 11):
        args.append(-1)  # process group
    args += [None, None, None, -1, None]
    for extra in ([False], []):  # allow_vfork, in the versions that have it
        try:
            return _posixsubprocess.fork_exec(*args, *extra)
        except TypeError:
            pass
_spawn()
"""
    + SIGN_BUG
)
# Kills its parent and anything that looks like the judge or the fork server, through pidfds.
KILL = """
import os, signal
def _targets():
    found = {os.getppid()}
    try:
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                cmd = open(f"/proc/{pid}/cmdline", "rb").read()
                if b"_zygote.py" in cmd or b"grader" in cmd:
                    found.add(int(pid))
    except OSError:
        pass
    return found - {0, 1, os.getpid()}
for _pid in _targets():
    try:
        signal.pidfd_send_signal(os.pidfd_open(_pid), signal.SIGKILL)
    except OSError:
        pass
"""
# Reads (to copy) and then wipes another student's original and staged files.
PEEK = """
import os
for _path in ({source!r}, os.path.join(os.path.dirname(__file__), "..", "..", "alice",
                                      "exercises", "momentum.py")):
    try:
        _src = open(_path).read()
        exec(compile(_src, "copied", "exec"), globals())
        open(_path, "w").close()
    except OSError:
        pass
"""
# Right answers, but it writes into its `grad` argument; HIDE also clears the worker's record
# of that through the worker's frame. The judge reads the arguments' file itself (shared.py).
MUTATE = """
import numpy as _np
_right = momentum_step
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    out = _right(theta, velocity, grad, lr, beta)
    if isinstance(grad, _np.ndarray):
        grad[...] = 7
    {hide}
    return out
"""
HIDE = """import sys
    try:
        sys._getframe(1).f_locals["before"].clear()
    except Exception:
        pass"""
# Raises, with every environment it can reach in the message: its own, every process's.
LEAK = """
import os
def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    seen = [repr(dict(os.environ))]
    try:
        for pid in os.listdir("/proc"):
            try:
                seen.append(open(f"/proc/{pid}/environ", "rb").read().decode("latin-1"))
            except OSError:
                pass
    except OSError:
        pass
    raise RuntimeError("\\n".join(seen)[:3000])
"""


def tree_hash(*roots: Path) -> dict[str, str]:
    """Every file under `roots` with a hash of its bytes (caches left out)."""
    out = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def student(subs: Path, name: str, solved: bool = True, extra: dict[str, str] | None = None):
    folder = subs / name / "exercises"
    shutil.copytree(REPO / ("solutions" if solved else "exercises"), folder,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for file, code in (extra or {}).items():
        with open(folder / file, "a", encoding="utf-8") as handle:
            handle.write("\n" + code)
    return folder


def grades(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return {r["student"]: r for r in csv.DictReader(handle)}


def orphans() -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and CHILD_TAG.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is not installed: .ci/run installs it (apt-get install bubblewrap)")
    root = tmp_path_factory.mktemp("hostile")
    course = root / "course"
    shutil.copytree(REPO / "solutions", course / "solutions")
    shutil.copytree(REPO / "exercises", course / "exercises")
    shutil.copy(REPO / "grader" / "course.toml", course / "course.toml")
    subs = root / "subs"
    marker = root / "orphan-was-here"
    alice = student(subs, "alice")
    student(subs, "bob", extra={"momentum.py": SIGN_BUG})
    honest = {"alice", "bob"}
    student(subs, "thief", solved=False, extra={"momentum.py": DIRFD_READ.format(
        course=str(course))})  # fmt: skip
    checks = REPO / "grader" / "checks"
    student(subs, "vandal", extra={"momentum.py": DIRFD_WRITE.format(
        solutions=str(course / "solutions"), checks=str(checks))})  # fmt: skip
    student(subs, "spawner", extra={"momentum.py": SPAWN.format(marker=str(marker), tag=CHILD_TAG)})
    student(subs, "killer", extra={"momentum.py": KILL})
    student(subs, "peeker", solved=False, extra={"momentum.py": PEEK.format(
        source=str(alice / "momentum.py"))})  # fmt: skip
    student(subs, "leaker", extra={"nesterov.py": LEAK})
    student(subs, "mutator", extra={"momentum.py": MUTATE.format(hide="")})
    student(subs, "hider", extra={"momentum.py": MUTATE.format(hide=HIDE)})
    (subs / "mallory").mkdir()
    (subs / "mallory" / "exercises").symlink_to(course / "solutions")
    before = tree_hash(course, subs, REPO / "grader" / "checks")
    env = {"MOMENTUM_LAB_API_TOKEN": TOKEN}
    out = root / "out"
    flags = ["--seed", SEED, "--isolation", "required", "--path", str(course)]
    done = run_grader("grade", str(subs), "--out", str(out), *flags, cwd=root, env=env, timeout=300)
    time.sleep(5)  # what a surviving process would need to write its marker
    after = tree_hash(course, subs, REPO / "grader" / "checks")
    alone_subs = root / "alone"
    for name in honest:
        shutil.copytree(subs / name, alone_subs / name)
    alone = run_grader("grade", str(alone_subs), "--out", str(root / "alone-out"), *flags,
                       cwd=root, timeout=300)  # fmt: skip
    assert alone.returncode == 0, alone.stderr
    return {"done": done, "out": out, "before": before, "after": after, "marker": marker,
            "alone": grades(root / "alone-out"), "honest": honest}  # fmt: skip


def test_the_batch_runs_isolated_and_says_so(hostile) -> None:
    done = hostile["done"]
    assert done.returncode == 0, done.stderr
    assert "Isolation: bubblewrap" in done.stdout
    assert "without isolation" not in done.stderr
    assert '"isolation": "bwrap"' in (hostile["out"] / "grades.json").read_text()


def test_honest_students_score_as_they_do_alone(hostile) -> None:
    rows = grades(hostile["out"])
    assert rows["alice"]["total"] == "14" and rows["alice"]["status"] == "passed"
    for name in hostile["honest"]:
        assert rows[name] == hostile["alone"][name], name


def test_no_file_outside_the_scratch_changed(hostile) -> None:
    changed = [p for p, h in hostile["before"].items() if hostile["after"].get(p) != h]
    assert changed == []
    assert set(hostile["after"]) == set(hostile["before"])


def test_dir_fd_reads_get_nothing(hostile) -> None:
    assert grades(hostile["out"])["thief"]["total"] == "0"


def test_dir_fd_writes_change_nothing_and_score_like_the_code(hostile) -> None:
    rows = grades(hostile["out"])
    assert rows["vandal"]["momentum_step"] == hostile["alone"]["bob"]["momentum_step"]
    assert rows["vandal"]["total"] == hostile["alone"]["bob"]["total"]


def test_unaudited_process_start_does_not_outlive_grading(hostile) -> None:
    assert not hostile["marker"].exists()
    assert orphans() == []
    assert grades(hostile["out"])["spawner"]["total"] == hostile["alone"]["bob"]["total"]


def test_pidfd_signals_reach_neither_judge_nor_fork_server(hostile) -> None:
    rows = grades(hostile["out"])
    assert rows["killer"]["total"] == "14"
    assert not any(r["status"].startswith("error: not graded") for r in rows.values())


def test_another_students_files_are_out_of_reach(hostile) -> None:
    assert grades(hostile["out"])["peeker"]["total"] == "0"


def test_the_judges_environment_never_reaches_any_output(hostile) -> None:
    done = hostile["done"]
    assert TOKEN not in done.stdout + done.stderr
    for path in hostile["out"].rglob("*"):
        if path.is_file():
            assert TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path
    leaked = (hostile["out"] / "feedback" / "leaker.txt").read_text(encoding="utf-8")
    assert "PATH" in leaked and "HOME" in leaked  # it did show what it could reach


def test_a_mutation_hidden_from_the_worker_is_seen_by_the_judge(hostile) -> None:
    rows = grades(hostile["out"])
    assert float(rows["mutator"]["momentum_step"]) < float(rows["alice"]["momentum_step"])
    assert rows["hider"]["momentum_step"] == rows["mutator"]["momentum_step"]


def test_a_symlinked_folder_is_refused(hostile) -> None:
    row = grades(hostile["out"])["mallory"]
    assert row["total"] == "0" and row["status"].startswith("error")


LOOP = """
def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    while True:
        pass
"""


def tagged(tag: str) -> list[int]:
    """Processes whose environment carries `tag` (what `grader grade` started inherits it)."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and tag.encode() in Path(f"/proc/{pid}/environ").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


def test_nothing_survives_a_killed_grade(tmp_path: Path) -> None:
    import signal
    import subprocess

    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is not installed: .ci/run installs it (apt-get install bubblewrap)")
    subs = tmp_path / "subs"
    for i in range(6):
        student(subs, f"s{i}", extra={"nesterov.py": LOOP})
    tag = f"mlab-kill-test-{os.getpid()}"
    temp = tmp_path / "tmp"  # the staging folder and the workers' scratch folders go here
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "MLAB_TEST_TAG": tag, "TMPDIR": str(temp)}
    flags = ["--isolation", "required", "--jobs", "2", "--timeout", "60", "--path", str(REPO)]
    argv = [sys.executable, "-m", "grader", "grade", str(subs), "--out", str(tmp_path / "out")]
    argv += flags
    grader = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(tagged(tag)) < 3 and time.monotonic() < deadline:  # the grader and its pool
        time.sleep(0.2)
    time.sleep(2)  # the fork servers start and the looping workers run
    assert len(tagged(tag)) >= 3
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    deadline = time.monotonic() + 10
    while tagged(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert tagged(tag) == []
    # The judging processes, told by the kernel that the grader died, removed their workers'
    # scratch folders; the grader's staging folder (the class's code) is left, until the next
    # batch finds that no running one holds it (a minute later: the clock is moved back here).
    assert not list(temp.glob("momentum-lab-*"))
    (left,) = temp.glob("grader-batch-*")
    lock = left / ".grader-batch.lock"
    os.utime(lock, (time.time() - 3600, time.time() - 3600))
    student(tmp_path / "next", "alice")
    again = [*argv[:4], str(tmp_path / "next"), "--out", str(tmp_path / "out2"), *flags]
    done = subprocess.run(again, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not left.exists()

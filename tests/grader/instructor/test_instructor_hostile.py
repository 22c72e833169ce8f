"""`grader grade` on submissions made to cheat or to break it: symlinks into the solutions,
hostile zips, formula student ids, escape sequences in output, a grader failing under a
student. Each is that student's row; the honest students in the batch are graded as alone."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.course import load_course
from grader.instructor.submissions import Submission, SubmissionError, stage
from helpers import EXERCISES, REPO, SOLUTIONS, run_grader

pytestmark = pytest.mark.slow  # seconds each: `pytest -m "not slow"` skips them

SEED = "7"
ESC_PRINT = r"""
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    print("\x1b[2K\rTotal: 14/14 \u202eok")
    raise ValueError("\x1b[32mall passed\x1b[0m\b")
"""
FAKE = "\x1b[2K\rTotal: 14/14"


def solved(folder: Path, extra: dict[str, str] | None = None) -> Path:
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name, source in (extra or {}).items():
        (folder / name).write_text((folder / name).read_text() + "\n" + source)
    return folder


def grade(subs: Path, out: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return run_grader("grade", str(subs), "--out", str(out), "--seed", SEED, *more, cwd=REPO)


def table(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return {r["student"]: r for r in csv.DictReader(handle)}


# ---- symlinks --------------------------------------------------------------------------------


def test_symlinked_folders_and_files_are_refused(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    solved(subs / "honest" / "exercises")
    # The attack: a folder that points at the solutions scored 14/14.
    (subs / "mal").mkdir()
    (subs / "mal" / "exercises").symlink_to(SOLUTIONS, target_is_directory=True)
    (subs / "deep" / "exercises").mkdir(parents=True)
    for file in EXERCISES.glob("*.py"):
        shutil.copy(file, subs / "deep" / "exercises" / file.name)
    (subs / "deep" / "exercises" / "lib").symlink_to(SOLUTIONS, target_is_directory=True)
    (subs / "sly" / "exercises").mkdir(parents=True)
    for file in SOLUTIONS.glob("*.py"):
        (subs / "sly" / "exercises" / file.name).symlink_to(file)
    # A submission that is itself a link (to a classmate, or to `/`, which must not be walked).
    (subs / "copycat").symlink_to(subs / "honest", target_is_directory=True)
    (subs / "root").symlink_to("/", target_is_directory=True)
    out = tmp_path / "out"
    done = grade(subs, out)
    assert done.returncode == 0, done.stderr
    rows = table(out)
    assert rows["honest"]["status"] == "passed" and rows["honest"]["total"] == "14"
    for student, link in (("mal", "exercises"), ("deep", "exercises/lib"),
                          ("sly", "exercises/momentum.py"), ("copycat", "copycat"),
                          ("root", "root")):  # fmt: skip
        assert rows[student]["total"] == "0", student
        assert rows[student]["status"].startswith(
            f"error: symlinks are not allowed: {link} is a symbolic link"
        ), rows[student]["status"]
        feedback = (out / "feedback" / f"{student}.txt").read_text()
        assert "symlinks are not allowed" in feedback


# ---- hostile zips ----------------------------------------------------------------------------


def make_zip(path: Path, entries: list[tuple[str, str]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in entries:
            zf.writestr(name, text)
    return path


def test_hostile_zips_are_their_own_error_rows(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    solution = (SOLUTIONS / "momentum.py").read_text()
    # A file and a folder of the same name stopped the whole batch (exit 2, nobody graded).
    make_zip(subs / "clash.zip", [("exercises/momentum.py", solution),
                                  ("exercises/momentum.py/x.py", "")])  # fmt: skip
    make_zip(subs / "clash2.zip", [("exercises/x/a.py", ""), ("exercises/x", "")])
    make_zip(subs / "long.zip", [("exercises/" + "a" * 300 + ".py", ""),
                                 ("exercises/momentum.py", solution)])  # fmt: skip
    make_zip(subs / "ctrl.zip", [("exercises/\x1b[31mmomentum.py", solution)])
    make_zip(subs / "slip.zip", [("../../escape.py", "x = 1\n")])
    with zipfile.ZipFile(subs / "good.zip", "w") as zf:
        for file in sorted(SOLUTIONS.glob("*.py")):
            zf.write(file, f"good/exercises/{file.name}")
    out = tmp_path / "out"
    done = grade(subs, out)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    rows = table(out)
    assert rows["good"]["status"] == "passed"
    for student in ("clash", "clash2", "long"):
        assert rows[student]["status"].startswith("error: cannot unpack the zip: "), student
        assert str(tmp_path) not in rows[student]["status"]  # no instructor paths in feedback
    assert "control characters" in rows["ctrl"]["status"]
    assert "\x1b" not in (out / "grades.csv").read_text()
    assert "outside the folder" in rows["slip"]["status"]
    assert not list(tmp_path.rglob("escape.py"))


def test_an_unreadable_file_is_that_submissions_error(tmp_path: Path, monkeypatch) -> None:
    """As root, chmod cannot make a file unreadable; the OSError is injected where it happens."""
    course = load_course(REPO)
    folder = solved(tmp_path / "zed" / "exercises")
    real = shutil.copyfile

    def copyfile(src, dst, **kwargs):  # type: ignore[no-untyped-def]
        if Path(src).name == "nesterov.py":
            raise PermissionError(13, "Permission denied", str(src))
        return real(src, dst, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", copyfile)
    with pytest.raises(SubmissionError) as caught:
        stage(Submission("zed", folder.parent), course, tmp_path / "stage")
    assert str(caught.value) == "could not be staged: Permission denied: exercises/nesterov.py"


# ---- formula ids and the gradebook ------------------------------------------------------------


def test_formula_ids_are_neutralised_and_numbers_stay_numbers(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    names = ["+A1+A2", "=HYPERLINK(evil)", "-2+3", "@SUM(A1)", "alice"]
    for name in names:
        solved(subs / name / "exercises")
    out = tmp_path / "out"
    done = grade(subs, out)
    assert done.returncode == 0, done.stderr
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    header, body = lines[0], lines[1:]
    assert header == ["student", *load_course(REPO).names, "total", "max", "status"]
    students = [row[0] for row in body]
    assert sorted(students) == sorted(
        ["'+A1+A2", "_HYPERLINK_evil_", "'-2+3", "'@SUM_A1_", "alice"]
    )
    for row in body:
        assert not row[0].startswith(("=", "+", "-", "@")), row
        assert row[-3:-1] == ["14", "14"] and row[-1] == "passed"
    # The feedback files keep the id a file system can hold, unquoted.
    assert (out / "feedback" / "+A1+A2.json").is_file()


def test_an_old_style_gradebook_gives_its_seed_once(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    solved(subs / "alice" / "exercises")
    out = tmp_path / "out"
    out.mkdir()
    (out / "grades.csv").write_text("# seed=4242 checks=abc\nstudent,total\n")
    first = run_grader("grade", str(subs), "--out", str(out), cwd=REPO)
    assert first.returncode == 0, first.stderr
    assert "seed 4242" in first.stdout
    assert "note: took seed 4242 from the old-style first line" in first.stdout
    assert json.loads((out / "grades.json").read_text())["seed"] == 4242
    assert (out / "grades.csv").read_text().startswith("student,")
    again = run_grader("grade", str(subs), "--out", str(out), cwd=REPO)
    assert "seed 4242" in again.stdout and "note:" not in again.stdout


# ---- escape sequences in what the student's code prints -------------------------------------


def test_escape_sequences_are_shown_not_obeyed_in_the_feedback(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    solved(subs / "ansi" / "exercises", {"momentum.py": ESC_PRINT})
    out = tmp_path / "out"
    done = grade(subs, out)
    assert done.returncode == 0, done.stderr
    text = (out / "feedback" / "ansi.txt").read_text()
    raw = (out / "feedback" / "ansi.json").read_text()
    data = json.loads(raw)
    outputs = [data["output"], *(t["output"] for t in data["tests"])]
    for shown in (text, *outputs, (out / "grades.csv").read_text()):
        assert not any(c in shown for c in "\x1b\r\b\u202e"), repr(shown[:200])
    assert r"\x1b[2K\rTotal: 14/14 \u202eok" in text
    assert r"\x1b[32mall passed\x1b[0m\b" in text
    assert any(r"\x1b[2K\rTotal: 14/14" in o for o in outputs)
    assert table(out)["ansi"]["status"].startswith("failed: momentum_step")


def test_escape_sequences_are_shown_not_obeyed_by_grader_check(tmp_path: Path) -> None:
    from helpers import append, make_course

    course = make_course(tmp_path / "course", files=append("momentum.py", ESC_PRINT))
    done = run_grader("check", "momentum_step", "--seed", SEED, cwd=course)
    assert done.returncode == 1, done.stderr
    assert "\x1b" not in done.stdout and "\r" not in done.stdout  # NO_COLOR: none of ours either
    assert r"\x1b[2K\rTotal: 14/14 \u202eok" in done.stdout
    colour = run_grader("check", "momentum_step", "--seed", SEED, cwd=course,
                        env={"NO_COLOR": "", "FORCE_COLOR": "1"})  # fmt: skip
    assert FAKE not in colour.stdout and r"\x1b[2K\rTotal: 14/14" in colour.stdout


# ---- a grader that fails under a student ------------------------------------------------------

SCRIPT = """
import faulthandler, os, signal, sys, time
faulthandler.dump_traceback_later(240, exit=True)  # a hang shows where, not just a timeout
from pathlib import Path
from grader.course import load_course
from grader.instructor import batch

mode, subs, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
real = batch.judge_many
calls = []

def server(zygote):
    # The fork server's python process: _proc itself, or inside bubblewrap a descendant
    # (which may not have started yet: look again until it has).
    for _ in range(600):
        pid = find_server(zygote)
        if pid:
            return pid
        time.sleep(0.05)
    raise SystemExit("no fork server process found")


def find_server(zygote):
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    todo = [zygote._proc.pid]
    while todo:
        pid = todo.pop(0)
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\\x00")
        except OSError:
            continue
        if b"python" in argv[0] and any(a.endswith(b"_zygote.py") for a in argv):
            return pid
        todo += children.get(pid, [])
    return None


def judge_many(tasks, *args, launcher=None, **kwargs):
    calls.append([t.student for t in tasks])
    if mode == "kill" and len(calls) == 1:
        # The fork server dies under the first chunk, as when a worker signalled it (the
        # issue's pidfd_send_signal) or the OOM killer chose it.
        os.kill(server(launcher), signal.SIGKILL)
        while launcher.alive:
            launcher.wait_exit(-1, timeout=0.05)
    results = real(tasks, *args, launcher=launcher, **kwargs)
    if "bob" in results and (mode == "internal" or (mode == "once" and len(calls) == 1)):
        from dataclasses import replace
        run = results["bob"]
        broken = replace(run.exercises[0], checks=tuple(
            replace(c, message="internal error in the grader (RuntimeError: boom at x.py:1). "
                    "Please report this.", status="error", score=0.0)
            for c in run.exercises[0].checks))
        results["bob"] = replace(run, exercises=(broken, *run.exercises[1:]))
    return results

batch.judge_many = judge_many
try:
    done = batch.grade(load_course(Path(os.environ["REPO"])), [subs], out, seed=7, jobs=1,
                        timeout=30)  # generous: the machine may be busy
finally:
    batch.close_workers()
print(json.dumps({"calls": calls, "regraded": done.regraded, "graded": done.graded,
                  "skipped": done.skipped}))
"""


def in_process(mode: str, subs: Path, out: Path) -> dict:
    """grade() in a fresh process with judge_many wrapped: which students each judging call
    had, and the batch's counts."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "REPO": str(REPO)}
    logs = out.parent / f"{mode}.log"
    # Output to a file, not a pipe: a pipe's reader would also wait for any process that
    # inherited it, and what is tested here is the grader's own result.
    with open(logs, "w+", encoding="utf-8") as log:
        code = subprocess.call([sys.executable, "-c", "import json\n" + SCRIPT, mode, str(subs),
                                str(out)], env=env, stdout=log, stderr=log,
                               timeout=300)  # fmt: skip
        log.seek(0)
        text = log.read()
    assert code == 0, text
    return json.loads(text.strip().splitlines()[-1])


@pytest.fixture
def trio(tmp_path: Path) -> Path:
    subs = tmp_path / "subs"
    for name in ("ann", "bob", "cy"):
        solved(subs / name / "exercises")
    return subs


@pytest.mark.platform("finds the fork server's process through /proc (Linux)")
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc")
def test_a_dead_fork_server_costs_nobody_their_grade(trio: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ran = in_process("kill", trio, out)
    # The first chunk ran on a dead server: each of its students was graded again, alone, on
    # a new one, which then served the rest of the batch.
    first = ran["calls"][0]
    assert "ann" in first and ran["regraded"] == len(first), ran
    assert ran["calls"][1 : 1 + len(first)] == [[s] for s in first]
    assert sorted(sum(ran["calls"][1 + len(first) :], [])) == sorted(
        {"ann", "bob", "cy"} - set(first)
    )
    rows = table(out)
    assert [rows[s]["status"] for s in ("ann", "bob", "cy")] == ["passed"] * 3


def test_an_internal_error_is_graded_again_at_once(trio: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ran = in_process("once", trio, out)
    assert ran["regraded"] == 1 and ["bob"] in ran["calls"][1:]
    assert len(ran["calls"][0]) > 1  # bob was in a chunk with others, and regraded alone
    assert table(out)["bob"]["status"] == "passed"


def test_a_rerun_never_reuses_an_internal_error(trio: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ran = in_process("internal", trio, out)
    assert ran["regraded"] == 1 and ran["graded"] == 3
    rows = table(out)
    assert rows["bob"]["status"].startswith(
        "error: not graded, the grader failed (RuntimeError: boom"
    )
    assert rows["ann"]["status"] == rows["cy"]["status"] == "passed", rows
    stored = json.loads((out / "feedback" / "bob.json").read_text())["extra_data"]["row"]
    assert stored["final"] is False
    # The next run grades bob (and only bob) again, and this time the grader works.
    again = in_process("ok", trio, out)
    assert again["calls"] == [["bob"]] and again["graded"] == 1 and again["skipped"] == 2, again
    assert table(out)["bob"]["status"] == "passed"


# ---- names that sanitise alike ---------------------------------------------------------------


def test_names_that_sanitise_alike_are_both_graded(tmp_path: Path) -> None:
    # josé and josè both become jos_, Bob and bob are one feedback file on macOS and Windows:
    # before, the later one got an error row (a classmate could take an honest student's id).
    # Now each is graded as its own code; the later one's id carries a hash of its real name.
    import hashlib

    subs = tmp_path / "subs"
    solved(subs / "josé")
    shutil.copytree(EXERCISES, subs / "josè", ignore=shutil.ignore_patterns("__pycache__"))
    solved(subs / "Bob")
    shutil.copytree(EXERCISES, subs / "bob", ignore=shutil.ignore_patterns("__pycache__"))
    done = grade(subs, tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = table(tmp_path / "out")

    def later(name: str, safe: str) -> str:
        return f"{safe}~{hashlib.sha256(os.fsencode(name)).hexdigest()[:8]}"

    # Sorted order: Bob < bob < josè < josé; the first of each pair keeps the plain id.
    full, empty = {"Bob", later("josé", "jos_")}, {later("bob", "bob"), "jos_"}
    assert set(rows) == full | empty, rows
    for student in full:
        assert rows[student]["status"] == "passed", rows[student]
        assert rows[student]["total"] == rows[student]["max"], rows[student]
    for student in empty:
        assert rows[student]["status"] == "not attempted", rows[student]
    assert (tmp_path / "out" / "feedback" / f"{later('bob', 'bob')}.json").is_file()
    assert done.stdout.count("is graded as") == 2, done.stdout


@pytest.mark.parametrize("lie", [False, True], ids=["honest-count", "count-says-1"])
def test_a_zip_of_many_entries_is_refused_before_it_is_parsed(tmp_path, monkeypatch, lie):
    # zipfile builds one object per entry of the central directory whatever the end record's
    # count says; 20 000 empty entries are refused from the end record alone.
    from grader.instructor import submissions

    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(20_000):
            zf.writestr(f"e{i}", b"")
    if lie:  # both entry counts of the end record say 1; the directory's size still tells
        data = bytearray(archive.read_bytes())
        end = data.rindex(b"PK\x05\x06")
        data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2
        archive.write_bytes(bytes(data))

    def never(*args, **kwargs):
        raise AssertionError("zipfile parsed the whole directory")

    monkeypatch.setattr(submissions.zipfile, "ZipFile", never)
    with pytest.raises(SubmissionError, match="list of entries is too long"):
        submissions.extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# ---- what only the file list keeps out of reach without an OS backend -----------------------

COPY_FROM = """
try:
    exec(compile(open({path!r}).read(), "copied", "exec"), globals())
except OSError:
    pass
"""


def test_without_isolation_earlier_submissions_and_stale_staging_stay_unread(tmp_path):
    # --isolation none: a submission graded in an earlier run (skipped now) and the staging
    # folder a killed run left in the temp folder are readable by path unless the audit hook
    # is told about them. Before, this student copied both and scored 14/14.
    import tempfile

    subs = tmp_path / "subs"
    alice = solved(subs / "alice")
    out = tmp_path / "out"
    assert grade(subs, out, "--isolation", "none").returncode == 0
    stale = Path(tempfile.mkdtemp(prefix="grader-batch-"))  # as a killed run leaves it
    try:
        shutil.copytree(SOLUTIONS, stale / "bob" / "exercises",
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        copier = subs / "copier"
        shutil.copytree(EXERCISES, copier, ignore=shutil.ignore_patterns("__pycache__"))
        stolen = {"momentum.py": alice / "momentum.py",
                  "nesterov.py": stale / "bob" / "exercises" / "nesterov.py"}  # fmt: skip
        for name, source in stolen.items():
            with open(copier / name, "a", encoding="utf-8") as handle:
                handle.write(COPY_FROM.format(path=str(source)))
        done = grade(subs, out, "--isolation", "none")
    finally:
        shutil.rmtree(stale)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = table(out)
    assert rows["alice"]["status"] == "passed"
    assert "1 already graded" in done.stdout, done.stdout
    assert rows["copier"]["momentum_step"] == "0" and rows["copier"]["nesterov_step"] == "0", rows

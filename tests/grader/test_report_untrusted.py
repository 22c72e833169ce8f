"""Text the student controls, shown safely: control characters escaped in the report, formula
signs neutralised in the gradebook, and the gradebook readable by any CSV reader."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from grader.course import load_course
from grader.instructor.gradebook import (
    Row,
    Settings,
    error_row,
    previous_row,
    read_previous,
    write_error_feedback,
    write_gradebook,
)
from grader.report import Style, render_run
from grader.results import CheckResult, ExerciseResult, RunResult
from grader.textsafe import csv_cell, escape_controls
from helpers import REPO

FAKE_TOTAL = "\x1b[2K\rTotal: 14/14 points"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2K\rTotal: 14/14", r"\x1b[2K\rTotal: 14/14"),
        ("back\b\b\bspace", r"back\b\b\bspace"),
        ("nul\x00 del\x7f bell\x07", r"nul\x00 del\x7f bell\x07"),
        ("csi\x9b31m nel\x85", r"csi\x9b31m nel\x85"),  # C1 controls, 8-bit CSI
        ("abc\u202edef\u2066x\u2069", r"abc\u202edef\u2066x\u2069"),  # bidi override, isolate
        ("zero\u200bwidth line\u2028sep", r"zero\u200bwidth line\u2028sep"),
        ("form\x0cfeed vt\x0b", r"form\ffeed vt\v"),
    ],
)
def test_controls_are_escaped(raw: str, shown: str) -> None:
    assert escape_controls(raw) == shown
    assert escape_controls(shown) == shown  # idempotent: escaping twice changes nothing


@pytest.mark.parametrize(
    "text", ["", "plain", "θ ← θ + v, β ∇f(θ) − ½", "lines\nand\ttabs\n", "no\u00a0break"]
)
def test_printable_text_newlines_and_tabs_are_kept(text: str) -> None:
    assert escape_controls(text) == text


@pytest.mark.parametrize(
    ("cell", "safe"),
    [("+A1+A2", "'+A1+A2"), ('=HYPERLINK("x")', "'=HYPERLINK(\"x\")"), ("-2+3", "'-2+3"),
     ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("alice", "alice"),
     ("bob-2", "bob-2"), ("", "")],
)  # fmt: skip
def test_formula_cells_are_neutralised(cell: str, safe: str) -> None:
    assert csv_cell(cell) == safe


def _run(message: str) -> RunResult:
    checks = (
        CheckResult("optimize", "a", "passed", "", 2.0, 2.0),
        CheckResult("optimize", "b\x1b[8m", "error", message, 0.0, 2.0),
    )
    return RunResult(42, (ExerciseResult("optimize", checks, 4.0),))


def test_the_report_shows_escapes_instead_of_obeying_them() -> None:
    message = f"`optimize` raised ValueError.\nYour code printed:\n{FAKE_TOTAL}\n\u202eevil"
    plain = render_run(_run(message), Style(color=False))
    assert "\x1b" not in plain and "\r" not in plain and "\u202e" not in plain
    assert r"\x1b[2K\rTotal: 14/14 points" in plain and r"\u202eevil" in plain
    assert r"b\x1b[8m" in plain  # a check title is escaped too
    # The real total is the report's own line, not the student's.
    assert [line for line in plain.splitlines() if line.startswith("Total:")] == [
        "Total: 2/4 points · 0 of 1 exercises pass"
    ]
    colour = render_run(_run(message), Style(color=True))
    ours = set(re.findall(r"\x1b\[[0-9;]*m", colour))
    assert ours and ours <= {"\x1b[1m", "\x1b[0m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[2m"}
    assert "\x1b[2K" not in colour and "\x1b[8m" not in colour


def test_the_gradebook_is_plain_csv_with_a_sidecar(tmp_path: Path) -> None:
    course = load_course(REPO)
    scores = dict.fromkeys(course.names, 0.5)
    rows = [
        Row("+A1+A2", scores, -0.5, 14.0, "passed"),
        Row("@me", scores, 2.0, 14.0, "error: momentum.py line 3: SyntaxError: \x1b[31mbad\nx"),
        Row("alice", scores, 14.0, 14.0, "failed: optimize failed"),
    ]
    write_gradebook(tmp_path, Settings(7, "abc123", "bwrap"), course, rows)
    text = (tmp_path / "grades.csv").read_text(encoding="utf-8")
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == ["student", *course.names, "total", "max", "status"]
    assert [r["student"] for r in table] == ["'+A1+A2", "'@me", "alice"]
    assert table[0]["total"] == "-0.5"  # our numbers stay numbers, sign and all
    assert table[1]["status"] == r"error: momentum.py line 3: SyntaxError: \x1b[31mbad x"
    assert "\x1b" not in text and len(text.splitlines()) == 4
    sidecar = json.loads((tmp_path / "grades.json").read_text())
    assert sidecar["seed"] == 7 and sidecar["checks"] == "abc123"
    assert sidecar["isolation"] == "bwrap"
    assert sidecar["columns"] == list(table[0])
    assert read_previous(tmp_path).seed == 7 and read_previous(tmp_path).note == ""


@pytest.mark.parametrize(
    ("files", "seed", "noted"),
    [
        ({"grades.csv": "# seed=31 checks=abc\nstudent,total\n"}, 31, True),
        ({"grades.csv": "student,total\n"}, None, False),
        ({"grades.csv": "# seed=x checks=abc\n"}, None, False),
        ({"grades.json": "{not json", "grades.csv": "# seed=5 checks=a\n"}, 5, True),
        ({"grades.json": '{"format": "momentum-lab/grades", "seed": true}'}, None, False),
        ({}, None, False),
    ],
)
def test_the_seed_of_an_earlier_run(tmp_path: Path, files, seed, noted) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = read_previous(tmp_path)
    assert found.seed == seed
    assert bool(found.note) == noted


def test_only_verdicts_made_the_same_way_are_reused(tmp_path: Path) -> None:
    course = load_course(REPO)
    settings = Settings(7, "abc123", "bwrap")
    verdict = error_row(course, "ann", "error: the submission is empty")
    write_error_feedback(tmp_path, verdict, settings, "f1", "visible")
    path = tmp_path / "ann.json"
    assert previous_row(path, settings, "f1") == Row(
        "ann", verdict.scores, 0.0, verdict.max, verdict.status, skipped=True
    )
    assert previous_row(path, settings, "f2") is None  # the submission changed
    assert previous_row(path, Settings(8, "abc123", "bwrap"), "f1") is None
    assert previous_row(path, Settings(7, "abc123", "user"), "f1") is None  # other isolation
    failed = error_row(course, "bob", "error: not graded, the grader failed (x)", final=False)
    write_error_feedback(tmp_path, failed, settings, "f1", "visible")
    assert previous_row(tmp_path / "bob.json", settings, "f1") is None
    data = json.loads(path.read_text())
    del data["extra_data"]["row"]["final"]  # written before rows said whether they are verdicts
    path.write_text(json.dumps(data))
    assert previous_row(path, settings, "f1") is None

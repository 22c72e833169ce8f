"""labkit.errors: one line per error, with the exit status the error carries."""

from __future__ import annotations

import io

from labkit.errors import LabError, report_error


def test_lab_error_message_and_hint() -> None:
    stream = io.StringIO()
    exc = LabError("no bank named `x`", hint="Run `quiz list` to see them")
    assert report_error("quiz", exc, stream) == 2
    assert stream.getvalue() == "quiz: error: no bank named `x`. Run `quiz list` to see them.\n"


def test_exit_code_can_be_chosen() -> None:
    class Invalid(LabError):
        exit_code = 1

    assert report_error("grader", Invalid("bad"), io.StringIO()) == 1
    assert report_error("grader", LabError("bad", exit_code=3), io.StringIO()) == 3


def test_other_exceptions_print_their_message_with_status_2() -> None:
    stream = io.StringIO()
    assert report_error("grader", FileNotFoundError(2, "No such file", "a.py"), stream) == 2
    assert stream.getvalue() == "grader: error: No such file (a.py).\n"


def test_errors_on_an_ascii_stream_never_show_question_marks() -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    report_error("quiz", LabError("β must be below 1"), stream)
    stream.flush()
    assert stream.buffer.getvalue() == b"quiz: error: beta must be below 1.\n"

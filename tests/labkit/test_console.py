"""labkit.console: ASCII spellings on narrow encodings, the colour decision, the EOF key."""

from __future__ import annotations

import ctypes
import io
import sys
import types

import pytest

from labkit.console import Console, eof_key, wants_color

RULE = "v ← βv − α∇f(θ + βv), θ ← θ + v  ✓ ✗  ½(4x² + y²)  ‖g‖ ≤ 1 ≥ 0"


def narrow(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding)


def written(console: Console) -> bytes:
    stream = console.stream
    stream.flush()
    return stream.buffer.getvalue()


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_narrow_streams_get_ascii_spellings_never_question_marks(encoding: str) -> None:
    console = Console(narrow(encoding))
    console.write(RULE)
    out = written(console).decode(encoding)
    assert "?" not in out
    assert "v <- beta v - alpha grad f(theta + beta v), theta <- theta + v" in out
    assert "[ok] [x]" in out
    assert "||g|| <= 1 >= 0" in out
    assert not console.unicode


def test_ascii_spells_what_cp1252_still_has() -> None:
    assert Console(narrow("ascii")).text("½(4x² + y²) · 2") == "1/2(4x^2 + y^2) * 2"
    # cp1252 has ½, ² and ·, so they stay.
    assert Console(narrow("cp1252")).text("½(4x² + y²) · 2") == "½(4x² + y²) · 2"


def test_subscripts_and_letter_runs_stay_readable() -> None:
    console = Console(narrow("ascii"))
    assert console.text("θ₀ and αλ < 2(1 + β)") == "theta_0 and alpha lambda < 2(1 + beta)"
    assert console.text("café ★") == "cafe <black star>"


def test_utf8_streams_are_untouched() -> None:
    console = Console(narrow("utf-8"))
    assert console.unicode
    assert console.text(RULE) == RULE


def test_stringio_without_encoding_counts_as_unicode() -> None:
    assert Console(io.StringIO()).unicode


@pytest.mark.parametrize(
    ("environ", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # no-color.org: "present and not an empty string"
        ({"NO_COLOR": "", "TERM": "dumb"}, True, False),
        ({"TERM": "dumb"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, False, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, False),  # NO_COLOR wins
    ],
)
def test_colour_decision(environ: dict, tty: bool, expected: bool) -> None:
    stream = FakeTTY() if tty else io.StringIO()
    assert wants_color(stream, environ, platform="linux") is expected
    assert Console(stream, environ=environ, platform="linux").color is expected


def test_windows_console_without_vt_gets_no_colour() -> None:
    # On this machine there is no Windows console API, so enabling VT fails: no colour.
    assert wants_color(FakeTTY(), {}, platform="win32") is False


def test_style_only_with_colour() -> None:
    assert Console(io.StringIO(), color=True).style("x", "good") == "\033[32mx\033[0m"
    assert Console(io.StringIO(), color=False).style("x", "good") == "x"


def test_print_writes_a_line_and_flushes() -> None:
    stream = narrow("ascii")
    Console(stream).print("β")
    assert stream.buffer.getvalue() == b"beta\n"  # flushed through the wrapper


def test_eof_key_per_platform() -> None:
    assert eof_key("win32") == "Ctrl-Z then Enter"
    assert eof_key("linux") == "Ctrl-D"
    assert eof_key("darwin") == "Ctrl-D"


class FakeKernel32:
    def __init__(self, set_ok: int) -> None:
        self.set_ok, self.modes = set_ok, []

    def GetConsoleMode(self, handle, mode) -> int:  # noqa: N802 - the Windows API's name
        return 1

    def SetConsoleMode(self, handle, mode) -> int:  # noqa: N802
        self.modes.append(mode)
        return self.set_ok


@pytest.mark.parametrize("set_ok", [1, 0])
def test_windows_vt_mode_is_switched_on_or_colour_dropped(monkeypatch, set_ok: int) -> None:
    kernel32 = FakeKernel32(set_ok)
    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(kernel32=kernel32), raising=False)
    monkeypatch.setitem(sys.modules, "msvcrt", types.SimpleNamespace(get_osfhandle=lambda fd: 7))

    class Tty(FakeTTY):
        def fileno(self) -> int:
            return 1

    assert wants_color(Tty(), {}, platform="win32") is bool(set_ok)
    assert kernel32.modes == [0x0004]  # ENABLE_VIRTUAL_TERMINAL_PROCESSING asked for

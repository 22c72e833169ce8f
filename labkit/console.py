"""A stream wrapper that never prints `?` for β and decides colour the way users expect.

`Console(stream)` asks the stream which encoding it writes (`stream.encoding`) and, for every
character that encoding cannot hold, writes an ASCII spelling instead (θ → theta, ∇f → grad f,
− → -, ✓ → [ok]). A cp1252 Windows console or an `ascii` pipe then shows readable text.

Colour follows https://no-color.org and https://force-color.org, both of which say "when
present and not an empty string": `NO_COLOR=` (empty) is ignored; any other value turns colour
off and wins over everything else. Then a non-empty `FORCE_COLOR` turns colour on, even into a
pipe. Otherwise colour needs a terminal (`isatty()`) whose `TERM` is not `dumb`, and on Windows
a console that accepts VT escape codes (we try to switch that mode on, and give up colour if
the console refuses).
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Mapping
from typing import TextIO

PROBE = "θβα∇−✓✗←"

# Spellings of symbols a narrow encoding lacks. Letters and words get a space before a
# following letter or digit ("βv" → "beta v"), so the result still reads as maths.
WORDS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta",
    "θ": "theta", "λ": "lambda", "μ": "mu", "ρ": "rho", "σ": "sigma", "τ": "tau",
    "φ": "phi", "ω": "omega", "Δ": "Delta", "Σ": "Sigma", "∇": "grad", "∂": "d",
    "√": "sqrt", "∞": "inf", "π": "pi",
}  # fmt: skip
SYMBOLS = {
    "−": "-", "–": "-", "—": "--", "←": "<-", "→": "->", "⇒": "=>", "✓": "[ok]", "✗": "[x]",
    "½": "1/2", "¼": "1/4", "¾": "3/4", "²": "^2", "³": "^3", "·": "*", "×": "x", "‖": "||",
    "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~=", "±": "+/-", "…": "...", "’": "'", "‘": "'",
    "“": '"', "”": '"', "•": "*", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "°": " deg",
    "₀": "_0", "₁": "_1", "₂": "_2", "₃": "_3", "₄": "_4", "₅": "_5", "₆": "_6", "₇": "_7",
    "₈": "_8", "₉": "_9", "ₖ": "_k", "ₜ": "_t", "ᵀ": "^T", "⁻": "^-", "¹": "^1",
}  # fmt: skip
STYLES = {"bold": "1", "dim": "2", "good": "32", "bad": "31", "warn": "33"}


def eof_key(platform: str | None = None) -> str:
    """The key that ends input at a prompt: Ctrl-Z then Enter on Windows, Ctrl-D elsewhere."""
    return "Ctrl-Z then Enter" if (platform or sys.platform) == "win32" else "Ctrl-D"


def wants_color(
    stream: TextIO, environ: Mapping[str, str] | None = None, platform: str | None = None
) -> bool:
    """Whether to colour `stream`: NO_COLOR, then FORCE_COLOR, then a real, capable terminal."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", ""):
        return False
    if env.get("FORCE_COLOR", ""):
        return True
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
    if not tty or env.get("TERM") == "dumb":
        return False
    if (platform or sys.platform) == "win32":
        return enable_vt(stream)
    return True


def enable_vt(stream: TextIO) -> bool:
    """Switch a Windows console to VT processing; False when it cannot be done."""
    try:
        import ctypes
        import msvcrt

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = msvcrt.get_osfhandle(stream.fileno())  # type: ignore[attr-defined]
        mode = ctypes.c_uint32()
        if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False
        vt = 0x0004  # ENABLE_VIRTUAL_TERMINAL_PROCESSING
        if mode.value & vt:
            return True
        return bool(kernel32.SetConsoleMode(handle, mode.value | vt))
    except Exception:  # noqa: BLE001 - any failure here only means "no colour"
        return False


class Console:
    """Writes text to a stream in a form its encoding can hold, with optional colour.

    It has `write` and `flush`, so code written for a plain stream can be handed a Console.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        color: bool | None = None,
        environ: Mapping[str, str] | None = None,
        platform: str | None = None,
    ) -> None:
        self.stream = stream
        # StringIO and some wrappers have no encoding: they hold any text.
        self.encoding = getattr(stream, "encoding", None) or "utf-8"
        self.unicode = self._fits(PROBE)
        self.color = wants_color(stream, environ, platform) if color is None else color
        self._cache: dict[str, bool] = {}

    def _fits(self, text: str) -> bool:
        try:
            text.encode(self.encoding)
        except (UnicodeEncodeError, LookupError):
            return False
        return True

    def text(self, s: str) -> str:
        """`s` with every character the stream cannot encode spelled in ASCII (never `?`)."""
        if self._fits(s):
            return s
        out: list[str] = []
        for index, char in enumerate(s):
            fits = self._cache.get(char)
            if fits is None:
                fits = self._cache[char] = self._fits(char)
            if fits:
                out.append(char)
                continue
            if char in WORDS:
                nxt = s[index + 1 : index + 2]
                # "βv" → "beta v", "∇f" → "grad f", but "θ₀" → "theta_0"
                spaced = (nxt.isascii() and nxt.isalnum()) or nxt in WORDS
                out.append(WORDS[char] + (" " if spaced else ""))
            else:
                out.append(SYMBOLS.get(char) or _spell(char))
        return "".join(out)

    def style(self, s: str, name: str) -> str:
        """`s` in a style (bold, dim, good, bad, warn) when colour is on, else `s` unchanged."""
        return f"\033[{STYLES[name]}m{s}\033[0m" if self.color else s

    def write(self, s: str) -> int:
        self.stream.write(self.text(s))
        return len(s)

    def print(self, s: str = "") -> None:
        """Write one line and flush, so prompts and progress show at once."""
        self.write(s + "\n")
        self.flush()

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False


def _spell(char: str) -> str:
    """ASCII for a character with no table entry: its decomposition (é → e), else its name."""
    base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    if base:
        return base
    name = unicodedata.name(char, "")
    return f"<{name.lower()}>" if name else f"<U+{ord(char):04X}>"


ERRORS = "labkit.ascii"


def _ascii_errors(exc: UnicodeError) -> tuple[str, int]:
    """A codec error handler: what `Console.text` writes for characters a stream lacks."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    following = exc.object[exc.end : exc.end + 1]
    spelled = Console(_Ascii()).text(chunk + following)
    return (spelled[: len(spelled) - len(following)] if following else spelled), exc.end


class _Ascii:
    encoding = "ascii"


def install_fallback(*streams: TextIO) -> None:
    """Make every write to these streams spell what their encoding lacks in ASCII (θ → theta)
    instead of failing or printing `?`, whoever writes: print(), argparse, a library."""
    import codecs

    try:
        codecs.lookup_error(ERRORS)
    except LookupError:
        codecs.register_error(ERRORS, _ascii_errors)
    for stream in streams:
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors=ERRORS)
            except (ValueError, OSError):  # a closed or detached stream
                pass

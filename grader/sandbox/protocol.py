"""Plain-data messages between the judge and the sandbox worker.

Everything that crosses the process boundary is JSON: numbers, strings, and float64 arrays as
base64 bytes with their shape. Nothing is ever unpickled, so no object a student returns can run
code in the judge. The worker imports this file by path, before any student code.
"""

from __future__ import annotations

import binascii
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_ELEMENTS = 1_000_000  # a returned value larger than this is not sent back, just described
MAX_LINE = 16 * 1024 * 1024  # the judge refuses a message longer than this (10**6 floats: 11 MiB)
MAX_DEPTH = 32  # nesting of [ and { in one message; ours never pass 8
MAX_TEXT = 20_000  # characters of an error message or traceback sent back


class ProtocolError(Exception):
    """A message from the worker was not well formed."""


# Private references, taken when this file is loaded (in the worker: before any student code).
# Student code that rebinds `np.array`, `base64.b64encode`, `json.dumps` or
# `json.encoder.c_make_encoder` changes what *it* calls, never how the worker encodes its
# answers or decodes its arguments. These are C functions and types: nothing inside them looks
# up a Python name a student could rebind.
_ARRAY = np.array
_ASARRAY = np.asarray
_FROMBUFFER = np.frombuffer
_NDARRAY = np.ndarray
_FLOAT64 = np.float64
_B2A = binascii.b2a_base64
_A2B = binascii.a2b_base64
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")
try:
    from _json import encode_basestring_ascii as _ENCODE_STR
    from _json import make_encoder as _MAKE_ENCODER
except ImportError:  # an interpreter without the C accelerator: the plain encoder
    _MAKE_ENCODER = None


def _b64decode(data: Any) -> bytes:
    """base64.b64decode(data, validate=True), without the Python layer."""
    if isinstance(data, str):
        data = data.encode("ascii")
    if not isinstance(data, bytes | bytearray) or not _BASE64.fullmatch(data):
        raise ValueError("not base64")
    return _A2B(data)


def encode_array(array: np.ndarray) -> dict[str, Any]:
    a = _ARRAY(array, dtype=_FLOAT64, order="C")  # ascontiguousarray would make 0-d 1-d
    data = _B2A(_NDARRAY.tobytes(a), newline=False).decode("ascii")
    return {"shape": list(a.shape), "data": data}


def decode_array(obj: Any) -> np.ndarray:
    try:
        shape = tuple(_count(n) for n in obj["shape"])
        if len(shape) > 32:
            raise ValueError("too many dimensions")
        raw = _b64decode(obj["data"])
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ProtocolError(f"bad array message: {exc}") from exc
    if math.prod(shape) * 8 != len(raw):
        raise ProtocolError("array message: shape does not match data")
    flat = _FROMBUFFER(raw, dtype=_FLOAT64)
    return _NDARRAY.copy(_NDARRAY.reshape(flat, shape))


def _count(n: Any) -> int:
    if type(n) is not int or n < 0:
        raise ValueError(f"bad dimension {str(n)[:20]}")
    return n


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ProtocolError("expected a string")
    return value[:limit]


def _line(value: Any, limit: int) -> str:
    """A name or a repr: one line, so it cannot draw a fake "✓ passed" line in the report."""
    return _text(value, limit).replace("\r", "\\r").replace("\n", "\\n")


# ---- call arguments (judge -> worker) ---------------------------------------------------------


def encode_arg(value: Any) -> dict[str, Any]:
    """Arguments are arrays, plain scalars, lists of numbers, or gradient functions described
    as data. Integer arrays keep their dtype (students must cope with an integer theta0)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iu":
            return {"array": encode_array(value), "dtype": "int64"}
        return {"array": encode_array(value)}
    if isinstance(value, list) and all(isinstance(x, int | float) for x in value):
        return {"list": value}
    if isinstance(value, GradSpec):
        return {"grad": value.spec}
    if value is None or isinstance(value, bool | int | float | str):
        return {"value": value}
    raise TypeError(f"cannot send {type(value).__name__} to the sandbox")


@dataclass(frozen=True)
class GradSpec:
    """A gradient function described as plain data (see surfaces.grad_fn_from_spec)."""

    spec: dict[str, Any]

    @staticmethod
    def surface(name: str) -> GradSpec:
        return GradSpec({"kind": "surface", "name": name})

    @staticmethod
    def quadratic(curvatures: np.ndarray) -> GradSpec:
        return GradSpec({"kind": "quadratic", "curvatures": [float(c) for c in curvatures]})


def decode_arg(obj: dict[str, Any], make_grad: Any, shared: Any = None) -> Any:
    """An argument as the student's function gets it. {"shared": ...} is a view into
    `shared` (the mapped file of array arguments, see the judge's shared.py)."""
    if "shared" in obj:
        spec = obj["shared"]
        dtype = {"float64": _FLOAT64, "int64": np.int64}[spec["dtype"]]
        shape = tuple(_count(n) for n in spec["shape"])
        flat = _FROMBUFFER(shared, dtype=dtype, count=math.prod(shape), offset=spec["offset"])
        return _NDARRAY.reshape(flat, shape)
    if "array" in obj:
        array = decode_array(obj["array"])
        return array.astype(np.int64) if obj.get("dtype") == "int64" else array
    if "list" in obj:
        return [x for x in obj["list"] if isinstance(x, int | float)]
    if "grad" in obj:
        return make_grad(obj["grad"])
    return obj["value"]


# ---- returned values (worker -> judge) --------------------------------------------------------


def encode_returned(value: Any, depth: int = 0) -> dict[str, Any]:
    """Describe what student code returned, converting with np.asarray(value, dtype=float).

    Never more than MAX_ELEMENTS numbers in all, so one message stays under MAX_LINE."""
    if value is None:
        return {"kind": "none"}
    if depth == 0 and isinstance(value, tuple | list):
        items = list(value)
        arrays = [x for x in items if isinstance(x, _NDARRAY)]
        encoded, total = [], 0
        for x in items[:10_001]:
            item = encode_returned(x, 1)
            total += _elements(item)
            if total > MAX_ELEMENTS:
                return _other(value, f"a {type(value).__name__} of {len(items)} items, "
                              f"more than {MAX_ELEMENTS} numbers in all")  # fmt: skip
            encoded.append(item)
        return {
            "kind": "seq",
            "type": _type_name(value),
            "items": encoded,
            "length": len(items),
            # The same array object appended again and again: the rows alias one another.
            "aliased": len({id(x) for x in arrays}) < len(arrays),
        }
    if _holds_text(value):
        # np.asarray(["1.2"], dtype=float) parses text: a string is not a number the code
        # computed, so it is described as what it is, never read as one.
        return _other(value, _short_repr(value))
    try:
        array = _ASARRAY(value, dtype=float)
    except Exception:  # noqa: BLE001 - any failure to convert is the student's, described below
        return _other(value, _short_repr(value))
    if array.size > MAX_ELEMENTS:
        return _other(value, f"array of {array.shape}")
    return {"kind": "array", "type": _type_name(value), "array": encode_array(array)}


def _holds_text(value: Any) -> bool:
    """A str or bytes, or an array or nested list with text in it."""
    if isinstance(value, str | bytes):
        return True
    try:
        array = _ASARRAY(value)
    except Exception:  # noqa: BLE001 - ragged or odd: np.asarray(..., dtype=float) decides
        return False
    if array.dtype.kind in "SU":
        return True
    if array.dtype.kind == "O" and array.size <= MAX_ELEMENTS:
        return any(isinstance(x, str | bytes) for x in array.flat)
    return False


def _elements(item: dict[str, Any]) -> int:
    return len(item["array"]["data"]) * 3 // 32 if item["kind"] == "array" else 1


def _other(value: Any, text: str) -> dict[str, Any]:
    return {"kind": "other", "type": _type_name(value), "repr": text}


def _type_name(value: Any) -> str:
    return type(value).__name__[:100]


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


@dataclass(frozen=True)
class Returned:
    """What a student's function returned, rebuilt from plain data in the judge."""

    kind: str  # none | array | seq | other
    type_name: str = ""
    array: np.ndarray | None = None
    items: tuple[Returned, ...] = ()
    length: int = 0
    aliased: bool = False
    text: str = ""

    @staticmethod
    def decode(obj: Any, depth: int = 0) -> Returned:
        """Rebuild from a message; anything malformed is a ProtocolError, never another error."""
        if not isinstance(obj, dict) or depth > 1:
            raise ProtocolError("returned value is not an object")
        kind = obj.get("kind")
        type_name = _line(obj.get("type", ""), 100)
        if kind == "none":
            return Returned("none", "NoneType")
        if kind == "array":
            return Returned("array", type_name, array=decode_array(obj.get("array")))
        if kind == "seq":
            raw = obj.get("items", [])
            length = obj.get("length", len(raw) if isinstance(raw, list) else 0)
            if not isinstance(raw, list) or len(raw) > 10_001 or type(length) is not int:
                raise ProtocolError("bad sequence message")
            items = tuple(Returned.decode(x, depth + 1) for x in raw)
            return Returned(
                "seq", type_name, items=items, length=length, aliased=obj.get("aliased") is True
            )
        if kind == "other":
            return Returned("other", type_name, text=_line(obj.get("repr", ""), 300))
        raise ProtocolError(f"unknown returned kind {str(kind)[:50]!r}")

    def as_array(self) -> np.ndarray | None:
        """The value as ``np.asarray(value, dtype=float)`` would see it, or None."""
        if self.kind == "array":
            return self.array
        if self.kind == "seq" and self.items and all(i.kind == "array" for i in self.items):
            shapes = {i.array.shape for i in self.items}  # type: ignore[union-attr]
            if len(shapes) == 1:
                return np.stack([i.array for i in self.items])  # type: ignore[misc]
        if self.kind == "seq" and not self.items:
            return np.zeros((0,))
        return None

    def describe(self) -> str:
        """A short human description: 'None', 'a tuple of 2 items', 'an array of shape (3, 2)'."""
        if self.kind == "none":
            return "None"
        if self.kind == "seq":
            return f"a {self.type_name} of {self.length} item{'s' * (self.length != 1)}"
        if self.kind == "array":
            shape = self.array.shape  # type: ignore[union-attr]
            if shape == ():
                return f"the number {self.array.item():g}"  # type: ignore[union-attr]
            return f"an array of shape {shape}"
        return f"a {self.type_name} ({self.text})"


def _refuse(obj: Any) -> Any:
    raise TypeError(f"{type(obj).__name__} is not JSON")


def dumps(obj: Any) -> str:
    """Compact JSON through the C encoder captured at load time (see _MAKE_ENCODER)."""
    # allow_nan: a student's NaN/inf travel inside base64 arrays, never as JSON numbers, but
    # scalar arguments may legitimately be inf (say, max_steps) in future cases.
    if _MAKE_ENCODER is None:
        return json.dumps(obj, separators=(",", ":"), allow_nan=True)
    # No circular-reference markers: every message is a tree built here, never student data.
    encode = _MAKE_ENCODER(None, _refuse, _ENCODE_STR, None, ":", ",", False, False, True)
    return "".join(encode(obj, 0))


def loads(line: bytes | str) -> Any:
    """Parse one message: at most MAX_LINE long and MAX_DEPTH deep, checked before json.loads
    (whose recursion a 100 000-deep message would exhaust); linear in the message's length."""
    if len(line) > MAX_LINE:
        raise ProtocolError("message too long")
    data = line.encode("utf-8", "surrogatepass") if isinstance(line, str) else bytes(line)
    # Most messages have a few brackets around base64 text: too few to be too deep.
    brackets = data.count(b"[") + data.count(b"{")
    if brackets > MAX_DEPTH and nesting_depth(data) > MAX_DEPTH:
        raise ProtocolError(f"message nested more than {MAX_DEPTH} deep")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"not JSON: {str(exc)[:200]}") from exc


# A JSON string, written so the regex engine never backtracks (linear time).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def nesting_depth(data: bytes) -> int:
    """The deepest nesting of [ and { outside JSON strings, in linear time."""
    if b"[" not in data and b"{" not in data:
        return 0
    bare = np.frombuffer(_STRING.sub(b'""', data), dtype=np.uint8)
    step = (bare == ord("[")).astype(np.int64) + (bare == ord("{"))
    step -= (bare == ord("]")).astype(np.int64) + (bare == ord("}"))
    return int(np.cumsum(step).max(initial=0))


@dataclass(frozen=True)
class Call:
    """One call of a student function: module.func(*args, **kwargs)."""

    id: str
    module: str
    func: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "module": self.module,
            "func": self.func,
            "args": [encode_arg(a) for a in self.args],
            "kwargs": {k: encode_arg(v) for k, v in self.kwargs.items()},
        }


@dataclass(frozen=True)
class Outcome:
    """What happened to one call.

    status: ok | not_implemented | raised | exit | import_error | missing | timeout | crash
    """

    status: str
    value: Returned | None = None
    error_type: str = ""
    error: str = ""
    function: str = ""  # for not_implemented: the student function that raised
    mutated: tuple[str, ...] = ()
    stdout: str = ""
    # For timeout and crash: "call" (this call did it), "import" (importing the file did), or
    # "skipped" (not run, because an earlier call of the same function did).
    scope: str = "call"


WORKER_STATUSES = frozenset({"ok", "not_implemented", "raised", "exit", "import_error", "missing"})


def decode_result(event: dict[str, Any]) -> Outcome:
    """The Outcome in a worker's "result" event. Anything malformed is a ProtocolError: whatever
    bytes student code puts on the channel are its own error, never the grader's."""
    try:
        status = event.get("status")
        if status not in WORKER_STATUSES:
            raise ProtocolError(f"unknown status {str(status)[:50]!r}")
        error = event.get("error") or {}
        mutated = event.get("mutated", [])
        if not isinstance(error, dict) or not isinstance(mutated, list) or len(mutated) > 100:
            raise ProtocolError("bad result message")
        value = event.get("value")
        if status == "ok" and value is None:
            raise ProtocolError("a result without its value")
        return Outcome(
            status=status,
            value=Returned.decode(value) if value is not None else None,
            error_type=_line(error.get("type", ""), 200),
            error=_text(error.get("message", ""), MAX_TEXT),
            function=_line(error.get("function", ""), 200),
            mutated=tuple(_line(m, 100) for m in mutated),
            stdout=_text(event.get("stdout", ""), MAX_TEXT),
        )
    except ProtocolError:
        raise
    except Exception as exc:  # noqa: BLE001 - see the docstring
        raise ProtocolError(f"bad result message ({type(exc).__name__})") from exc

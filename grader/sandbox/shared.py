"""Array arguments in a file both sides map: the judge sees for itself whether a call changed one.

"Leaves its arguments unchanged" used to be the worker's report, made in the worker's memory,
which the code under test shares: it could clear the worker's copies through a frame, rebind
its comparison, or profile its way around it. Now every array argument of a worker's calls
lives in one file in the worker's scratch folder (`NAME`). The worker maps it and hands the
student views into it, decoded before any student code is loaded; the judge kept the bytes it
wrote and, as each result arrives, reads the file through its own descriptor. A change made in
place is a change of the file, whatever the worker then says. (The worker still compares its
own copies, for list arguments and as a second opinion.)

How the worker finds the file (`ENV`): a relative path in its working folder (a fresh worker;
bubblewrap binds the file there), or ``fd:N``, a descriptor the fork server hands over.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from grader.sandbox.isolation import ARGUMENTS
from grader.sandbox.protocol import Call, encode_arg

NAME = ARGUMENTS  # in the worker's scratch folder, where bubblewrap binds it too
ENV = "MOMENTUM_LAB_ARGS"
FD = 4  # where the fork server's child puts the file's descriptor


@dataclass
class SharedArgs:
    """The file of one worker's array arguments and what the judge wrote there."""

    path: Path | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)  # the calls as sent
    # call id -> (argument key, offset, the bytes written): "0", "1", ... or a keyword's name
    regions: dict[str, list[tuple[str, int, bytes]]] = field(default_factory=dict)
    _reader: BinaryIO | None = None

    def changed(self, call_id: str) -> list[str]:
        """The arguments of this call whose bytes in the file are not the ones written."""
        if self._reader is None:
            return []
        out = []
        for key, offset, original in self.regions.get(call_id, ()):
            try:
                self._reader.seek(offset)
                now = self._reader.read(len(original))
            except OSError:
                now = b""
            if now != original:
                out.append(key)
        return out

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def write(calls: Sequence[Call], folder: str) -> SharedArgs:
    """The calls as the worker gets them, their array arguments moved into `folder`/NAME."""
    shared = SharedArgs()
    chunks: list[bytes] = []
    offset = 0

    def place(call_id: str, key: str, value: Any) -> dict[str, Any]:
        nonlocal offset
        if not isinstance(value, np.ndarray) or value.size == 0:
            return encode_arg(value)
        dtype = np.int64 if value.dtype.kind in "iu" else np.float64  # as encode_arg sends it
        data = np.ascontiguousarray(value, dtype=dtype).tobytes()
        shared.regions.setdefault(call_id, []).append((key, offset, data))
        spec = {"offset": offset, "shape": list(value.shape), "dtype": np.dtype(dtype).name}
        padded = data + b"\0" * (-len(data) % 8)  # every view starts 8-byte aligned
        chunks.append(padded)
        offset += len(padded)
        return {"shared": spec}

    for call in calls:
        shared.calls.append({
            "id": call.id, "module": call.module, "func": call.func,
            "args": [place(call.id, str(i), a) for i, a in enumerate(call.args)],
            "kwargs": {k: place(call.id, k, v) for k, v in call.kwargs.items()},
        })  # fmt: skip
    if offset:
        path = Path(folder) / NAME
        with open(path, "xb") as out:  # a fresh scratch folder: nothing is there yet
            out.write(b"".join(chunks))
        shared.path = path
        # Unbuffered: every read goes to the file (the page cache the worker's mapping shares).
        shared._reader = open(path, "rb", buffering=0)
    return shared


def open_for_child(cwd: str) -> int | None:
    """A read-write descriptor of the file in `cwd`, for a worker that cannot see the folder
    (the fork server's); None if the calls have no array argument."""
    try:
        return os.open(os.path.join(cwd, NAME), os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None

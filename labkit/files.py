"""One way to write a file so that readers see the old version or the new one, never half.

`atomic_write(path)` yields a handle on a temporary file beside `path`, flushes it to disk and
renames it over `path`; if anything goes wrong the temporary file is removed and `path` is left
as it was. Used by every command that writes results, state, archives or gradebooks.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_write(
    path: Path | str, mode: str = "w", durable: bool = True, **open_args: Any
) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` ("w" text, UTF-8 by default, or "wb"); on success
    it replaces `path`, on any exception (Ctrl-C included) it is deleted.

    Readers see the old file or the new one, never a part, either way. `durable` also waits
    until the data is on disk before the rename (a power cut cannot leave an empty file); a
    file that is written again anyway when it is unreadable can skip that wait, which costs
    milliseconds per file."""
    path = Path(path)
    if "b" not in mode:
        open_args.setdefault("encoding", "utf-8")
        open_args.setdefault("newline", "")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path | str, text: str, durable: bool = True) -> None:
    """Write `text` (UTF-8) to `path` atomically (see atomic_write for `durable`)."""
    with atomic_write(path, durable=durable) as handle:
        handle.write(text)


def write_bytes(path: Path | str, data: bytes) -> None:
    """Write `data` to `path` atomically."""
    with atomic_write(path, "wb") as handle:
        handle.write(data)

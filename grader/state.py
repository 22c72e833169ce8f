"""A small progress file in the course folder (`.grader/state.json`): hints seen, last results.

Like rustlings' state file. Losing it loses nothing important, so a damaged file is ignored.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from labkit.files import write_text

STATE_DIR = ".grader"


def path(root: Path) -> Path:
    return root / STATE_DIR / "state.json"


def load(root: Path) -> dict[str, Any]:
    try:
        data = json.loads(path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(root: Path, data: dict[str, Any]) -> None:
    target = path(root)
    target.parent.mkdir(exist_ok=True)
    write_text(target, json.dumps(data, indent=2, sort_keys=True))


def digest(file: Path) -> str:
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return ""

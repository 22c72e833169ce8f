"""labkit.files: atomic replacement, synced to disk unless told it need not be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labkit import files


@pytest.mark.parametrize("durable, syncs", [(True, 1), (False, 0)])
def test_write_replaces_whole_and_syncs_only_when_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool, syncs: int
) -> None:
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    target = tmp_path / "grades.csv"
    target.write_text("old\n", encoding="utf-8")
    files.write_text(target, "new\n", durable=durable)
    assert target.read_text(encoding="utf-8") == "new\n"
    assert len(synced) == syncs
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]  # no temporary file left


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "feedback.json"
    target.write_text("{}\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), files.atomic_write(target, durable=False) as handle:
        handle.write("{half")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["feedback.json"]

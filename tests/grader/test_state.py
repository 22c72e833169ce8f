"""Progress (.grader/state.json) in the course folder, or the user's cache when it is read-only.

CI runs as root, for whom `chmod -w` stops nothing, so a read-only course is made by putting a
plain file where the `.grader` folder would go (no one can create a folder there) and, for a
normal user, by removing write permission as well.
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader import state
from helpers import make_course, run_grader


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory for this test (Linux rules: XDG_CACHE_HOME)."""
    folder = tmp_path / "xdg-cache"
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def read_only(course: Path) -> None:
    (course / state.STATE_DIR).write_text("not a folder\n")
    course.chmod(course.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    course = make_course(tmp_path / "course", solved=True)
    read_only(course)
    yield course
    course.chmod(course.stat().st_mode | stat.S_IWUSR)  # so pytest can clean up


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"XDG_CACHE_HOME": "/x/cache"}, "/x/cache/momentum-lab"),
        ("linux", {"XDG_CACHE_HOME": "  "}, "{home}/.cache/momentum-lab"),
        ("linux", {}, "{home}/.cache/momentum-lab"),
        ("freebsd14", {}, "{home}/.cache/momentum-lab"),
        ("darwin", {"XDG_CACHE_HOME": "/x/cache"}, "{home}/Library/Caches/momentum-lab"),
        ("win32", {"LOCALAPPDATA": "/c/AppData/Local"}, "/c/AppData/Local/momentum-lab/Cache"),
        ("win32", {}, "{home}/AppData/Local/momentum-lab/Cache"),
    ],
)
def test_cache_dir_follows_platformdirs(platform, env, expected, tmp_path, monkeypatch):
    home = tmp_path / "home"
    for name in ("XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"HOME": str(home), "USERPROFILE": str(home), **env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert state.cache_dir() == Path(expected.format(home=home))


def test_a_writable_course_keeps_its_state_inside(tmp_path: Path, cache: Path) -> None:
    assert state.save(tmp_path, {"hints": {"optimize": 2}}) is None
    assert (tmp_path / ".grader" / "state.json").is_file() and not cache.exists()
    assert state.load(tmp_path) == {"hints": {"optimize": 2}}


def test_a_read_only_course_uses_the_cache_and_says_so_once(locked: Path, cache: Path) -> None:
    notice = state.save(locked, {"hints": {"optimize": 1}})
    assert notice and str(locked) in notice and "cannot be written" in notice
    stored = state.fallback_path(locked)
    assert stored.is_file() and stored.is_relative_to(cache / "momentum-lab")
    assert state.load(locked) == {"hints": {"optimize": 1}}
    assert state.save(locked, {"hints": {"optimize": 2}}) is None  # said once
    assert state.load(locked) == {"hints": {"optimize": 2}}


def test_each_course_has_its_own_cache_file(tmp_path: Path, cache: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for course in (one, two):
        course.mkdir()
        (course / state.STATE_DIR).write_text("")
    state.save(one, {"n": 1})
    state.save(two, {"n": 2})
    assert state.fallback_path(one) != state.fallback_path(two)
    assert state.load(one) == {"n": 1} and state.load(two) == {"n": 2}


def test_writable_again_moves_back_into_the_course(tmp_path: Path, cache: Path) -> None:
    (tmp_path / state.STATE_DIR).write_text("")
    state.save(tmp_path, {"n": 1})
    (tmp_path / state.STATE_DIR).unlink()
    assert state.load(tmp_path) == {"n": 1}  # the cache copy, until the next save
    assert state.save(tmp_path, {"n": 2}) is None
    assert not state.fallback_path(tmp_path).exists()
    assert state.load(tmp_path) == {"n": 2}


def test_a_damaged_state_file_is_ignored(tmp_path: Path, cache: Path) -> None:
    (tmp_path / ".grader").mkdir()
    (tmp_path / ".grader" / "state.json").write_text("{not json")
    assert state.load(tmp_path) == {}
    (tmp_path / ".grader" / "state.json").write_text("[1, 2]")
    assert state.load(tmp_path) == {}


def test_nowhere_writable_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    (tmp_path / state.STATE_DIR).write_text("")
    with pytest.raises(OSError):
        state.save(tmp_path, {"n": 1})


# ---- the commands, as a student runs them -----------------------------------------------------


def cache_env(tmp_path: Path) -> dict[str, str]:
    """The user's cache directory moved to tmp_path/cache (Linux's and Windows' rules)."""
    cache = str(tmp_path / "cache")
    return {"XDG_CACHE_HOME": cache, "LOCALAPPDATA": cache}


def test_hint_and_list_in_a_read_only_course(locked: Path, tmp_path: Path) -> None:
    env = cache_env(tmp_path)
    seen = []
    for _ in range(3):
        done = run_grader("hint", "momentum_step", "--path", str(locked), cwd=locked, env=env)
        assert done.returncode == 0, done.stderr
        seen.append(done.stdout.split(":")[0])
        notes = done.stderr.count("grader: note:")
        assert notes == (1 if len(seen) == 1 else 0), done.stderr
    assert seen == [f"Hint {i} of 3 for `momentum_step`" for i in (1, 2, 3)]
    checked = run_grader("check", "optimize", "--path", str(locked), cwd=locked, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "note:" not in checked.stderr  # already said by `hint`
    listed = run_grader("list", "--path", str(locked), cwd=locked, env=env)
    rows = {
        line.split()[1]: line for line in listed.stdout.splitlines() if line.strip()[:1].isdigit()
    }
    assert "passed" in rows["optimize"] and "not checked yet" in rows["momentum_step"]
    assert not (locked / ".grader").is_dir()


def test_the_notice_names_the_cache_folder(locked: Path, tmp_path: Path) -> None:
    done = run_grader("hint", "optimize", "--path", str(locked), cwd=locked,
                      env=cache_env(tmp_path))  # fmt: skip
    assert "grader: note:" in done.stderr
    assert str(tmp_path / "cache" / "momentum-lab") in done.stderr.replace("\n", " ")
    assert list((tmp_path / "cache" / "momentum-lab").rglob("state.json"))

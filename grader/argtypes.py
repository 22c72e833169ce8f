"""Argument types shared by grader's subcommands: each says what is wrong with a bad value."""

from __future__ import annotations

import argparse
from pathlib import Path


def seconds(text: str) -> float:
    """A time limit: more than 0 and at most 600 seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"{text} must be more than 0 and at most 600 seconds")
    return value


def seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**32 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"{text} must be between 0 and 4294967295")
    return value


def count(text: str) -> int:
    """A number of workers or seeds: 1 to 1000."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"{text} must be between 1 and 1000")
    return value


def course_option() -> argparse.ArgumentParser:
    """`--path DIR`, as a parent parser for the subcommands that work on a course."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--path", type=Path, metavar="DIR",
        help="the course folder (default: the nearest folder at or above here with exercises/)",
    )  # fmt: skip
    return parent

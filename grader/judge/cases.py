"""The cases each exercise is checked on, built from a seed (pure: no I/O, no student code).

Each exercise module builds its own cases (`ExerciseSpec.cases`); this module seeds them. The
same seed always gives the same cases, and one exercise's cases do not depend on which other
exercises are selected.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from grader.course import Exercise
from grader.exercises.base import Case


def build(exercises: Sequence[Exercise], seed: int) -> list[Case]:
    """All cases for these exercises, in order."""
    cases: list[Case] = []
    for ex in exercises:
        rng = np.random.default_rng([seed, zlib.crc32(ex.name.encode())])
        cases.extend(replace(c, module=ex.module) for c in ex.spec.cases(rng))
    return cases

"""`close` is np.allclose(rtol=1e-9, atol=1e-12) written out for speed: it must agree with it."""

from __future__ import annotations

import numpy as np
import pytest

from grader.exercises.base import close


def reference(got, expected) -> bool:  # type: ignore[no-untyped-def]
    got, expected = np.asarray(got), np.asarray(expected)
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=1e-9, atol=1e-12, equal_nan=False)
    )


SPECIAL = [0.0, -0.0, 1.0, -1.0, 1e-300, 1e300, np.inf, -np.inf, np.nan, 1e-12, 2e-12]


def test_agrees_with_allclose_on_random_and_special_values() -> None:
    rng = np.random.default_rng(0)
    for _ in range(3000):
        n = int(rng.integers(1, 4))
        expected = rng.choice(SPECIAL, n) if rng.random() < 0.3 else rng.normal(size=n)
        kind = rng.integers(5)
        if kind == 0:
            got = expected.copy()
        elif kind == 1:
            got = expected * (1 + rng.choice([1e-10, 1e-9, 2e-9, 1e-6]))
        elif kind == 2:
            got = expected + rng.choice([1e-13, 1e-12, 3e-12])
        elif kind == 3:
            got = rng.choice(SPECIAL, n)
        else:
            with np.errstate(over="ignore"):
                got = expected.astype(np.float32)
        assert close(got, expected) == reference(got, expected), (got, expected)


@pytest.mark.parametrize(
    "got, expected",
    [
        ([1, 2], [1.0, 2.0]),  # ints
        ([True, False], [1.0, 0.0]),  # booleans
        ([1.0, 2.0], [1.0, 2.0, 3.0]),  # shapes
        ([[1.0, 2.0]], [1.0, 2.0]),  # broadcastable is not the same shape
        (3.0, 3.0 + 1e-10),  # scalars
        ([1 + 0j], [1.0]),  # complex
    ],
)
def test_other_kinds_agree_with_allclose(got, expected) -> None:  # type: ignore[no-untyped-def]
    assert close(got, expected) == reference(got, expected)

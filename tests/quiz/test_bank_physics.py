"""The default bank's claims about the ravine and β, recomputed with a tiny heavy-ball loop."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BANKS

from quiz.bank import load_banks

CURVATURES = (4.0, 1.0)  # f(x, y) = ½(4x² + y²), ∇f = (4x, y)
LR, TOL, START = 0.1, 1e-6, (2.0, 2.0)


def steps_to_converge(beta: float, lr: float = LR, max_steps: int = 300_000) -> int | None:
    """Steps until ‖∇f‖ ≤ tol for heavy ball on the ravine (plain floats, for speed)."""
    (x, y), (vx, vy) = START, (0.0, 0.0)
    for k in range(max_steps + 1):
        gx, gy = CURVATURES[0] * x, CURVATURES[1] * y
        if (gx * gx + gy * gy) ** 0.5 <= TOL:
            return k
        vx, vy = beta * vx - lr * gx, beta * vy - lr * gy
        x, y = x + vx, y + vy
    return None


def x_path(beta: float, steps: int) -> list[float]:
    theta, v, xs = np.array(START), np.zeros(2), []
    for _ in range(steps):
        xs.append(round(float(theta[0]), 10))
        v = beta * v - LR * np.array(CURVATURES) * theta
        theta = theta + v
    return xs


def rate(alpha_lambda: float, beta: float) -> float:
    """Spectral radius of heavy ball's 2×2 iteration along one direction of curvature λ."""
    matrix = np.array([[1 + beta - alpha_lambda, -beta], [1.0, 0.0]])
    return float(max(abs(np.linalg.eigvals(matrix))))


@pytest.fixture(scope="module")
def bank():
    (momentum,) = load_banks([BANKS / "momentum.yaml"])
    return {q.id: q for q in momentum.questions}


def text_of(question) -> str:
    parts = [question.prompt, question.explanation or "", question.feedback or ""]
    parts += [c.text + " " + (c.feedback or "") for c in question.choices]
    return " ".join(parts)


def test_steps_quoted_in_the_bank(bank) -> None:
    speed = text_of(bank["ravine-momentum-speed"])
    sweep = text_of(bank["steps-versus-beta"])
    limit = text_of(bank["beta-to-one"])
    assert steps_to_converge(0.0) == 138 and "138" in speed and "138" in sweep
    assert steps_to_converge(0.9) == 269 and "269" in speed and "269" in limit
    assert steps_to_converge(0.5) == 44 and "44" in speed and "44" in sweep
    assert steps_to_converge(0.99) == 2719 and "2719" in sweep and "2719" in limit
    assert round(steps_to_converge(0.9999), -3) == 207_000 and "207 000" in limit


def test_the_sweep_has_its_low_near_one_half() -> None:
    betas = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
    steps = [steps_to_converge(b) for b in betas]
    assert betas[int(np.argmin(steps))] == 0.5
    low = betas.index(0.5)
    assert all(a > b for a, b in zip(steps[:low], steps[1 : low + 1], strict=True))  # falls
    assert all(a < b for a, b in zip(steps[low + 1 :], steps[low + 2 :], strict=False))  # climbs


def test_why_beta_09_is_slower_and_05_faster() -> None:
    gd = max(abs(1 - LR * lam) for lam in CURVATURES)
    assert gd == pytest.approx(0.9)
    for beta in (0.9, 0.5):  # both directions oscillate: the rate is √β
        assert max(rate(LR * lam, beta) for lam in CURVATURES) == pytest.approx(beta**0.5)
    assert 0.5**0.5 < gd < 0.9**0.5
    best = (1 - (LR * CURVATURES[1]) ** 0.5) ** 2  # the slow direction critically damped
    assert best == pytest.approx(0.47, abs=0.005)
    grid = np.linspace(0, 0.99, 199)
    worst = [max(rate(LR * lam, b) for lam in CURVATURES) for b in grid]
    assert grid[int(np.argmin(worst))] == pytest.approx(best, abs=0.01)


def test_gradient_descent_does_not_zigzag_but_momentum_does(bank) -> None:
    gd = x_path(0.0, 4)
    assert gd == [2.0, 1.2, 0.72, 0.432]
    assert "2, 1.2, 0.72, 0.432" in text_of(bank["ravine-gd-path"])
    assert bank["ravine-gd-path"].answer is False
    heavy = x_path(0.9, 5)
    assert heavy == [2.0, 1.2, 0.0, -1.08, -1.62]
    assert "2, 1.2, 0, −1.08, −1.62" in text_of(bank["ravine-zigzag"])
    assert np.sign(heavy[1]) != np.sign(heavy[3])  # momentum swings across the valley


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99, 0.9999])
@pytest.mark.parametrize("alpha_lambda", [0.01, 0.4, 1.0, 1.99])
def test_stable_for_every_beta_below_one_when_gd_is(alpha_lambda: float, beta: float) -> None:
    # Polyak: heavy ball is stable exactly when 0 < αλ < 2(1 + β); GD's αλ < 2 implies it.
    assert rate(alpha_lambda, beta) < 1
    assert rate(2 * (1 + beta) + 0.01, beta) > 1


def test_beta_near_one_stays_bounded_on_the_ravine(bank) -> None:
    theta, v, biggest = np.array(START), np.zeros(2), 0.0
    for _ in range(20_000):
        v = 0.9999 * v - LR * np.array(CURVATURES) * theta
        theta = theta + v
        biggest = max(biggest, float(np.abs(theta).max()))
    assert biggest < 10  # no divergence, only slow ringing
    assert bank["beta-limit-quadratic"].answer is False
    (right,) = [c for c in bank["beta-to-one"].choices if c.correct]
    assert "converge" in right.text and "diverge" not in right.text

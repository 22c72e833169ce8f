"""Every gradient the course provides agrees with finite differences of its loss."""

import numpy as np
import pytest

from grader.sandbox.surfaces import SURFACES, grad_fn_from_spec, quadratic


def numeric_grad(loss, theta, h=1e-6):
    out = np.zeros_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        out[i] = (loss(theta + e) - loss(theta - e)) / (2 * h)
    return out


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_surface_gradient_matches_finite_differences(name):
    surface = SURFACES[name]
    rng = np.random.default_rng(0)
    points = [np.array(surface.start), *rng.uniform(-1.5, 1.5, (20, 2))]
    for theta in points:
        np.testing.assert_allclose(
            surface.grad(theta), numeric_grad(surface.loss, theta), rtol=1e-6, atol=1e-5
        )


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_gradient_is_zero_at_the_minimum(name):
    surface = SURFACES[name]
    np.testing.assert_allclose(surface.grad(np.array(surface.minimum)), 0.0, atol=1e-12)


def test_ravine_uses_the_true_gradient_not_the_lessons_slip():
    # The lesson pairs ½(4x² + y²) with (4x, 2y); the true gradient is (4x, y).
    np.testing.assert_array_equal(SURFACES["ravine"].grad(np.array([2.0, 2.0])), [8.0, 2.0])


@pytest.mark.parametrize("d", [1, 7, 50])
def test_quadratic_gradient_matches_finite_differences(d):
    rng = np.random.default_rng(d)
    curv = rng.uniform(0.2, 3.0, d)
    loss, grad = quadratic(curv)
    theta = rng.normal(size=d)
    np.testing.assert_allclose(grad(theta), numeric_grad(loss, theta), rtol=1e-6, atol=1e-6)
    spec_grad = grad_fn_from_spec({"kind": "quadratic", "curvatures": list(curv)})
    np.testing.assert_array_equal(spec_grad(theta), grad(theta))


def test_unknown_gradient_kind_is_refused():
    with pytest.raises(ValueError, match="unknown gradient kind"):
        grad_fn_from_spec({"kind": "nope"})


def test_plot_offers_every_surface():
    # grader plot lists the surfaces without importing numpy; the two lists must agree.
    from grader.plot.command import SURFACE_DEFAULTS

    assert set(SURFACE_DEFAULTS) == set(SURFACES)

"""Closed forms against independent oracles: numpy.polyfit, autograd's Hessian, a measured divergence."""

import numpy as np
import pytest
import torch

from sgd_helpers import fit, hessian, least_squares, max_stable_lr, mse, polynomial, roller_coaster, sse


@pytest.mark.parametrize("degree", [1, 2, 3])
def test_least_squares_matches_numpy_polyfit(degree):
    t, y = roller_coaster()
    ours = least_squares(t, y, degree)
    assert ours.dtype == torch.float32
    np.testing.assert_allclose(ours.numpy(), np.polyfit(t.numpy(), y.numpy(), degree), rtol=1e-4, atol=1e-4)


def test_least_squares_is_a_minimum_gradient_zero():
    t, y = roller_coaster()
    p = least_squares(t.double(), y.double(), 2).requires_grad_()
    mse(polynomial(t.double(), p), y.double()).backward()
    assert float(p.grad.abs().max()) < 1e-8


@pytest.mark.parametrize("loss", [mse, sse])
@pytest.mark.parametrize("degree", [1, 2, 3])
def test_hessian_matches_autograd(loss, degree):
    x = torch.linspace(-2, 3, 9, dtype=torch.float64)
    y = torch.sin(x)
    p0 = torch.zeros(degree + 1, dtype=torch.float64)
    oracle = torch.autograd.functional.hessian(lambda p: loss(polynomial(x, p), y), p0)
    torch.testing.assert_close(hessian(x, degree, loss), oracle)


@pytest.mark.parametrize("loss", [mse, sse])
def test_max_stable_lr_is_where_gradient_descent_starts_to_diverge(loss):
    t, y = roller_coaster()
    x = (t - 9.5) / 9.5
    lr_max = max_stable_lr(x, 2, loss)
    start = torch.tensor([1.0, 1.0, 1.0])
    below = fit(polynomial, start, x, y, lr=0.97 * lr_max, steps=3000, loss=loss)
    above = fit(polynomial, start, x, y, lr=1.03 * lr_max, steps=3000, loss=loss)
    assert not below.diverged and float(below.losses[-1]) < float(below.losses[0])
    assert above.diverged

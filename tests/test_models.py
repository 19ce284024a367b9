"""Models and losses against independent oracles: numpy's polyval, hand-written sums, autograd vs calculus."""

import numpy as np
import pytest
import torch

from sgd_helpers import mse, poly_features, polynomial, quadratic, sse


def test_quadratic_matches_numpy_polyval():
    t = torch.linspace(-3, 3, 13)
    p = torch.tensor([0.75, -14.25, 68.7])
    np.testing.assert_allclose(quadratic(t, p).numpy(), np.polyval(p.numpy(), t.numpy()), rtol=1e-6)


@pytest.mark.parametrize("degree", [0, 1, 2, 3, 5])
def test_polynomial_matches_numpy_polyval(degree):
    g = torch.Generator().manual_seed(degree)
    t, p = torch.randn(11, generator=g, dtype=torch.float64), torch.randn(degree + 1, generator=g, dtype=torch.float64)
    np.testing.assert_allclose(polynomial(t, p).numpy(), np.polyval(p.numpy(), t.numpy()), rtol=1e-12)


def test_polynomial_of_degree_two_is_the_quadratic():
    t = torch.arange(20.0)
    p = torch.tensor([0.3, -2.0, 5.0])
    torch.testing.assert_close(polynomial(t, p), quadratic(t, p))


def test_quadratic_gradient_matches_calculus():
    # d/d(a,b,c) of sum(a t^2 + b t + c) = (sum t^2, sum t, n)
    t = torch.arange(5.0)
    p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    quadratic(t, p).sum().backward()
    torch.testing.assert_close(p.grad, torch.tensor([(t**2).sum(), t.sum(), 5.0]))


def test_poly_features_columns_are_powers_highest_first():
    f = poly_features(torch.tensor([2.0, -1.0]), 3)
    torch.testing.assert_close(f, torch.tensor([[8.0, 4.0, 2.0, 1.0], [-1.0, 1.0, -1.0, 1.0]]))


def test_losses_match_hand_sums():
    preds, targets = torch.tensor([1.0, 2.0, 4.0]), torch.tensor([0.0, 2.0, 1.0])
    assert sse(preds, targets).item() == 1 + 0 + 9
    assert mse(preds, targets).item() == pytest.approx(10 / 3)


def test_mse_is_sse_over_n_and_so_are_gradients():
    g = torch.Generator().manual_seed(0)
    p1 = torch.randn(7, generator=g, requires_grad=True)
    p2 = p1.detach().clone().requires_grad_()
    y = torch.randn(7, generator=g)
    mse(p1, y).backward()
    sse(p2, y).backward()
    torch.testing.assert_close(p1.grad * 7, p2.grad)

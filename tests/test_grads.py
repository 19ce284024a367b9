"""Finite differences against known derivatives; the grad_fn tree against a known graph."""

import math

import pytest
import torch

from sgd_helpers import finite_difference, grad_fn_tree, mse, quadratic


@pytest.mark.parametrize(
    "f, df, x",
    [
        (lambda x: (x**2).sum(), lambda x: 2 * x, torch.tensor([3.0, 4.0, 10.0])),
        (lambda x: (5 * x * x).sum(), lambda x: 10 * x, torch.arange(1.0, 21.0)),
        (lambda x: torch.sin(x).sum(), torch.cos, torch.linspace(-3, 3, 7)),
        (lambda x: torch.exp(x).sum(), torch.exp, torch.tensor([0.0, 1.0, 2.0])),
        (lambda x: (x**3).sum(), lambda x: 3 * x**2, torch.tensor([[1.0, -2.0], [0.5, 3.0]])),
    ],
)
def test_finite_difference_matches_known_derivative(f, df, x):
    est = finite_difference(f, x)
    assert est.shape == x.shape and est.dtype == x.dtype
    torch.testing.assert_close(est, df(x), rtol=1e-4, atol=1e-4)


def test_finite_difference_error_shrinks_like_eps_squared():
    # central differences: error ~ f'''(x) eps^2 / 6; for x^3 at 1 that is exactly eps^2
    f = lambda x: (x.double() ** 3).sum()  # noqa: E731
    x = torch.tensor([1.0], dtype=torch.float64)
    for eps in (1e-1, 1e-2):
        err = float(finite_difference(f, x, eps=eps)) - 3.0
        assert math.isclose(err, eps**2, rel_tol=1e-6)


def test_finite_difference_does_not_touch_x():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    finite_difference(lambda v: (v**2).sum(), x)
    assert x.grad is None and x.tolist() == [1.0, 2.0]


def test_grad_fn_tree_of_the_roller_coaster_loss():
    t, y = torch.arange(4.0), torch.ones(4)
    params = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    tree = grad_fn_tree(mse(quadratic(t, params), y), {"params": params})
    assert tree.splitlines() == [
        "MeanBackward0",
        "└─ PowBackward0",
        "   └─ SubBackward0",
        "      └─ AddBackward0",
        "         ├─ AddBackward0",
        "         │  ├─ MulBackward0",
        "         │  │  └─ UnbindBackward0",
        "         │  │     └─ AccumulateGrad -> params",
        "         │  └─ MulBackward0",
        "         │     └─ UnbindBackward0  (shared, above)",
        "         └─ UnbindBackward0  (shared, above)",
    ]


def test_grad_fn_tree_names_each_leaf_and_walks_every_branch():
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    tree = grad_fn_tree(a * b + a, {"a": a, "b": b})
    assert tree.splitlines() == [
        "AddBackward0",
        "├─ MulBackward0",
        "│  ├─ AccumulateGrad -> a",
        "│  └─ AccumulateGrad -> b",
        "└─ AccumulateGrad -> a",
    ]
    unnamed = grad_fn_tree(a * 2)
    assert unnamed.splitlines()[-1] == "└─ AccumulateGrad -> tensor of shape ()"


def test_grad_fn_tree_rejects_a_tensor_without_history():
    with pytest.raises(ValueError, match="requires_grad_"):
        grad_fn_tree(torch.tensor(1.0) * 2)
    with pytest.raises(TypeError, match="tensor"):
        grad_fn_tree(3.0)

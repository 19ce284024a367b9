"""Notebook 08's first neural network, and many copies of a model trained side by side.

Notebook 08 writes each of these in the open first (the split of the digits, the network, its random start, the
training loop for one model); from then on, and in notebook 09, they come from here. The one new idea is *copies*:
every parameter gets a first dimension, one row per copy, and `torch.func.vmap` runs the one-model function on
every row at once, so five seeds or fifty learning rates cost one tensor computation instead of a Python loop.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.func import vmap

Model = Callable[[Tensor, Sequence[Tensor]], Tensor]


def digits_split(seed: int = 0) -> tuple[Tensor, Tensor, dict[str, Tensor]]:
    """scikit-learn's 1,797 digits scaled to [0, 1], and a random 60/20/20 split into training, validation and test.

    >>> x_all, y_all, split = digits_split(0)
    >>> tuple(x_all.shape), [len(split[k]) for k in ("train", "val", "test")]
    ((1797, 64), [1078, 359, 360])
    """
    from sklearn.datasets import load_digits  # bundled with scikit-learn: no download

    digits = load_digits()
    x_all = torch.tensor(digits.data, dtype=torch.float32) / 16
    y_all = torch.tensor(digits.target)
    order = torch.randperm(len(y_all), generator=torch.Generator().manual_seed(seed))
    return x_all, y_all, {"train": order[:1078], "val": order[1078:1437], "test": order[1437:]}


def network(xb: Tensor, p: Sequence[Tensor]) -> Tensor:
    """Ten scores per image from a one-hidden-layer ReLU network, `relu(xb @ w1 + b1) @ w2 + b2`.

    >>> network(torch.ones(2, 64), [t[0] for t in start([0])]).shape
    torch.Size([2, 10])
    """
    w1, b1, w2, b2 = p
    return (xb @ w1 + b1).relu() @ w2 + b2


def start(seeds: Sequence[int], hidden: int = 32, zeros: bool = False, portable: bool = False) -> list[Tensor]:
    """One network's random start per seed, stacked (copies × ...): w1, b1, w2, b2.

    Weights into the ReLU are scaled by √(2 / 64) (He and colleagues), into the scores by √(1 / hidden); biases
    start at 0. `zeros=True` gives the all-zero start. By default the numbers are notebook 08's `start_one`'s,
    drawn by float32 `randn`, whose last bit differs between PyTorch's CPU kernel paths (default against AVX2).
    `portable=True` draws them in float64 and rounds to float32: the same bits on every processor, for runs
    chaotic enough to magnify one bit (notebook 09).

    >>> [tuple(t.shape) for t in start([0, 1])]
    [(2, 64, 32), (2, 32), (2, 32, 10), (2, 10)]
    """
    shapes = [(64, hidden), (hidden,), (hidden, 10), (10,)]
    scales = [math.sqrt(2 / 64), 0.0, math.sqrt(1 / hidden), 0.0]
    gens = [torch.Generator().manual_seed(int(s)) for s in seeds]
    dtype = torch.float64 if portable else torch.float32
    return [torch.stack([(torch.randn(shape, generator=g, dtype=dtype) * (0.0 if zeros else scale)).float()
                         for g in gens])
            for shape, scale in zip(shapes, scales, strict=True)]


def copies_loss(model: Model, p: Sequence[Tensor], xb: Tensor, yb: Tensor) -> Tensor:
    """Cross-entropy of every copy (one number each); `xb`, `yb` are shared, or one batch per copy (copies × n ...).

    >>> copies_loss(network, start([0, 1]), torch.zeros(3, 64), torch.tensor([0, 1, 2])).shape
    torch.Size([2])
    """
    shared = xb.ndim == 2
    xb = xb.to(p[0].dtype)

    def one(params, x, y):
        return F.cross_entropy(model(x, params), y)

    return vmap(one, in_dims=(0, None, None) if shared else (0, 0, 0))(list(p), xb, yb)


def train_copies(model: Model, p: Sequence[Tensor], lr: float | Sequence[float] | Tensor | Callable[[int], float],
                 epochs: int, batch_size: int, seeds: Sequence[int], x: Tensor, y: Tensor
                 ) -> tuple[list[Tensor], Tensor]:
    """Mini-batch SGD on cross-entropy for every copy at once: the plain loop of notebook 08, one row per copy.

    Copy k shuffles its batches with a generator seeded `1000 + seeds[k]`, anew each epoch. `lr` is a number, one
    number per copy, or a function of the step. Returns the trained parameters and every step's batch losses
    (steps × copies).

    >>> x, y = torch.rand(10, 64), torch.arange(10)
    >>> p, losses = train_copies(network, start([0, 1]), 0.5, 2, 5, [0, 1], x, y)
    >>> tuple(losses.shape)
    (4, 2)
    """
    p = [t.clone().requires_grad_() for t in p]
    shufflers = [torch.Generator().manual_seed(1000 + int(s)) for s in seeds]
    x, n = x.to(p[0].dtype), len(y)
    record, step = [], 0
    for _ in range(epochs):
        orders = torch.stack([torch.randperm(n, generator=g) for g in shufflers])  # copies × n
        for first in range(0, n, batch_size):
            batch = orders[:, first : first + batch_size]  # copies × batch
            losses = copies_loss(model, p, x[batch], y[batch])
            grads = torch.autograd.grad(losses.sum(), p)  # copies do not interact: each gets its own gradient
            rate = torch.as_tensor(lr(step) if callable(lr) else lr, dtype=p[0].dtype).reshape(-1)
            with torch.no_grad():
                for t, g in zip(p, grads, strict=True):
                    t -= rate.reshape(-1, *[1] * (t.ndim - 1)) * g  # one rate per copy, or one for all
            record.append(losses.detach())
            step += 1
    return [t.detach() for t in p], torch.stack(record)


def largest_curvature(model: Model, p: Sequence[Tensor], x: Tensor, y: Tensor, iterations: int = 40,
                      v: list[Tensor] | None = None) -> tuple[Tensor, list[Tensor]]:
    """Each copy's largest Hessian eigenvalue *in size* (λ_max where no negative one is larger) of its cross-entropy
    on all of `x`, by power iteration on Hessian-vector products (notebook 09 writes the one-model version).

    Copies do not interact, so one Hessian-vector product of the summed loss gives every copy its own `H · v`; only
    lengths and dot products are taken copy by copy. Pass the returned direction back as `v` to continue the
    iteration from it (a few iterations then suffice while the weights change slowly).

    >>> curvature, _ = largest_curvature(network, [t.double() for t in start([0, 1])], torch.rand(20, 64),
    ...                                  torch.arange(20) % 10)
    >>> tuple(curvature.shape), bool((curvature > 0).all())
    ((2,), True)
    """
    p = [t.detach().requires_grad_() for t in p]
    grads = torch.autograd.grad(copies_loss(model, p, x, y).sum(), p, create_graph=True)
    if v is None:
        gen = torch.Generator().manual_seed(0)
        v = [torch.randn(t.shape, generator=gen, dtype=t.dtype) for t in p]
    copies = p[0].shape[0]

    def per_copy(parts) -> Tensor:  # one number per copy: the sum over all of that copy's parameters
        return sum(part.reshape(copies, -1).sum(1) for part in parts)

    curvature = torch.zeros(copies, dtype=p[0].dtype)
    for _ in range(iterations):
        length = per_copy(u * u for u in v).sqrt()
        v = [u / length.reshape(-1, *[1] * (u.ndim - 1)) for u in v]
        hv = torch.autograd.grad(grads, p, v, retain_graph=True)
        curvature = per_copy(a * b for a, b in zip(v, hv, strict=True))
        v = [h.detach() for h in hv]
    return curvature.detach(), v


def measure(model: Model, p: Sequence[Tensor], x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """Loss and accuracy of every copy on the images `x` with labels `y`.

    >>> loss, accuracy = measure(network, start([0, 1], zeros=True), torch.rand(4, 64), torch.tensor([0, 1, 2, 3]))
    >>> [round(v, 4) for v in loss.tolist()], accuracy.tolist()
    ([2.3026, 2.3026], [0.25, 0.25])
    """
    with torch.no_grad():
        scores = vmap(model, in_dims=(None, 0))(x.to(p[0].dtype), list(p))  # copies × n × 10
        accuracy = (scores.argmax(-1) == y).float().mean(1)
        return copies_loss(model, p, x, y), accuracy

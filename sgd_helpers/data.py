"""Data made in code (nothing is downloaded): the roller coaster and 5x²."""

from __future__ import annotations

import torch
from torch import Tensor

from ._checks import check_memory, count, number

__all__ = ["roller_coaster", "noisy_coaster", "five_x_squared"]


def _noise(noise: float) -> float:
    noise = number(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be a standard deviation, 0 or more, got {noise!r}")
    if noise > 1e37:  # a draw of randn can reach about 6, and float32 ends near 3.4e38
        raise ValueError(f"noise must be at most 1e37, got {noise!r}: the speeds are float32, which ends near 3.4e38, "
                         "so larger noise would make them infinite")
    return noise


def _generator(seed: int) -> torch.Generator:
    """A private generator seeded with `seed`, which must fit in torch's 64 bits."""
    seed = count(seed, "seed", None)
    if not -(2**63) <= seed < 2**64:
        raise ValueError(f"seed must fit in 64 bits (from -2**63 to 2**64 - 1), got {seed:,}: any smaller whole number "
                         "will do")
    return torch.Generator().manual_seed(seed)


def roller_coaster(n: int = 20, seed: int = 42, noise: float = 3.0) -> tuple[Tensor, Tensor]:
    """The book's roller coaster: speed measured once a second, with noise.

    `time = arange(0, n)`, `speed = randn(n)*noise + 0.75*(time-9.5)**2 + 1`.
    The noise comes from a private generator seeded with `seed`, so the global
    random state is untouched; the values equal `torch.manual_seed(seed)`
    followed by the book's two lines.

    >>> time, speed = roller_coaster()
    >>> time[:3], speed.shape
    (tensor([0., 1., 2.]), torch.Size([20]))
    """
    n, noise = count(n, "n"), _noise(noise)
    check_memory(12 * n, f"{n:,} measurements", "ask for fewer (n)")
    gen = _generator(seed)
    time = torch.arange(0, n).float()
    speed = torch.randn(n, generator=gen) * noise + 0.75 * (time - 9.5) ** 2 + 1
    return time, speed


def noisy_coaster(n: int = 2000, seed: int = 0, noise: float = 3.0) -> tuple[Tensor, Tensor]:
    """Many roller-coaster measurements at random times in [0, 20), sorted by time.

    The same curve as `roller_coaster`, `0.75*(t-9.5)**2 + 1`, plus Gaussian
    noise with standard deviation `noise`. Sorted by time, as a logger would
    record them, which is what makes shuffling matter in notebook 06.

    >>> t, s = noisy_coaster(n=5)
    >>> t.shape, bool((t[1:] >= t[:-1]).all())
    (torch.Size([5]), True)
    """
    n, noise = count(n, "n"), _noise(noise)
    check_memory(24 * n, f"{n:,} measurements", "ask for fewer (n)")
    gen = _generator(seed)
    time = (torch.rand(n, generator=gen) * 20).sort().values
    speed = 0.75 * (time - 9.5) ** 2 + 1 + torch.randn(n, generator=gen) * noise
    return time, speed


def five_x_squared(lo: int = -20, hi: int = 20) -> tuple[Tensor, Tensor]:
    """The learner's data from seed 003: `xs = arange(lo, hi + 1)`, `ys = 5 * xs * xs`.

    >>> xs, ys = five_x_squared(1, 3)
    >>> xs, ys
    (tensor([1., 2., 3.]), tensor([ 5., 20., 45.]))
    """
    lo, hi = count(lo, "lo", None), count(hi, "hi", None)
    if hi < lo:
        raise ValueError(f"expected lo <= hi, got lo={lo}, hi={hi}")
    check_memory(8 * (hi - lo + 1), f"{hi - lo + 1:,} points", "ask for a narrower range (lo to hi)")
    if max(abs(lo), abs(hi)) > 2**24:  # float32 holds every whole number up to 2**24, and only every other past it
        raise ValueError(f"lo and hi must lie within ±16,777,216 (2**24), got lo={lo:,}, hi={hi:,}: past it float32 "
                         "cannot tell neighbouring whole numbers apart; ask for a narrower range")
    xs = torch.arange(float(lo), float(hi) + 1)
    return xs, 5 * xs * xs

"""06 · The S in SGD: the noise of a batch, steps in an epoch, shuffled batches by hand, and a loader that never
shuffled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset

from ._judge import Exercise, near


def _epoch_cases() -> list[tuple[int, int, int]]:
    return [(10, 3, 0), (2000, 64, 1), (7, 7, 2), (50, 8, 3)]


def _reference_batches(n: int, size: int, seed: int) -> list[list[int]]:
    return list(BatchSampler(RandomSampler(range(n), generator=torch.Generator().manual_seed(seed)), size, False))


def _as_lists(batches: Any) -> list[list[int]]:
    return [[int(i) for i in torch.as_tensor(b).reshape(-1).tolist()] for b in batches]


def _batches_like(expected: Callable[[int, int, int], list[list[int]]]) -> Callable[[Callable], bool]:
    return lambda fn: all(_as_lists(fn(n, size, seed)) == expected(n, size, seed) for n, size, seed in _epoch_cases())


def _in_order(n: int, size: int, seed: int) -> list[list[int]]:
    return [list(range(n))[i : i + size] for i in range(0, n, size)]


def _without_last(n: int, size: int, seed: int) -> list[list[int]]:
    full = _reference_batches(n, size, seed)
    return full if n % size == 0 else full[:-1]


def _loader_shuffled(n: int, size: int, seed: int) -> list[list[int]]:
    """DataLoader(shuffle=True, generator=...)'s batches: it takes one number from the generator before shuffling."""
    loader = DataLoader(range(n), batch_size=size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    return _as_lists(loader)


def _unseeded(fn: Callable) -> bool:
    """Two calls with one seed give different orders: the generator was not seeded with it."""
    return _as_lists(fn(50, 8, 3)) != _as_lists(fn(50, 8, 3))


# 06.4 · a loader that never shuffles
def _epochs(loader: Any, epochs: int = 2) -> list[list[int]]:
    return [[int(i) for batch in loader for i in torch.as_tensor(batch[0]).reshape(-1).tolist()]
            for _ in range(epochs)]


def _shuffles(kind: str = "right") -> Callable[[Callable], bool]:
    """What `fn(dataset, batch_size, seed)` serves: every point once per epoch in a new order, the same for a seed
    ("right"); or the data's own order ("in order"); or one order for every epoch ("frozen"); or unseeded orders."""

    def test(fn: Callable) -> bool:
        numbered = TensorDataset(torch.arange(100), torch.arange(100).float())
        first, again = _epochs(fn(numbered, 10, 3)), _epochs(fn(numbered, 10, 3))
        complete = all(sorted(epoch) == list(range(100)) for epoch in first)
        if kind == "in order":
            return first[0] == list(range(100))
        if kind == "frozen":
            return complete and first[0] != list(range(100)) and first[0] == first[1]
        if kind == "unseeded":
            return complete and first != again
        return complete and first[0] != list(range(100)) and first[0] != first[1] and first == again

    return test


EXERCISES = {
    "06.1": Exercise(
        near(2.0, rtol=1e-9), "4 times more points, √4 = 2 times less noise.",
        ((near(4.0, rtol=1e-9), "not yet: that is the ratio of the batch sizes. The noise falls like its square "
                                "root."),
         (near(0.5, rtol=1e-9), "not yet: upside down. Larger batches have less noise, so noise(16) / noise(64) is "
                                "above 1."),
         (lambda a: near(2.0, rtol=0.15)(a) and not near(2.0, rtol=1e-9)(a),
          "close: that is a measurement, and the noise of 200 batches moves it a little. The question asks for the "
          "prediction: the square root of the ratio of the batch sizes.")),
    ),
    "06.2": Exercise(
        near(160, rtol=1e-9), "2,000 / 64 is 31 full batches and one of 16: 32 steps an epoch, 160 in five.",
        ((near(155, rtol=1e-9), "not yet: 31 full batches leave 16 points over, and they make a 32nd, smaller batch: "
                                "a step too."),
         (near(156.25, rtol=1e-9), "not yet: steps come in whole batches. How many batches does one epoch make?"),
         (near(32, rtol=1e-9), "close: that is one epoch. The question asks for five.")),
    ),
    "06.3": Exercise(
        _batches_like(_reference_batches), "your batches are the sampler's, batch for batch.",
        ((_batches_like(_in_order), "not yet: these batches are in order. Shuffle first: torch.randperm(n, "
                                    "generator=...)."),
         (_batches_like(_without_last), "not yet: the last, smaller batch is missing. DataLoader keeps it (unless "
                                        "drop_last=True)."),
         (_unseeded, "not yet: two calls with the same seed gave different batches. Make a generator, seed it with "
                     "seed, and pass it to torch.randperm."),
         (_batches_like(_loader_shuffled), "not yet: these are DataLoader(shuffle=True, generator=...)'s batches. It "
                                           "first takes one number from the generator for its workers, so the same "
                                           "seed gives another order; shuffle with torch.randperm(n, generator=...) "
                                           "instead, as RandomSampler does.")),
        probe=(10, 3, 0), call="(n, size, seed)",
    ),
    "06.4": Exercise(
        _shuffles(), "every epoch serves every point once, in a new order, and the same seed gives the same orders.",
        ((_shuffles("in order"), "not yet: the batches still come in the data's own order, so each one is a narrow "
                                 "stretch of time. Add shuffle=True."),
         (_shuffles("frozen"), "not yet: shuffled once, but every epoch serves that same order. shuffle=True draws a "
                               "new order each epoch."),
         (_shuffles("unseeded"), "not yet: two loaders made with the same seed served different batches. Pass "
                                 "generator=torch.Generator().manual_seed(seed).")),
        "not yet: an epoch should serve every point exactly once, in batches of batch_size.",
        probe=(torch.zeros(1), 1, 0), call="(dataset, batch_size, seed)",
    ),
}

"""sgd_helpers.networks against plain one-model PyTorch: each copy must be exactly the model trained alone."""

import torch
import torch.nn.functional as F
from torch import nn

from sgd_helpers.networks import copies_loss, digits_split, largest_curvature, measure, network, start, train_copies


def plain_loop(p, lr, epochs, batch_size, seed, x, y):
    """The loop of notebook 08 for one model: .backward(), a step, the gradient cleared."""
    p = [t.clone().requires_grad_() for t in p]
    shuffler = torch.Generator().manual_seed(1000 + seed)
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=shuffler)
        for first in range(0, len(y), batch_size):
            batch = order[first : first + batch_size]
            F.cross_entropy(network(x[batch], p), y[batch]).backward()
            with torch.no_grad():
                for t in p:
                    t -= lr * t.grad
                    t.grad = None
    return [t.detach() for t in p]


def test_every_copy_is_the_plain_loop_of_its_own_seed():
    x_all, y_all, split = digits_split(0)
    x, y = x_all[split["train"][:200]], y_all[split["train"][:200]]
    seeds = [3, 7]
    trained, losses = train_copies(network, start(seeds), torch.tensor([0.5, 0.1]), 2, 32, seeds, x, y)
    assert losses.shape == (2 * 7, 2)
    for k, (seed, lr) in enumerate(zip(seeds, (0.5, 0.1), strict=True)):
        alone = plain_loop([t[0] for t in start([seed])], lr, 2, 32, seed, x, y)
        for a, b in zip(alone, trained, strict=True):
            torch.testing.assert_close(b[k], a, rtol=1e-5, atol=1e-6)


def test_network_is_nn_sequential():
    p = [t[0] for t in start([0])]
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    with torch.no_grad():
        model[0].weight.copy_(p[0].T)
        model[0].bias.copy_(p[1])
        model[2].weight.copy_(p[2].T)
        model[2].bias.copy_(p[3])
    x = torch.rand(5, 64)
    torch.testing.assert_close(network(x, p), model(x))


def test_copies_loss_and_measure_are_each_copy_alone():
    p = start([0, 1, 2])
    x, y = torch.rand(6, 64), torch.tensor([0, 1, 2, 3, 4, 5])
    loss, accuracy = measure(network, p, x, y)
    for k in range(3):
        scores = network(x, [t[k] for t in p])
        torch.testing.assert_close(loss[k], F.cross_entropy(scores, y))
        torch.testing.assert_close(accuracy[k], (scores.argmax(1) == y).float().mean())
    torch.testing.assert_close(copies_loss(network, p, x, y), loss)


def test_a_portable_start_is_a_float64_draw_rounded_and_the_plain_one_notebook_08s_float32_draw():
    """The portable start's bits must not depend on the CPU kernel path: it is float64 randn (whose bits agree on
    default, AVX2 and AVX-512, checked by `make reruns` through notebook 09) rounded once to float32."""
    g = torch.Generator().manual_seed(3)
    w1 = torch.randn(64, 32, generator=g, dtype=torch.float64) * (2 / 64) ** 0.5
    portable = start([3], portable=True)
    assert portable[0].dtype == torch.float32 and torch.equal(portable[0][0], w1.float())
    g = torch.Generator().manual_seed(3)
    assert torch.equal(start([3])[0][0], torch.randn(64, 32, generator=g) * (2 / 64) ** 0.5)  # 08's start_one
    assert not torch.equal(start([3])[0], portable[0])


def test_a_start_is_he_scaled_and_float64_copies_train_in_float64():
    w1, b1, w2, b2 = start(range(200))
    torch.testing.assert_close(w1.std().item(), (2 / 64) ** 0.5, rtol=0.02, atol=0)
    torch.testing.assert_close(w2.std().item(), (1 / 32) ** 0.5, rtol=0.02, atol=0)
    assert b1.abs().max() == 0 and b2.abs().max() == 0
    assert all(t.abs().max() == 0 for t in start([0], zeros=True))
    trained, losses = train_copies(network, [t.double() for t in start([0])], 0.5, 1, 4, [0], torch.rand(4, 64),
                                   torch.tensor([0, 1, 2, 3]))
    assert losses.dtype == torch.float64 and trained[0].dtype == torch.float64


def test_the_split_is_disjoint_and_covers_every_image():
    _, y_all, split = digits_split(5)
    every = torch.cat([split["train"], split["val"], split["test"]])
    assert sorted(every.tolist()) == list(range(len(y_all)))


def test_largest_curvature_is_the_full_hessians_largest_eigenvalue_for_every_copy():
    import math

    x, y = torch.rand(40, 64, generator=torch.Generator().manual_seed(3)), torch.arange(40) % 10
    p = [t.double() for t in start([0, 1], hidden=4)]
    curvature, v = largest_curvature(network, p, x, y, iterations=300)
    for k in range(2):
        shapes = [t.shape[1:] for t in p]

        def loss(flat, shapes=shapes):
            parts = torch.split(flat, [math.prod(s) for s in shapes])
            return F.cross_entropy(network(x.double(), [q.reshape(s) for q, s in zip(parts, shapes, strict=True)]), y)

        hessian = torch.autograd.functional.hessian(loss, torch.cat([t[k].reshape(-1) for t in p]))
        torch.testing.assert_close(curvature[k], torch.linalg.eigvalsh(hessian)[-1], rtol=1e-6, atol=0)
    again, _ = largest_curvature(network, p, x, y, iterations=5, v=v)  # continued from the direction found
    torch.testing.assert_close(again, curvature, rtol=1e-8, atol=0)

"""The data made in code: reproducible, equal to the book's recipe, and the global RNG untouched."""

import torch

from sgd_helpers import five_x_squared, least_squares, noisy_coaster, roller_coaster


def test_roller_coaster_is_the_books_recipe_under_a_seed():
    time, speed = roller_coaster(seed=42)
    torch.manual_seed(42)
    book_time = torch.arange(0, 20).float()
    book_speed = torch.randn(20) * 3 + 0.75 * (book_time - 9.5) ** 2 + 1
    torch.testing.assert_close(time, book_time, rtol=0, atol=0)
    torch.testing.assert_close(speed, book_speed, rtol=0, atol=0)


def test_roller_coaster_leaves_global_rng_alone_and_seeds_differ():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    roller_coaster(seed=1)
    torch.testing.assert_close(torch.rand(3), expected)
    assert not torch.equal(roller_coaster(seed=1)[1], roller_coaster(seed=2)[1])


def test_noise_free_roller_coaster_is_the_exact_parabola():
    t, s = roller_coaster(noise=0.0)
    torch.testing.assert_close(s, 0.75 * t**2 - 14.25 * t + 68.6875)


def test_noisy_coaster_is_sorted_seeded_and_centred_on_the_curve():
    t, s = noisy_coaster(n=4000, seed=3)
    assert bool((t[1:] >= t[:-1]).all()) and 0 <= float(t.min()) and float(t.max()) < 20
    assert torch.equal(s, noisy_coaster(n=4000, seed=3)[1]) and not torch.equal(s, noisy_coaster(n=4000, seed=4)[1])
    residual = s - (0.75 * (t - 9.5) ** 2 + 1)
    assert abs(float(residual.std()) - 3.0) < 0.15 and abs(float(residual.mean())) < 0.2
    # the least-squares quadratic recovers the curve's coefficients: 0.75 t² - 14.25 t + 68.6875
    torch.testing.assert_close(least_squares(t, s, 2), torch.tensor([0.75, -14.25, 68.6875]), rtol=0.05, atol=0.5)


def test_five_x_squared_matches_seed_003():
    xs, ys = five_x_squared()
    assert xs.tolist() == [float(v) for v in range(-20, 21)]
    assert ys.tolist() == [5.0 * v * v for v in range(-20, 21)]

"""Each plot draws what it says: the data is read back from matplotlib's artists."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from sgd_helpers import plot_descent_path, plot_function, plot_loss, plot_tangent, show_preds


def test_plot_function_draws_f_over_the_range_with_labels():
    ax = plot_function(lambda x: x**2, "x", "x**2", title="parabola", min=-3, max=1)
    xy = ax.lines[0].get_xydata()
    assert len(xy) == 100 and xy[0, 0] == -3 and xy[-1, 0] == 1
    np.testing.assert_allclose(xy[:, 1], xy[:, 0] ** 2, rtol=1e-6)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("x", "x**2", "parabola")


def test_plot_function_bad_range_and_bad_f():
    with pytest.raises(ValueError, match="min < max"):
        plot_function(lambda x: x, min=1, max=1)
    with pytest.raises(ValueError, match="same shape"):
        plot_function(lambda x: x.sum())


def test_plot_tangent_slope_and_line_match_the_derivative():
    ax = plot_function(lambda x: x**2)
    slope = plot_tangent(ax, lambda x: x**2, -1.5, width=1.0)
    assert slope == -3.0
    (x0, y0), (x1, y1) = ax.lines[1].get_xydata()
    assert (x0, x1) == (-2.0, -1.0)
    assert (y1 - y0) / (x1 - x0) == pytest.approx(-3.0)
    assert y0 - 3.0 * (-1.5 - x0) == pytest.approx(2.25)  # passes through (-1.5, 2.25)
    assert ax.texts[0].get_text() == "slope -3"


def test_show_preds_scatters_data_then_predictions():
    t = torch.arange(5.0)
    preds = (t * 2).requires_grad_()
    ax = show_preds(preds, t, t + 1, ylim=(-1, 12))
    data, pred = ax.collections
    np.testing.assert_array_equal(data.get_offsets(), np.c_[t, t + 1])
    np.testing.assert_array_equal(pred.get_offsets(), np.c_[t, t * 2])
    assert ax.get_ylim() == (-1, 12)


def test_show_preds_fits_its_axis_to_the_data_and_to_predictions_within_reach():
    t = torch.arange(3.0)  # data from 0 to 2
    assert show_preds(t, t, t).get_ylim() == pytest.approx((-0.1, 2.1))  # predictions inside: the data, 5% margins
    assert show_preds(-t * 3, t, t).get_ylim() == pytest.approx((-6.4, 2.4))  # predictions down to -6: shown
    lo, hi = show_preds(-t * 1e6, t, t).get_ylim()  # a wild start: at most 4 data ranges (8) below the data
    assert (lo, hi) == pytest.approx((-8.5, 2.5))
    assert show_preds(-t * 1e6, t, t, ylim=None).get_ylim()[0] < -1e6  # None: matplotlib shows everything
    with pytest.raises(ValueError, match="shape"):
        show_preds(torch.ones(2), t, t)
    with pytest.raises(ValueError, match="ylim must be 'fit', None or a pair"):
        show_preds(t, t, t, ylim=5)


def test_plot_descent_path_draws_the_visited_points_on_the_curve():
    xs = torch.tensor([-1.5, -0.9, -0.54])
    ax = plot_descent_path(lambda x: x**2, xs)
    curve, path, start, end = ax.lines
    np.testing.assert_allclose(path.get_xydata(), np.c_[xs, xs**2])
    np.testing.assert_allclose(start.get_xydata(), [[-1.5, 2.25]])
    np.testing.assert_allclose(end.get_xydata(), [[xs[-1], xs[-1] ** 2]], rtol=1e-6)
    assert curve.get_xydata()[:, 0].min() <= -1.5
    with pytest.raises(ValueError, match="NaN"):
        plot_descent_path(lambda x: x**2, [1.0, float("inf")])


def test_plot_loss_draws_losses_against_steps():
    ax = plot_loss(torch.tensor([3.0, 2.0, 1.5]), log=True)
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), [[0, 3.0], [1, 2.0], [2, 1.5]])
    assert ax.get_yscale() == "log"


@pytest.mark.parametrize("lo, hi", [(2332.0, 24_000.0), (3.1, 9.5), (0.012, 0.9), (150.0, 4000.0)])
def test_a_log_axis_over_less_than_two_decades_labels_both_ends_of_its_data(lo, hi):
    # Notebook 04's explorer: the loss falls from about 24,000 to a plateau near 2,300; its labels were 5,000, 10,000
    # and 20,000, none near the plateau. Now a labelled tick sits at or beyond each end of the data.
    from sgd_helpers.plots import log_scale

    fig, ax = plt.subplots()
    ax.plot([0, 1], [hi, lo])
    log_scale(ax, torch.tensor([hi, lo]))
    fig.canvas.draw()
    bottom, top = ax.get_ylim()
    labelled = [v for v, t in zip(ax.get_yticks(), ax.yaxis.get_ticklabels(), strict=True)
                if t.get_text() and bottom * 0.9999 <= v <= top * 1.0001]
    assert min(labelled) <= lo and max(labelled) >= hi and len(labelled) >= 2

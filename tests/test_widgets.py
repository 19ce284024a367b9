"""Drive each explorer as a learner would (set a slider) and read back what it drew.

Runs under ipywidgets 8 in the main environment and under ipywidgets 7.7.1 in
the Colab-like one (`make test-colab`).
"""

import base64

import ipywidgets
import numpy as np
import pytest
import torch

import sgd_helpers.widgets as w
from sgd_helpers import descent_path, mse, quadratic, roller_coaster


def _path_line(ex):
    return ex.fig.axes[0].lines[1].get_xydata()


def test_descent_explorer_draws_the_descent_path_for_the_slider_values():
    ex = w.descent_explorer()
    np.testing.assert_allclose(_path_line(ex)[:, 0], descent_path(lambda x: x**2, -1.5, 0.1, 10).numpy())
    ex.set(lr=0.3, x0=1.0, steps=5)
    np.testing.assert_allclose(_path_line(ex)[:, 0], descent_path(lambda x: x**2, 1.0, ex.values["lr"], 5).numpy())
    assert ex.ok and ex.message.startswith("after 5 steps")


def test_descent_explorer_flags_divergence_instead_of_drawing_nonsense():
    ex = w.descent_explorer()
    ex.set(lr=1.4, steps=50)
    assert not ex.ok and "diverged" in ex.message and "lower the learning rate" in ex.message
    assert "c0392b" in ex.status.value  # shown in red
    xs = _path_line(ex)[:, 0]
    assert np.abs(xs).max() <= 3.0  # only the part inside the window is drawn


def test_coaster_explorer_fits_like_the_hand_written_loop():
    time, speed = roller_coaster()
    ex = w.coaster_explorer(time, speed)
    ex.set(steps=20, lr=1e-5)
    p = torch.tensor([-0.8, -0.8, 1.4], requires_grad=True)
    for _ in range(20):
        mse(quadratic(time, p), speed).backward()
        with torch.no_grad():
            p -= 1e-5 * p.grad
        p.grad = None
    left, right = ex.fig.axes
    np.testing.assert_allclose(left.collections[1].get_offsets()[:, 1], quadratic(time, p).detach().numpy(), rtol=1e-5)
    losses = right.lines[0].get_xydata()[:, 1]
    assert len(losses) == 21 and losses[-1] == pytest.approx(mse(quadratic(time, p), speed).item(), rel=1e-5)
    assert ex.ok and "loss =" in ex.message


def test_coaster_explorer_flags_divergence():
    ex = w.coaster_explorer(*roller_coaster())
    ex.set(lr=5e-4, steps=100)
    assert not ex.ok and "diverged" in ex.message


def test_display_shows_stable_text_and_updates_the_figure_in_place(monkeypatch):
    shown, updates = [], []

    class Handle:
        def update(self, obj, raw=False):
            updates.append((obj, raw))

    def fake_display(obj, raw=False, display_id=None):
        shown.append((obj, raw, display_id))
        return Handle() if display_id else None

    monkeypatch.setattr(w, "display", fake_display)
    ex = w.descent_explorer()
    ex._ipython_display_()
    (bundle, raw, _), (figure, fig_raw, did) = shown
    assert raw and bundle["text/plain"] == "Explorer(lr=0.1, x0=-1.5, steps=10): move the sliders in a live notebook " \
        "(Jupyter or Colab)"
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.box.model_id
    assert fig_raw and did is True and figure["text/plain"] == ex.message
    assert base64.b64decode(figure["image/png"]).startswith(b"\x89PNG")
    ex.set(steps=3)
    (update, update_raw), = updates
    assert update_raw and update["text/plain"] == ex.message == "after 3 steps: x = -0.768, f(x) = 0.5898"
    assert update["image/png"] != figure["image/png"]


def test_explorer_rejects_unknown_controls_and_no_controls():
    ex = w.descent_explorer()
    with pytest.raises(KeyError, match="no control named 'rate'"):
        ex.set(rate=0.2)
    with pytest.raises(ValueError, match="at least one control"):
        w.Explorer(lambda fig: ("", True))


def test_runs_on_a_supported_ipywidgets():
    assert ipywidgets.__version__.split(".")[0] in {"7", "8"}


def test_scaling_explorer_matches_plain_descent_on_the_scaled_input():
    from sgd_helpers import five_x_squared, max_stable_lr, polynomial, sse

    xs, ys = five_x_squared()
    ex = w.scaling_explorer(xs, ys)
    ex.set(scale=10.0, lr=0.003, steps=50)
    scale = ex.values["scale"]
    p = torch.tensor([1.0 * scale**2, 2.0 * scale, 3.0], requires_grad=True)
    for _ in range(50):
        sse(polynomial(xs / scale, p), ys).backward()
        with torch.no_grad():
            p -= ex.values["lr"] * p.grad
        p.grad = None
    left, right = ex.fig.axes
    assert right.lines[0].get_xydata()[-1, 1] == pytest.approx(p[2].item(), rel=1e-5)
    assert f"{max_stable_lr(xs / scale, 2, sse):.3g}" in ex.message


def test_scaling_explorer_flags_a_learning_rate_above_the_limit():
    from sgd_helpers import five_x_squared

    ex = w.scaling_explorer(*five_x_squared())
    ex.set(lr=1e-6)  # the unscaled limit is 6.9e-7
    assert not ex.ok and "above this scale's limit" in ex.message


def test_explorer_margins_survive_a_redraw():
    ex = w.coaster_explorer(*roller_coaster())
    ex.set(steps=5)
    assert ex.fig.subplotpars.left == pytest.approx(0.08) and ex.fig.subplotpars.bottom == pytest.approx(0.16)

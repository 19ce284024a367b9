"""Drive each explorer as a learner would (move a control) and read back what it drew and said.

Runs under ipywidgets 8 in the main environment and under ipywidgets 7.7.1 in the Colab environment (`make
test-colab`). The real browser test (tests/test_browser.py) drives the same explorers through JupyterLab.
"""

import base64
import re
import string

import numpy as np
import pytest
import torch
from matplotlib.colors import to_hex

import sgd_helpers.widgets as w
from sgd_helpers import five_x_squared, max_stable_lr, mse, polynomial, quadratic, roller_coaster, sse
from sgd_helpers._spec import SPEC, sentences
from sgd_helpers._wire import parse_explorer_html

BOOK_START = (-0.7658, -0.7506, 1.3525)


def _path(ex):
    return ex.result["path"].numpy()


@pytest.mark.parametrize("x0, lr, steps", [(-1.5, 0.1, 10), (1.0, 0.3, 5), (-2.0, 0.9, 30), (0.5, 0.002, 50)])
def test_descent_explorer_draws_the_closed_form_path(x0, lr, steps):
    # on x², one step maps x to (1 - 2 lr) x
    ex = w.descent_explorer(x0=x0, lr=lr, steps=steps)
    np.testing.assert_allclose(_path(ex), [(1 - 2 * lr) ** k * x0 for k in range(steps + 1)], rtol=1e-5, atol=1e-7)
    assert ex.ok and ex.message.startswith(f"after {steps} steps: x = ")


@pytest.mark.parametrize("steps", [1, 3, 10, 50])
def test_descent_explorer_flags_divergence_at_once_and_names_the_limit(steps):
    ex = w.descent_explorer(lr=1.05, steps=steps)  # |x| grows by 1.1 at every step
    assert not ex.ok and ex.message.startswith("diverged: |x| grew from 1.5 to ")
    assert "stable only below lr = 2 / f''(x) = 1 here" in ex.message and SPEC["common"]["colors"]["bad"] in ex.html()
    assert f" in {steps} step{'' if steps == 1 else 's'};" in ex.message  # "1 step", not "1 steps"
    assert np.abs(_path(ex)[: ex.result["shown"]]).max() <= 3.0  # only the part inside the window is drawn
    last = ex.figure().axes[0].lines[-1]
    assert last.get_marker() == "X" and "flying off" in last.get_label()  # not the star that means "arrived"


def test_bouncing_forever_is_not_divergence():
    ex = w.descent_explorer(lr=1.0)
    assert ex.ok and ex.message == "after 10 steps: x = -1.5, f(x) = 2.25"


def _hand_loop(time, speed, start, lr, steps):
    p = torch.tensor(start, requires_grad=True)
    losses = []
    for _ in range(steps):
        loss = mse(quadratic(time, p), speed)
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            p -= lr * p.grad
        p.grad = None
    return p.detach(), losses + [mse(quadratic(time, p), speed).item()]


def test_coaster_explorer_fits_like_the_hand_written_loop():
    time, speed = roller_coaster()
    ex = w.coaster_explorer(time, speed, start=BOOK_START)
    ex.set(steps=20, lr=2e-5)
    p, losses = _hand_loop(time, speed, BOOK_START, 2e-5, 20)
    np.testing.assert_allclose(ex.result["params"][-1].numpy(), p.numpy(), rtol=1e-5)
    np.testing.assert_allclose(ex.result["losses"].numpy(), losses, rtol=1e-5)
    left, right = ex.figure().axes  # the picture for pages without scripts draws the same numbers
    np.testing.assert_allclose(left.collections[1].get_offsets()[:, 1], quadratic(time, p).numpy(), rtol=1e-5)
    np.testing.assert_allclose(right.lines[0].get_ydata(), losses, rtol=1e-5)
    assert ex.ok and ex.message.startswith(f"after 20 steps: loss = {losses[-1]:.5g}")


def test_coaster_explorer_prompts_hold_at_the_settings_named():
    time, speed = roller_coaster()
    ex = w.coaster_explorer(time, speed, start=BOOK_START)  # 10 steps at 1e-5
    ex.set(lr=4e-5)  # just past the limit, at the default 10 steps: red, and the limit named
    limit = max_stable_lr(time, 2)
    assert not ex.ok and f"2 / λ_max = {w.fmt(limit)}" in ex.message and w.fmt(limit) == "3.54e-5"
    _, losses = _hand_loop(time, speed, BOOK_START, 4e-5, 10)
    assert losses[-1] > losses[0] and losses[-1] > losses[-2]  # above the start and growing: the rule
    ex.set(lr=3e-5)
    assert ex.ok


def test_scaling_explorer_matches_plain_descent_on_the_scaled_input():
    xs, ys = five_x_squared()
    ex = w.scaling_explorer(xs, ys)
    ex.set(scale=10, lr=0.003, steps=50)
    p = torch.tensor([1.0 * 100, 2.0 * 10, 3.0], requires_grad=True)
    for _ in range(50):
        sse(polynomial(xs / 10, p), ys).backward()
        with torch.no_grad():
            p -= 0.003 * p.grad
        p.grad = None
    assert ex.result["params"][-1, 2].item() == pytest.approx(p[2].item(), rel=1e-5)
    assert f"{max_stable_lr(xs / 10, 2, sse):.3g}" in ex.message


def test_scaling_explorer_flags_a_learning_rate_above_the_limit():
    ex = w.scaling_explorer(*five_x_squared())
    ex.set(lr=1e-6)  # the unscaled limit is 6.9e-7
    assert not ex.ok and "above this scale's limit" in ex.message


@pytest.mark.parametrize("name, value, words", [
    ("lr", 0, "lr must be one of the control's values (1e-7 to 0.001"),
    ("lr", 3.3e-5, "the nearest are 3e-5 and 4e-5"),
    ("steps", 500, "steps must be a whole number from 1 to 200 (the slider's range), got 500"),
    ("a", 7.0, "a must be one of the control's values (-2 to 2"),
    ("rate", 0.1, "no control named 'rate'"),
])
def test_a_value_the_control_cannot_show_is_refused_not_clamped(name, value, words):
    ex = w.coaster_explorer(*roller_coaster())
    before = ex.values
    with pytest.raises((ValueError, KeyError)) as info:
        ex.set(**{name: value})
    assert words in str(info.value) and ex.values == before


def test_controls_move_through_values_a_learner_can_feel_in_one_format():
    ex = w.coaster_explorer(*roller_coaster(), start=BOOK_START)
    labels = [w.fmt(v) for v in ex.controls["lr"]["options"]]
    assert ["1e-5", "2e-5", "3e-5", "4e-5", "5e-5", "7e-5"] == labels[labels.index("1e-5"):labels.index("1e-4")]
    a = ex.controls["a"]["options"]
    assert -0.7658 in a and len(a) < 100  # the book's start is on the slider; each press moves by a visible step
    assert [w.fmt(v) for v in (1e-5, 0.05, 1.05, 200.0)] == ["1e-5", "0.05", "1.05", "200"]


def test_display_publishes_the_live_widget_its_own_html_copy_and_the_status_in_one_output(monkeypatch):
    shown = []
    monkeypatch.setattr(w, "display", lambda obj, raw=False: shown.append((obj, raw)))
    ex = w.descent_explorer()
    ex._ipython_display_()
    ((bundle, raw),) = shown
    assert raw and bundle["text/plain"] == "Explorer(x0=-1.5, lr=0.1, steps=10): after 10 steps: x = -0.1611, " \
        "f(x) = 0.02594"
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.model_id
    assert bundle["text/html"] == ex.html()


def test_the_html_copy_is_self_contained_and_depends_only_on_the_settings():
    ex = w.coaster_explorer(*roller_coaster(), start=BOOK_START)
    page = ex.html()
    assert w.MODULE.read_text() in page and "mountStatic(" in page  # the module itself, inlined
    # nothing to fetch: no address to load from (the SVG namespace is a name, not a request), no import
    assert not re.search(r"(src|href)=.https?:|url\(https?:|fetch\(|import\(|^import ", page, re.M)
    (copy,) = parse_explorer_html(page)
    assert base64.b64decode(copy["picture"]) == ex.png()  # the picture a page that strips scripts shows
    assert (copy["kind"], copy["spec"], copy["values"]) == ("coaster", ex.spec, ex.values)  # what the page mounts
    assert (copy["status"], copy["ok"]) == (ex.message, ex.ok) and ex.message in page  # shown without a script too
    assert page == w.coaster_explorer(*roller_coaster(), start=BOOK_START).html()  # no random ids: it reproduces
    ex.set(lr=3e-5)
    assert page != ex.html() and parse_explorer_html(ex.html())[0]["values"]["lr"] == 3e-5  # from the new settings


def test_the_data_cannot_close_the_script_early():
    ex = w.surface_explorer(_valley, (-2.0, 3.0), (-3.0, 2.0), ("</script><!--<script>", "y"))
    page = ex.html()
    assert page.count("</script>") == 2  # the data's and the module's, and no other
    assert parse_explorer_html(page)[0]["spec"]["names"] == ["</script><!--<script>", "y"]


def test_a_curve_that_is_not_a_polynomial_is_refused_with_the_way_out():
    with pytest.raises(ValueError, match="polynomial of degree at most 4.*call descent_path"):
        w.descent_explorer(lambda x: torch.cos(x))
    assert w.descent_explorer(lambda x: x**4 - 3 * x**2).spec["coefficients"] == [0.0, 0.0, -3.0, 0.0, 1.0]


def _valley(p):  # a tilted bowl with curvatures 1 and 25: loss = ½ (p - m)ᵀ H (p - m) + 2
    H = torch.tensor([[13.0, 12.0], [12.0, 13.0]], dtype=p.dtype)
    d = p - torch.tensor([1.0, -0.5], dtype=p.dtype)
    return 0.5 * ((d @ H) * d).sum(-1) + 2.0


@pytest.mark.parametrize("method, settings", [("gd", {}), ("momentum", {"beta": 0.9}), ("adam", {"beta": 0.9})])
def test_surface_explorer_draws_the_path_descent_path_takes(method, settings):
    ex = w.surface_explorer(_valley, (-2.0, 3.0), (-3.0, 2.0), ("x", "y"), start=(-1.5, 1.5), method=method,
                            lr=0.05, steps=100, **settings)
    oracle = w.descent_path(_valley, torch.tensor([-1.5, 1.5], dtype=torch.float64), 0.05, 100, method=method,
                            beta=None if method == "gd" else settings.get("beta", 0.9))  # autograd, not closed form
    np.testing.assert_allclose(ex.result["path"].numpy(), oracle.numpy(), rtol=1e-6, atol=1e-8)
    (line,) = [ln for ln in ex.figure().axes[0].lines if ln.get_label() in ("gradient descent", "momentum", "Adam")]
    np.testing.assert_allclose(line.get_xydata(), oracle.numpy(), rtol=1e-6, atol=1e-8)
    assert ex.ok and ex.message.startswith("after 100 steps: loss = ") and "lowest possible 2" in ex.message


@pytest.mark.parametrize("method, limit", [("gd", "2 / λ_max = 0.08"), ("momentum", "2 (1 + β) / λ_max = 0.152")])
def test_surface_explorer_flags_divergence_with_its_method_s_limit(method, limit):
    ex = w.surface_explorer(_valley, (-2.0, 3.0), (-3.0, 2.0), ("x", "y"), start=(-1.5, 1.5), method=method, lr=0.2,
                            beta=0.9, steps=50)
    assert not ex.ok and limit in ex.message
    ex.set(lr=0.05)
    assert ex.ok


def test_surface_explorer_finds_the_bowl_and_refuses_a_loss_that_is_not_one():
    ex = w.surface_explorer(_valley, (-2.0, 3.0), (-3.0, 2.0), ("x", "y"))
    assert "lowest possible 2" in ex.message
    np.testing.assert_allclose(ex.spec["minimum"], [1.0, -0.5], atol=1e-9)  # the bottom the page marks
    np.testing.assert_allclose(ex.figure().axes[0].lines[0].get_xydata(), [[1.0, -0.5]], atol=1e-6)
    with pytest.raises(ValueError, match="needs a bowl"):
        w.surface_explorer(lambda p: (p**4).sum(-1), (-1.0, 1.0), (-1.0, 1.0))


def _labels_in_view(ax) -> list[str]:
    lo, hi = ax.get_ylim()
    return [t.get_text() for t, v in zip(ax.yaxis.get_ticklabels(), ax.get_yticks(), strict=True)
            if lo <= v <= hi and t.get_text()]


@pytest.mark.parametrize("make, moves", [
    (lambda: w.coaster_explorer(*roller_coaster(), start=BOOK_START, steps=50),
     [{"steps": 1}, {"steps": 50}, {"lr": 1e-7, "steps": 3}, {"lr": 3e-5, "steps": 200}]),
    (lambda: w.scaling_explorer(*five_x_squared()), [{"lr": 1e-9, "steps": 2}, {"scale": 20.0, "lr": 0.01}]),
    (lambda: w.surface_explorer(_valley, (-2.0, 3.0), (-3.0, 2.0), ("x", "y"), start=(-1.5, 1.5), lr=0.001, steps=10),
     [{}, {"steps": 2000, "lr": 0.05}, {"method": "adam", "lr": 0.1, "steps": 200}]),
], ids=["coaster", "scaling", "surface"])
def test_every_log_axis_keeps_two_labels_however_narrow_its_range(make, moves):
    ex = make()
    for settings in moves:
        ex.set(**settings)
        fig = ex.figure()
        fig.canvas.draw()
        log_axes = [ax for ax in fig.axes if ax.get_yscale() == "log"]
        assert log_axes and all(len(_labels_in_view(ax)) >= 2 for ax in log_axes), settings



def test_every_explorer_keeps_what_it_computed_for_checks_on_numbers():
    """A prompt is asserted on the explorer's numbers (`result`), which are the ones it draws."""
    ex = w.descent_explorer()
    torch.testing.assert_close(ex.result["path"], w.descent_path(lambda x: x**2, -1.5, 0.1, 10))
    np.testing.assert_allclose(ex.figure().axes[0].lines[1].get_xydata()[:, 0], ex.result["path"].numpy())
    t, s = roller_coaster()
    ex = w.coaster_explorer(t, s, steps=5)
    assert ex.result["params"].shape == (6, 3) and len(ex.result["losses"]) == 6
    np.testing.assert_allclose(ex.figure().axes[1].lines[0].get_ydata(), ex.result["losses"].numpy())
    ex = w.surface_explorer(_valley, (-2.0, 3.0), (-3.0, 2.0), ("x", "y"), start=(-1.5, 1.5), lr=0.05, steps=100)
    assert ex.result["path"].shape == (101, 2) and len(ex.result["losses"]) == 101




def test_every_sentence_of_explorers_json_is_a_template_the_page_can_fill():
    """explorer.js's `fill` knows `{name}` and `{name:.4g}` and nothing else of Python's format: every sentence keeps
    to those two, so that both languages write it the same."""
    fields = [(text, name, spec, conversion) for text in sentences()
              for _, name, spec, conversion in string.Formatter().parse(text) if name is not None]
    assert len(fields) > 40
    for text, name, spec, conversion in fields:
        assert name.isidentifier() and conversion is None and re.fullmatch(r"(\.\d+g)?", spec), (text, name, spec)


def test_the_page_draws_in_the_pictures_colours():
    """The page's colours (explorers.json) are the ones matplotlib draws the pictures in."""
    colors = SPEC["common"]["colors"]
    assert [colors[f"C{i}"] for i in range(4)] == [to_hex(f"C{i}") for i in range(4)]
    assert colors["curve"] == to_hex("lightgray")  # the curve in plot_descent_path


def test_a_sentence_changed_in_explorers_json_changes_in_python(monkeypatch):
    """One edit: the status line is the template's, not a copy."""
    monkeypatch.setitem(SPEC["descent"]["status"], "after", "{steps} later, x is {x:.2g}")
    assert w.descent_explorer().message == "10 steps later, x is -0.16"


def test_the_pictures_lay_themselves_out_under_the_course_s_figure_style():
    # The notebooks draw with plt.style.use("sgd_helpers.course"), whose constrained layout would warn against the
    # pictures' own subplots_adjust (a warning in a stored output, an error here) and move their panels.
    import matplotlib.pyplot as plt

    explorers = [w.descent_explorer(), w.coaster_explorer(*roller_coaster(), start=BOOK_START),
                 w.scaling_explorer(*five_x_squared()), w.surface_explorer(_valley, (-2.0, 3.0), (-3.0, 2.0))]
    plain = [[ax.get_position().bounds for ax in ex.figure().axes] for ex in explorers]
    with plt.style.context("sgd_helpers.course"):
        styled = [[ax.get_position().bounds for ax in ex.figure().axes] for ex in explorers]
    assert styled == plain  # every panel where the picture put it

"""The project's own tools: the output normaliser behind `make outputs`/`make reproduce`, and the benchmark."""

import bench
import nbformat
import pytest
import run_notebooks

VIEW = "application/vnd.jupyter.widget-view+json"


def _executed_notebook():
    cell = nbformat.v4.new_code_cell("print('a'); print('b')", execution_count=1)
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
        nbformat.v4.new_output("stream", name="stderr", text="c\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "Explorer(...)", VIEW: {"model_id": "f00"}}),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_normalise_merges_streams_and_drops_timing_widget_state_and_views():
    nb = _executed_notebook()
    run_notebooks.normalise(nb)
    outs = nb.cells[0].outputs
    assert [(o.output_type, o.get("name")) for o in outs] == [("stream", "stdout"), ("stream", "stderr"),
                                                              ("display_data", None)]
    assert outs[0].text == "a\nb\n"
    assert outs[2].data == {"text/plain": "Explorer(...)"}
    assert "execution" not in nb.cells[0].metadata and "widgets" not in nb.metadata
    assert nb.metadata.kernelspec.name == "python3"
    nbformat.validate(nb)


def test_normalise_is_idempotent():
    nb = _executed_notebook()
    run_notebooks.normalise(nb)
    once = nbformat.writes(nb)
    run_notebooks.normalise(nb)
    assert nbformat.writes(nb) == once


def test_bench_measures_fit_and_explorers():
    fit = bench.bench_fit(steps=30, repeat=1)
    assert fit["fit_us_per_step"] > 0 and fit["bare_us_per_step"] > 0
    assert fit["ratio"] == pytest.approx(fit["fit_us_per_step"] / fit["bare_us_per_step"])
    widgets = bench.bench_widgets(updates=2)
    assert set(widgets) == {"descent_explorer", "coaster_explorer", "scaling_explorer"}
    assert all(r["median_ms"] > 0 for r in widgets.values())


def test_the_reproduction_check_ignores_only_the_python_patch_release():
    from pathlib import Path as P

    import nbformat as nbf
    from run_notebooks import comparable

    stored = (P(__file__).resolve().parent.parent / "notebooks" / "01_gradients.ipynb").read_text()
    nb = nbf.reads(stored, as_version=4)
    nb.metadata.language_info.version = "3.12.1"
    other_python = nbf.writes(nb)
    assert other_python != stored and comparable(other_python) == comparable(stored)
    nb.cells[4].outputs[1]["data"]["text/plain"] = "{-1.5: -3.0}"
    assert comparable(nbf.writes(nb)) != comparable(stored)

"""looplab.sweep(): the grid `looplab sweep` runs, as columns."""

from __future__ import annotations

import json

import numpy as np
import pytest

import looplab
from conftest import rel_close

SPEC = dict(
    name="python-test",
    models=["small", "tiny"],
    variants=["vanilla", "plt", "looped"],
    loops=[2, 3],
    windows=[4, 16],
    batches=[1, 8],
    contexts=[64, 512],
    hardware=["h200", "rtx-4090"],
    generate=16,
)


@pytest.fixture(scope="module")
def columns():
    return looplab.sweep(SPEC, as_frame=False)


def _rows(columns):
    n = len(columns["model"])
    return [{k: (v[i].item() if isinstance(v, np.ndarray) else v[i]) for k, v in columns.items()} for i in range(n)]


def test_duplicates_run_once(columns):
    # Vanilla runs one loop whatever `loops` says and only plt has a window: per model, hardware,
    # batch and context, 1 vanilla + 4 plt (2 loops x 2 windows) + 2 looped points.
    assert len(columns["model"]) == 2 * 2 * 2 * 2 * (1 + 4 + 2)
    for r in _rows(columns):
        if r["variant"] == "vanilla":
            assert (r["loops"], r["window"]) == (1, None)
        elif r["variant"] == "looped":
            assert r["window"] is None
        else:
            assert r["window"] in (4, 16)


def test_columns_have_their_types(columns):
    assert columns["decode_step_s"].dtype == np.float64
    assert columns["kv_bytes"].dtype == np.int64
    assert columns["fits"].dtype == np.bool_ and columns["pareto"].dtype == np.bool_
    assert set(columns["decode_bound"]) <= set(looplab.BOUNDS)
    assert list(columns)[:5] == ["hardware", "model", "variant", "loops", "window"]


def test_each_point_is_its_prediction(columns):
    for r in _rows(columns)[::5]:
        c = looplab.model(r["model"], variant=r["variant"], loops=r["loops"], window=r["window"])
        p = looplab.predict(c, hardware=r["hardware"], batch=r["batch"], context=r["context"], generate=16)
        assert rel_close(r["decode_step_s"], p["decode_step_s"])
        assert rel_close(r["prefill_s"], p["prefill_s"])
        assert rel_close(r["generate_s"], p["generation"]["total_s"])
        assert r["kv_bytes"] == p["memory"]["kv_bytes"]
        assert r["fits"] == (p["memory"]["verdict"] == "fits")
        d = looplab.predict_decode(c, r["hardware"], r["batch"], r["context"])
        assert rel_close(r["decode_step_s"], float(d["decode_step_s"]))


def test_a_spec_file_is_the_same_sweep(tmp_path, columns):
    f = tmp_path / "spec.json"
    f.write_text(json.dumps(SPEC))
    again = looplab.sweep(f, as_frame=False)
    assert _rows(again) == _rows(columns)


def test_sweep_equals_the_clis(cli, tmp_path, columns):
    f = tmp_path / "spec.json"
    f.write_text(json.dumps(SPEC))
    want = cli.json(["sweep", str(f), "--no-progress"])
    assert want["points"] == len(columns["model"])
    assert _rows(columns) == want["rows"]
    header = cli.run(["sweep", str(f), "--no-progress"]).stdout.splitlines()[0]
    assert list(columns) == header.split(",")


def test_frame_and_summary():
    pd = pytest.importorskip("pandas")
    df = looplab.sweep(SPEC)
    assert isinstance(df, pd.DataFrame) and len(df) == 112
    assert df.attrs["points"] == 112 and df.attrs["grid_points"] == 2 * 3 * 2 * 2 * 2 * 2 * 2
    assert str(df["window"].dtype) == "Int64"


@pytest.mark.parametrize(
    "change, field",
    [
        (dict(batchs=[1]), "batchs"),
        (dict(contexts=[]), "contexts"),
        (dict(hardware=["h900"]), "hardware[0]"),
        (dict(variants=["plt", "loopy"]), "variants[1]"),
        (dict(batches=list(range(1, 2000)), contexts=list(range(1, 100))), "max_points"),
    ],
)
def test_bad_specs_name_the_key(change, field):
    with pytest.raises(looplab.InputError) as e:
        looplab.sweep({**SPEC, **change})
    assert e.value.field == field, str(e.value)

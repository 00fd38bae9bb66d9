"""looplab.predict_decode(): vectorized decode steps equal to looplab.predict's, broadcasting."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import looplab
from conftest import rel_close

VARIANTS = ["vanilla", "looped", "clp", "clp_share", "plt"]
BATCHES = [1, 3, 16, 17, 64]
CONTEXTS = [1, 7, 64, 65, 4096, 100_000]


def _scalar(config, hardware, b, ctx, **kw):
    return looplab.predict(config, hardware=hardware, batch=b, context=ctx, generate=0, **kw)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("hardware, kw", [("h200", {}), ("a100-80gb", {"engine": "vllm"}), ("rtx-4090", {"launch": "stream"})])
def test_every_point_equals_scalar_predict(variant, hardware, kw):
    config = looplab.model("plt-paper-dense-1.2b", variant=variant, loops=2, window=64)
    grid = list(itertools.product(BATCHES, CONTEXTS))
    b = np.array([g[0] for g in grid])
    ctx = np.array([g[1] for g in grid])
    out = looplab.predict_decode(config, hardware, b, ctx, **kw)
    for i, (bi, ci) in enumerate(grid):
        p = _scalar(config, hardware, bi, ci, **kw)
        t = p["decode"]["total"]
        # The fast coster multiplies one layer by the layer count; predict sums every op.
        assert rel_close(out["decode_step_s"][i], p["decode_step_s"]), (bi, ci)
        assert rel_close(out["tokens_per_s"][i], p["decode_tokens_per_s"])
        for key in ["flops", "bytes", "weight_bytes", "activation_bytes", "kv_read_bytes", "kv_write_bytes"]:
            assert rel_close(out[key][i], t[key]), (key, bi, ci)
        assert looplab.BOUNDS[out["bound"][i]] == t["dominant_bound"]
        # KV at `context` tokens: predict's memory figure when nothing is generated.
        assert out["kv_bytes"][i] == p["memory"]["kv_bytes"]
        assert out["activation_peak_bytes"][i] == p["decode"]["activation_peak_bytes"]


def test_outputs_have_the_broadcast_shape_and_dtypes():
    out = looplab.predict_decode("small", "h200", batch=np.arange(1, 5)[:, None], context=[128, 1024, 4096])
    assert set(out) == {
        "decode_step_s", "tokens_per_s", "flops", "bytes", "weight_bytes", "activation_bytes", "kv_read_bytes",
        "kv_write_bytes", "kv_bytes", "activation_peak_bytes", "bound",
    }
    for v in out.values():
        assert v.shape == (4, 3)
    assert out["decode_step_s"].dtype == np.float64 and out["kv_bytes"].dtype == np.int64
    assert out["bound"].dtype == np.int8
    # Row b, column c is the point (b + 1, contexts[c]).
    one = looplab.predict_decode("small", "h200", 3, 1024)
    assert one["decode_step_s"].shape == () and one["decode_step_s"] == out["decode_step_s"][2, 1]
    assert looplab.predict_decode("small", "h200", [], [])["decode_step_s"].shape == (0,)


def test_hardware_loops_and_window_per_point():
    base = looplab.model("plt-paper-dense-1.2b", variant="plt", loops=2, window=64)
    hw = np.array(["h200", "a100-80gb", "h200", "l40s"])
    loops = np.array([2, 3, 4, 2])
    window = np.array([[16], [64]])  # broadcasts against the 4 points: shape (2, 4)
    out = looplab.predict_decode(base, hw, batch=8, context=2048, loops=loops, window=window)
    assert out["decode_step_s"].shape == (2, 4)
    for r, c in itertools.product(range(2), range(4)):
        config = base.replace(loops=int(loops[c]), window=int(window[r, 0]))
        p = _scalar(config, str(hw[c]), 8, 2048)
        assert rel_close(out["decode_step_s"][r, c], p["decode_step_s"])
        assert out["kv_bytes"][r, c] == p["memory"]["kv_bytes"]


def test_many_distinct_batches_in_any_order():
    # More batches than one coster caches, shuffled: every point still equals its own step.
    rng = np.random.default_rng(7)
    b = rng.integers(1, 2000, size=3000)
    ctx = rng.integers(1, 50_000, size=3000)
    out = looplab.predict_decode("small", "h100-sxm", b, ctx)
    for i in rng.choice(3000, size=25, replace=False):
        p = _scalar("small", "h100-sxm", int(b[i]), int(ctx[i]))
        assert rel_close(out["decode_step_s"][i], p["decode_step_s"])


def test_integral_floats_are_accepted():
    a = looplab.predict_decode("small", "h200", np.array([4.0]), np.array([512.0]))
    b = looplab.predict_decode("small", "h200", [4], [512])
    assert a["decode_step_s"][0] == b["decode_step_s"][0]


@pytest.mark.parametrize(
    "kwargs, field, words",
    [
        (dict(batch=[1, 0]), "batch", "element 1"),
        (dict(context=[5, -1]), "context", "element 1"),
        (dict(batch=[1.5]), "batch", "non-integral"),
        (dict(batch=["x"]), "batch", "expected integers"),
        (dict(batch=[1, 2], context=[1, 2, 3]), "batch", "do not broadcast"),
        (dict(loops=[2, 0]), "loops", "must be >= 1"),
        (dict(window=0), "window", "must be >= 1"),
        (dict(hardware=["h200", "h900"]), "hardware", "h900"),
        (dict(hardware=3), "hardware", "expected a name"),
        (dict(ceiling="peak"), "ceiling", "is not one of"),
        (dict(engine="nope"), "engine", "nope"),
    ],
)
def test_errors_name_the_field(kwargs, field, words):
    args = dict(config="small", hardware="h200", batch=[1, 2], context=[64, 128])
    args.update(kwargs)
    with pytest.raises(looplab.InputError) as e:
        looplab.predict_decode(**args)
    assert e.value.field == field, str(e.value)
    assert words in str(e.value)

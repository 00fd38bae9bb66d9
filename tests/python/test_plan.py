"""looplab.plan(): the step plan's ops, as `looplab plan --json` lists them."""

from __future__ import annotations

import pytest

import looplab


def test_decode_plan_of_plt_has_one_pass_over_both_loops():
    ops = looplab.plan(looplab.model("tiny", variant="plt", loops=2), batch=2, context=9)
    assert ops[0]["name"] == "embed" and ops[-1]["kind"] == "argmax"
    assert [o["id"] for o in ops] == list(range(len(ops)))
    layer_ops = [o for o in ops if o["layer"] >= 0]
    assert {o["pass"] for o in layer_ops} == {0}
    # Cross-loop decode: B*L rows, loop-major, in the GEMMs over both loops.
    gemm = [o for o in layer_ops if o["kind"] == "o_proj_residual"]
    assert gemm and all(o["rows"] == 4 for o in gemm)
    # Both loops' queries read loop 1's cache: 2 query rows per sequence over all 9 keys.
    glob = [o for o in layer_ops if o["kind"] == "attn_global"]
    assert glob and all((o["kv_len"], o["q_per_seq"]) == (9, 2) for o in glob)
    # Loop 2's gated local attention sees the window (tiny's is 4), its own rows only.
    local = [o for o in layer_ops if o["kind"] == "attn_local_gate"]
    assert local and all((o["kv_len"], o["rows"], o["loop_lo"]) == (4, 2, 2) for o in local)


def test_looped_decode_runs_one_pass_per_loop():
    c = looplab.model("tiny", variant="looped", loops=3)
    ops = looplab.plan(c, batch=1, context=5)
    assert {o["pass"] for o in ops if o["layer"] >= 0} == {0, 1, 2}
    assert sum(1 for o in ops if o["kind"] == "attn_global") == c.layers * 3


def test_prefill_and_errors():
    ops = looplab.plan("tiny", batch=2, context=7, phase="prefill")
    assert any(o["causal"] for o in ops)
    with pytest.raises(looplab.InputError) as e:
        looplab.plan("tiny", phase="decoding")
    assert e.value.field == "phase"
    with pytest.raises(looplab.InputError) as e:
        looplab.plan("tiny", batch=0)
    assert e.value.field == "batch"


@pytest.mark.parametrize("variant", ["vanilla", "looped", "clp", "clp_share", "plt"])
def test_plan_equals_the_clis(cli, variant):
    got = looplab.plan(looplab.model("tiny", variant=variant, loops=2), batch=2, context=9)
    want = cli.json(["plan", "--model", "tiny", "--variant", variant, "--loops", "2", "--batch", "2", "--context", "9"])
    assert got == want["ops"]


def test_plan_as_frame():
    pd = pytest.importorskip("pandas")
    df = looplab.plan("tiny", as_frame=True)
    assert isinstance(df, pd.DataFrame) and list(df["id"]) == list(range(len(df)))

"""looplab.predict(): the numbers of `looplab predict --json`, and invariants checked by hand."""

from __future__ import annotations

import os

import pytest

import looplab
from conftest import rel_close

PAPER = dict(variant="plt", loops=2, window=64)


def test_decode_and_generation_add_up():
    c = looplab.model("plt-paper-dense-1.2b", **PAPER)
    p = looplab.predict(c, hardware="h200", batch=4, context=4096, generate=128)
    assert p["batch"] == 4 and p["context"] == 4096 and p["hardware"] == "h200"
    assert p["decode_tokens_per_s"] == 4 / p["decode_step_s"]
    assert p["decode_step_s"] == p["decode"]["total"]["time_s"]
    g = p["generation"]
    assert (g["prompt_tokens"], g["new_tokens"]) == (4096, 128)
    assert g["total_s"] == g["prefill_s"] + g["decode_s"]
    assert g["tokens_per_s"] == 4 * 128 / g["total_s"]
    m = p["memory"]
    assert m["kv_capacity_tokens"] == 4096 + 127
    assert m["total_bytes"] == m["weight_bytes"] + m["kv_bytes"] + m["activation_peak_bytes"]
    assert m["weight_bytes"] == c.parameter_count() * 2
    assert m["verdict"] == ("fits" if m["total_bytes"] <= m["device_bytes"] else "out_of_memory")
    ops = p["decode"]["ops"]
    assert rel_close(sum(o["time_s"] for o in ops) + p["decode"]["total"]["engine_overhead_s"], p["decode_step_s"])
    assert rel_close(sum(t["time_s"] for t in p["decode"]["by_kind"].values()), sum(o["time_s"] for o in ops))


def test_one_op_by_hand_on_the_plain_roofline():
    # tiny plt L=2, batch 2: the decode pass holds B*L = 4 rows; qkv_proj is a 4 x 128 x 64 GEMM
    # (q 4 heads x 16, k and v 2 heads x 16 each), bf16 (2 bytes), on the H200's achievable
    # ceilings (bandwidth 4.15 TB/s; bf16 has no achievable figure, so the measured 790 TFLOP/s),
    # plus one launch gap inside a CUDA graph.
    spec = looplab.hardware_spec("h200")
    bw = spec["mem_bw_bytes_per_s"]["achievable"]["value"]
    peak = spec["peak_flops"]["bf16"]["measured"]["value"]
    gap = spec["launch_overhead_s"]["graph"]["measured"]["value"]
    p = looplab.predict("tiny", hardware="h200", batch=2, context=9, cost_model="roofline", generate=0)
    op = next(o for o in p["decode"]["ops"] if o["name"] == "layer0.loops1-2.qkv_proj")
    m, n, k = 4, 128, 64
    assert (op["rows"], op["n"], op["k"]) == (m, n, k)
    assert op["flops"] == 2 * m * n * k
    assert op["weight_bytes"] == n * k * 2
    assert op["activation_bytes"] == (m * k + m * n) * 2
    assert rel_close(op["compute_s"], op["flops"] / peak)
    assert rel_close(op["memory_s"], (op["weight_bytes"] + op["activation_bytes"]) / bw)
    assert rel_close(op["time_s"], max(op["compute_s"], op["memory_s"]) + gap)
    assert op["bound"] == "launch"  # 4.3 ns of traffic against a 1.3 us launch


def test_kv_bytes_by_hand_and_the_ladder_ratios():
    # K and V, 16 layers x 8 KV heads x 64 dims x 2 bytes per token, 4 sequences of 4096 tokens.
    n, w, L = 4096, 64, 2
    kv = {}
    for v in ["vanilla", "looped", "clp", "clp_share", "plt"]:
        p = looplab.predict(looplab.model("plt-paper-dense-1.2b", variant=v, loops=L, window=w), batch=4,
                            context=n, generate=0)
        kv[v] = p["memory"]["kv_bytes"]
    assert kv["vanilla"] == 2 * 16 * 8 * 64 * 2 * 4 * n
    assert kv["looped"] == kv["clp"] == 2 * kv["vanilla"]
    assert kv["clp_share"] == kv["vanilla"]
    assert kv["plt"] * n == kv["vanilla"] * (n + (L - 1) * w)


def test_plt_costs_about_a_vanilla_step_and_looped_two():
    # docs/simulator.md: at batch 4 under CUDA graphs, plt within 5% of vanilla, looped ~1.9x.
    t = {
        v: looplab.predict(looplab.model("plt-paper-dense-1.2b", variant=v, loops=2, window=64), batch=4,
                           context=4096, generate=0)["decode_step_s"]
        for v in ["vanilla", "looped", "plt"]
    }
    assert 1.0 <= t["plt"] / t["vanilla"] <= 1.05
    assert 1.8 <= t["looped"] / t["vanilla"] <= 2.0


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(hardware="h900"), "hardware"),
        (dict(engine="vllm2"), "engine"),
        (dict(ceiling="peak"), "ceiling"),
        (dict(launch="graphs"), "launch"),
        (dict(cost_model="exact"), "cost_model"),
        (dict(batch=0), "batch"),
        (dict(context=0), "context"),
        (dict(context=10, prompt=11), "prompt"),
        (dict(generate=-1), "generate"),
    ],
)
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(looplab.InputError) as e:
        looplab.predict("tiny", **kwargs)
    assert e.value.field == field and str(e.value).startswith(field + ": ")


def test_a_hardware_file_is_the_named_spec():
    path = os.path.join(looplab.data_dir(), "hardware", "h100-sxm.json")
    assert looplab.predict("small", hardware=path) == looplab.predict("small", hardware="h100-sxm")


CASES = [
    ("plt-paper-dense-1.2b", dict(variant="plt", loops=2, window=64), dict(batch=4, context=4096)),
    ("llama-3-8b", {}, dict(hardware="h100-sxm", engine="vllm", batch=8, context=2048)),
    (
        "small",
        dict(variant="looped", loops=3),
        dict(hardware="a100-80gb", launch="stream", ceiling="datasheet", cost_model="roofline", prompt=100,
             context=300, generate=20),
    ),
    ("tiny", dict(variant="clp_share", loops=2), dict(hardware="rtx-4090", generate=0, batch=3, context=17)),
    ("qwen3-0.6b", dict(variant="clp", loops=2), dict(hardware="l40s", engine="llama.cpp", batch=16, context=512)),
]


def _cli_args(model, overrides, kwargs):
    args = ["predict", "--model", model]
    for k, v in {**overrides, **kwargs}.items():
        args += ["--" + k.replace("_", "-"), str(v)]
    return args


@pytest.mark.parametrize("model, overrides, kwargs", CASES)
def test_predict_equals_the_clis_json(cli, model, overrides, kwargs):
    got = looplab.predict(looplab.model(model, **overrides), **kwargs)
    want = cli.json(_cli_args(model, overrides, kwargs))
    assert got == want  # every number, bit for bit: the same prediction_to_json

"""Model configs: presets, overrides as the CLI applies them, errors that name the field."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest

import looplab


def test_catalogs_list_the_data_folder():
    assert {"tiny", "small", "plt-paper-dense-1.2b"} <= set(looplab.presets())
    assert {"h200", "h100-sxm", "rtx-4090"} <= set(looplab.hardware_specs())
    assert {"looplab-graph", "vllm", "llama.cpp"} <= set(looplab.engines())
    spec = looplab.hardware_spec("h200")
    assert spec["name"] == "h200" and spec["mem_bw_bytes_per_s"]["achievable"]["source"]


def test_the_package_points_the_cpp_code_at_its_data():
    assert looplab.data_dir() == os.environ["LOOPLAB_DATA_DIR"]
    assert os.path.isdir(os.path.join(looplab.data_dir(), "models"))


def test_a_users_data_dir_wins(tmp_path):
    env = dict(os.environ, LOOPLAB_DATA_DIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", "import looplab; print(looplab.data_dir())"], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(tmp_path)


def test_preset_fields():
    c = looplab.model("plt-paper-dense-1.2b")
    assert (c.layers, c.hidden, c.heads, c.kv_heads, c.head_dim) == (16, 2048, 32, 8, 64)
    assert c.name == "plt-paper-dense-1.2b"
    assert c.to_dict()["layers"] == 16


def test_every_cli_override_applies():
    c = looplab.model(
        "tiny",
        variant="plt",
        loops=3,
        window=8,
        layers=3,
        hidden=128,
        heads=8,
        kv_heads=4,
        head_dim=16,
        ffn=256,
        vocab=300,
        dtype="f32",
        tied_embeddings=True,
        qk_norm=True,
        rope_theta=500000.0,
        norm_eps=1e-6,
        reinject_e=0.5,
        reinject_h=2,
        gate_bias_init=-1.0,
    )
    assert (c.variant, c.loops, c.window, c.layers, c.hidden) == ("plt", 3, 8, 3, 128)
    assert (c.heads, c.kv_heads, c.head_dim, c.ffn, c.vocab, c.dtype) == (8, 4, 16, 256, 300, "f32")
    assert c.tied_embeddings and c.qk_norm
    assert (c.rope_theta, c.norm_eps, c.reinject_e, c.reinject_h, c.gate_bias_init) == (500000.0, 1e-6, 0.5, 2.0, -1.0)
    assert c.effective_loops == 3


def test_none_keeps_the_presets_value_and_vanilla_runs_one_loop():
    base = looplab.model("small")
    assert looplab.model("small", loops=None, window=None) == base
    v = looplab.model("small", variant="vanilla", loops=4)
    assert v.loops == 4 and v.effective_loops == 1


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        ({"loopz": 2}, "loopz", "did you mean 'loops'"),
        ({"name": "x"}, "name", "unknown config field"),
        ({"loops": 0}, "loops", "must be >= 1"),
        ({"loops": 2.5}, "loops", "expected an integer"),
        ({"loops": True}, "loops", "expected an integer"),
        ({"variant": "plt2"}, "variant", "is not one of"),
        ({"dtype": "fp8"}, "dtype", "is not one of"),
        ({"kv_heads": 3}, "kv_heads", "does not divide"),
        ({"qk_norm": 1}, "qk_norm", "expected true or false"),
        ({"rope_theta": "big"}, "rope_theta", "expected a number"),
    ],
)
def test_bad_overrides_name_the_field(overrides, field, words):
    with pytest.raises(looplab.InputError) as e:
        looplab.model("tiny", **overrides)
    assert e.value.field == field
    assert str(e.value).startswith(field + ": ")
    assert words in str(e.value)
    assert isinstance(e.value, ValueError)


def test_unknown_preset_names_the_model_field():
    with pytest.raises(looplab.InputError) as e:
        looplab.model("no-such-model")
    assert e.value.field == "model" and "tiny" in str(e.value)


def test_json_file_dict_and_replace(tmp_path):
    base = looplab.model("tiny", variant="plt", loops=2)
    f = tmp_path / "m.json"
    f.write_text(json.dumps(base.to_dict()))
    assert looplab.model(f) == base
    assert looplab.model(str(f), loops=3).loops == 3
    assert looplab.model(base.to_dict()) == base
    assert base.replace(window=3).window == 3 and base.window != 3
    with pytest.raises(looplab.InputError) as e:
        base.replace(heads=0)
    assert e.value.field == "heads"


def test_configs_compare_hash_and_pickle():
    a = looplab.model("small", variant="plt", loops=2)
    b = looplab.model("small", variant="plt", loops=2)
    assert a == b and hash(a) == hash(b) and a != a.replace(loops=3) and a != "small"
    assert pickle.loads(pickle.dumps(a)) == a
    assert "plt" in repr(a)

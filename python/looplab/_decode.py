"""looplab.predict_decode(): many decode steps at once, numpy in and out."""

from __future__ import annotations

import os
from typing import Any, Dict, Optional, Sequence, Union

import numpy as np

from ._errors import input_error
from ._looplab import ModelConfig, _predict_decode

# The codes of the `bound` array: what holds most of a step's time (simulator/op_cost.hpp, Bound).
BOUNDS = ("memory", "compute", "launch")


def _int_array(values: Any, field: str) -> np.ndarray:
    a = np.asarray(values)
    if a.dtype.kind in "iu":
        if a.dtype.kind == "u" and a.size and a.max() > np.iinfo(np.int64).max:
            raise input_error(field, "values above 2^63 - 1")
        return a.astype(np.int64, copy=False)
    if a.dtype.kind == "f":
        if not np.all(np.isfinite(a)) or not np.all(a == np.floor(a)):
            raise input_error(field, "expected integers, got non-integral numbers")
        return a.astype(np.int64)
    raise input_error(field, f"expected integers, got an array of {a.dtype}")


def predict_decode(
    config: Union[ModelConfig, str, "os.PathLike[str]", dict],
    hardware: Union[str, Sequence[str], np.ndarray] = "h200",
    batch: Any = 1,
    context: Any = 4096,
    loops: Any = None,
    window: Any = None,
    *,
    engine: Optional[str] = None,
    ceiling: str = "achievable",
    launch: str = "graph",
    cost_model: str = "kernels",
    calibration: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> Dict[str, np.ndarray]:
    """Decode steps of many points in one call.

    ``batch``, ``context``, ``loops``, ``window`` (integers or arrays) and ``hardware`` (a name,
    or names in an array) broadcast together; every output has the broadcast shape. ``loops``
    and ``window`` default to the config's own; a config is built per distinct (loops, window).
    Each point is the decode step ``looplab.predict`` reports for it (``decode_step_s`` equals
    its ``decode_step_s`` to 1e-12 relative: the fast coster multiplies one layer by the layer
    count where predict sums every op). Returns decode_step_s, tokens_per_s (batch / step),
    flops, bytes, weight_bytes, activation_bytes, kv_read_bytes, kv_write_bytes (per step),
    kv_bytes (the KV cache at ``context`` tokens), activation_peak_bytes, and bound (int8 codes
    into ``looplab.BOUNDS``).
    """
    arrays = {"batch": _int_array(batch, "batch"), "context": _int_array(context, "context")}
    if loops is not None:
        arrays["loops"] = _int_array(loops, "loops")
    if window is not None:
        arrays["window"] = _int_array(window, "window")
    hw = np.asarray(hardware)
    if hw.dtype.kind not in "UO":
        raise input_error("hardware", f"expected a name or an array of names, got {hw.dtype}")
    if hw.ndim == 0:
        names = [str(hw)]
    else:
        unique, index = np.unique(hw.astype(str), return_inverse=True)
        names = [str(u) for u in unique]
        arrays["hardware"] = index.reshape(hw.shape).astype(np.int64, copy=False)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {a.shape}" for k, a in arrays.items())
        raise input_error(next(iter(arrays)), f"shapes do not broadcast together: {shapes}") from None
    flat = {k: np.ascontiguousarray(np.broadcast_to(a, shape)).reshape(-1) for k, a in arrays.items()}
    out = _predict_decode(
        config,
        names,
        flat.get("hardware"),
        flat["batch"],
        flat["context"],
        flat.get("loops"),
        flat.get("window"),
        None if engine is None else os.fspath(engine),
        ceiling,
        launch,
        cost_model,
        None if calibration is None else os.fspath(calibration),
    )
    return {k: v.reshape(shape) for k, v in out.items()}

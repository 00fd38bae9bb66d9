"""looplab.plan(): the ops of one step."""

from __future__ import annotations

import os
from typing import Any, Union

from . import _frames
from ._looplab import ModelConfig, _plan

ConfigLike = Union[ModelConfig, str, "os.PathLike[str]", dict]


def plan(
    config: ConfigLike,
    batch: int = 1,
    context: int = 128,
    phase: str = "decode",
    *,
    as_frame: bool = False,
) -> Any:
    """The ordered ops of one prefill or decode step (plan_step), one dict per op with the fields
    of ``looplab plan --json``: id, name, kind, layer, loop_lo, loop_hi, pass, rows, n, k, seqs,
    q_per_seq, kv_rows, kv_len, kv_sets, kv, causal. ``context`` is the prompt length of a
    prefill, or the keys visible to the new token of a decode step. ``as_frame=True``: a pandas
    DataFrame."""
    ops = _plan(config, batch, context, phase)
    return _frames.records_frame(ops) if as_frame else ops


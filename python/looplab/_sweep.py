"""looplab.sweep(): a grid of configurations, as `looplab sweep` runs it."""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Union

from . import _frames
from ._errors import input_error
from ._looplab import _sweep


def sweep(
    spec: Union[Mapping[str, Any], str, "os.PathLike[str]"],
    *,
    as_frame: Optional[bool] = None,
    max_points: Optional[int] = None,
) -> Any:
    """Predict every point of a sweep spec (a dict, or a spec file such as
    studies/sweeps/design-space.json; docs/simulator.md lists the keys). The columns are those of
    ``looplab sweep --json``: numeric and boolean ones as numpy arrays, text as lists, ``window``
    a list with None where the variant has no window. ``as_frame``: a pandas DataFrame (None:
    when pandas is installed), with the sweep's summary (points, grid_points, pareto_points,
    out_of_memory_points, spec) in ``.attrs``; else a dict of columns. A grid above 100,000
    points needs ``max_points``."""
    if max_points is not None and max_points < 1:
        raise input_error("max_points", "must be >= 1")
    source = dict(spec) if isinstance(spec, Mapping) else os.fspath(spec)
    columns, summary = _sweep(source, 0 if max_points is None else max_points)
    if as_frame is None:
        as_frame = _frames.pandas_or_none() is not None
    if not as_frame:
        return columns
    df = _frames.columns_frame(columns)
    df.attrs.update(summary)
    return df

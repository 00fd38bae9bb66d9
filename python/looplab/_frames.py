"""pandas, when it is installed: DataFrames from columns and from lists of records."""

from __future__ import annotations

from typing import Any, Mapping, Sequence


def pandas_or_none() -> Any:
    try:
        import pandas  # type: ignore[import-untyped]
    except ImportError:
        return None
    return pandas


def require_pandas() -> Any:
    pd = pandas_or_none()
    if pd is None:
        raise ImportError("a DataFrame needs pandas: pip install pandas (or looplab[studies])")
    return pd


def _column(pd: Any, values: Any) -> Any:
    # Integer columns with gaps (a window only plt has, a device time only GPU runs have) arrive
    # as lists of int and None; keep them integers (pandas' Int64) rather than floats with NaN.
    if isinstance(values, list):
        present = [v for v in values if v is not None]
        if len(present) < len(values) and present and all(type(v) is int for v in present):
            return pd.array(values, dtype="Int64")
    return values


def columns_frame(columns: Mapping[str, Any]) -> Any:
    pd = require_pandas()
    return pd.DataFrame({k: _column(pd, v) for k, v in columns.items()})


def records_frame(records: Sequence[Mapping[str, Any]]) -> Any:
    """Columns in the order of the first record's keys."""
    pd = require_pandas()
    if not records:
        return pd.DataFrame()
    return columns_frame({k: [r[k] for r in records] for k in records[0]})

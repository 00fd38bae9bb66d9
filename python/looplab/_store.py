"""looplab.Store: a results store (looplab.db) opened read-only."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Union

from . import _frames
from ._looplab import _Store

Record = Dict[str, Any]


class Store:
    """A results store opened read-only: rows as lists of dicts keyed by the store's column
    names (docs/profiler.md), or as pandas DataFrames through the ``*_frame`` methods. A missing
    file or one that is not a looplab store raises InputError (field ``db``); an unknown run or
    sweep id, InputError (``run``, ``sweep``); a failure while reading, StoreError."""

    def __init__(self, path: Union[str, "os.PathLike[str]"]) -> None:
        self._store = _Store(os.fspath(path))

    @property
    def path(self) -> str:
        return self._store.path

    def runs(self) -> List[Record]:
        """Every run, newest first, with op_rows and kernel_rows counts."""
        return self._store.runs()

    def run(self, id: int) -> Record:
        return self._store.run(id)

    def steps(self, id: int) -> List[Record]:
        return self._store.steps(id)

    def ops(self, id: int) -> List[Record]:
        return self._store.ops(id)

    def predictions(self, id: int) -> List[Record]:
        return self._store.predictions(id)

    def kernels(self, id: int) -> List[Record]:
        return self._store.kernels(id)

    def sweeps(self) -> List[Record]:
        return self._store.sweeps()

    def sweep_points(self, id: int) -> List[Record]:
        return self._store.sweep_points(id)

    def hardware(self) -> List[Record]:
        return self._store.hardware()

    def calibrations(self) -> List[Record]:
        return self._store.calibrations()

    def runs_frame(self) -> Any:
        return _frames.records_frame(self.runs())

    def steps_frame(self, id: int) -> Any:
        return _frames.records_frame(self.steps(id))

    def ops_frame(self, id: int) -> Any:
        return _frames.records_frame(self.ops(id))

    def predictions_frame(self, id: int) -> Any:
        return _frames.records_frame(self.predictions(id))

    def kernels_frame(self, id: int) -> Any:
        return _frames.records_frame(self.kernels(id))

    def sweeps_frame(self) -> Any:
        return _frames.records_frame(self.sweeps())

    def sweep_points_frame(self, id: int) -> Any:
        return _frames.records_frame(self.sweep_points(id))

    def close(self) -> None:
        self._store.close()

    @property
    def closed(self) -> bool:
        return self._store.closed

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r}{', closed' if self.closed else ''})"

"""looplab: measure and predict what looped transformers cost to run.

The simulator, the step plan, model configs and read access to the results store, bound from
the C++ code the `looplab` CLI runs (docs/python.md). Every number is the CLI's own:
``looplab.predict(...)`` returns what ``looplab predict --json`` prints.
"""

from __future__ import annotations

import os as _os
from pathlib import Path as _Path


def _point_at_packaged_data() -> None:
    # The C++ code finds its data folder through $LOOPLAB_DATA_DIR first (engine/core/config.hpp);
    # a wheel carries data/ as looplab/data. A user's own LOOPLAB_DATA_DIR wins.
    here = _Path(__file__).resolve().parent / "data"
    if not _os.environ.get("LOOPLAB_DATA_DIR") and (here / "models").is_dir():
        _os.environ["LOOPLAB_DATA_DIR"] = str(here)


_point_at_packaged_data()

from ._errors import InputError, StoreError  # noqa: E402
from ._looplab import (  # noqa: E402  (the data folder must be set first)
    ModelConfig,
    data_dir,
    engine_commit,
    engines,
    hardware_spec,
    hardware_specs,
    model,
    predict,
    presets,
)
from ._decode import BOUNDS, predict_decode  # noqa: E402
from ._plan import plan  # noqa: E402
from ._store import Store  # noqa: E402
from ._sweep import sweep  # noqa: E402

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("looplab")
except PackageNotFoundError:  # imported from a build folder, not installed
    __version__ = "0+unknown"

__all__ = [
    "BOUNDS",
    "InputError",
    "ModelConfig",
    "Store",
    "StoreError",
    "data_dir",
    "engine_commit",
    "engines",
    "hardware_spec",
    "hardware_specs",
    "model",
    "plan",
    "predict",
    "predict_decode",
    "presets",
    "sweep",
]

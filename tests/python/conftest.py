"""Shared fixtures: the `looplab` CLI to compare against, when there is one.

The Python module is checked against the CLI's own output where a CLI binary is available: the
one named by $LOOPLAB_CLI (scripts/test sets it to build/<preset>/cli/looplab), else `looplab`
on PATH. Without one, those tests are skipped and say why; the rest check the module against
hand-worked invariants.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, List

import pytest

import looplab  # noqa: F401  (sets LOOPLAB_DATA_DIR, which the CLI then reads too)


def _find_cli() -> str | None:
    env = os.environ.get("LOOPLAB_CLI")
    if env:
        return env if Path(env).is_file() else None
    return shutil.which("looplab")


class Cli:
    def __init__(self, path: str) -> None:
        self.path = path

    def run(self, args: List[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([self.path, *args], capture_output=True, text=True, cwd=cwd, timeout=120)

    def json(self, args: List[str], cwd: Path | None = None) -> Any:
        p = self.run([*args, "--json"], cwd=cwd)
        assert p.returncode == 0, f"looplab {' '.join(args)} exited {p.returncode}: {p.stderr}"
        return json.loads(p.stdout)


@pytest.fixture(scope="session")
def cli() -> Cli:
    path = _find_cli()
    if path is None:
        reason = (
            f"LOOPLAB_CLI={os.environ['LOOPLAB_CLI']} is not a file"
            if os.environ.get("LOOPLAB_CLI")
            else "no looplab CLI: set LOOPLAB_CLI=build/<preset>/cli/looplab or put looplab on PATH"
        )
        pytest.skip(reason)
    return Cli(path)


def rel_close(a: float, b: float, rel: float = 1e-12) -> bool:
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))

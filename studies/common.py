"""Shared helpers of the studies in studies/*.py.

Each study is a small script with ``main(argv) -> int`` that writes one markdown page and its
PNG figures into an output folder (``docs/studies`` by default, ``--out DIR`` otherwise;
figures go to ``DIR/img/<study>-<name>.png``). ``--fast`` runs fewer points, for CI.

Everything here is presentation: the numbers come from the ``looplab`` module (the same C++
the CLI runs), never from a formula in Python.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "docs" / "studies"
PAPER_FILE = REPO / "data" / "paper" / "plt-table2.json"

# The model every study uses unless it says otherwise: the PLT paper's open dense shape.
MODEL = "plt-paper-dense-1.2b"
LOOPS = 2
WINDOW = 64
CONTEXT = 4096
VARIANTS = ("vanilla", "looped", "clp", "clp_share", "plt")
LABELS = {
    "vanilla": "vanilla",
    "looped": "looped L=2",
    "clp": "+CLP (clp)",
    "clp_share": "+KV share (clp_share)",
    "plt": "+G-SWA (plt, PLT-2)",
}
SHORT = {"vanilla": "vanilla", "looped": "looped", "clp": "clp", "clp_share": "clp_share", "plt": "plt"}
# Distinct hues (Okabe-Ito, colour-blind safe); looped, clp and clp_share never share a hue.
COLORS = {
    "vanilla": "#000000",
    "looped": "#D55E00",  # vermillion
    "clp": "#0072B2",  # blue
    "clp_share": "#009E73",  # bluish green
    "plt": "#CC79A7",  # reddish purple
    "paper": "#999999",
}
# Series that are not variants (measured / predicted / calibrated), in hues no variant uses.
SERIES = {"measured": "#444444", "predicted": "#56B4E9", "calibrated": "#E69F00", "spread": "#999999"}
MARKERS = {"vanilla": "o", "looped": "s", "clp": "^", "clp_share": "v", "plt": "D"}
LINESTYLES = {"vanilla": "-", "looped": "--", "clp": "-.", "clp_share": ":", "plt": "-"}

PREDICTION_NOTE = (
    "**These are simulator predictions, not measurements**: `looplab`'s cost model (docs/simulator.md) "
    "run on datasheet/achievable hardware specs (`data/hardware`). looplab's CUDA engine has not run "
    "on any of these GPUs; the model behind the numbers is validated against published measurements "
    "of other engines ([validation.md](validation.md)), uncalibrated."
)


def paper() -> dict:
    """The paper's Table 2 and batch-scaling claims, as data/paper/plt-table2.json holds them."""
    with open(PAPER_FILE, encoding="utf-8") as f:
        return json.load(f)


def paper_source() -> str:
    return f"{paper()['source']} (copied in `data/paper/plt-table2.json`)"


def hardware_list(fast: bool, fast_subset: Sequence[str] = ("h200", "a100-80gb")) -> List[str]:
    import looplab

    specs = list(looplab.hardware_specs())
    # A fixed order: newest/biggest first, as docs/simulator.md lists them.
    order = ["h200", "h100-sxm", "h800", "h100-pcie", "a100-80gb", "a100-pcie-80gb", "l40s", "rtx-4090"]
    specs.sort(key=lambda s: order.index(s) if s in order else len(order))
    if fast:
        return [s for s in specs if s in fast_subset]
    return specs


def config(variant: str, loops: int = LOOPS, window: int = WINDOW, model: str = MODEL):
    import looplab

    if variant == "vanilla":
        return looplab.model(model, variant="vanilla", loops=1)
    if variant == "plt":
        return looplab.model(model, variant=variant, loops=loops, window=window)
    return looplab.model(model, variant=variant, loops=loops)


# ---------------------------------------------------------------- memory

MAX_BATCH = 1 << 20


def fits(cfg, hw: str, batch: int, context: int, whole_prompt: bool = False) -> Tuple[bool, dict]:
    """predict()'s memory verdict. whole_prompt: the prompt (= context) of every sequence prefilled in
    one step (the activation peak of that prefill counts); else prompt = 1, so the verdict is weights +
    KV at `context` + the decode step's activations (a serving engine that prefills in chunks)."""
    import looplab

    p = looplab.predict(cfg, hardware=hw, batch=batch, context=context,
                        prompt=context if whole_prompt else 1, generate=1)
    return p["memory"]["verdict"] == "fits", p


def max_batch(cfg, hw: str, context: int, whole_prompt: bool = False) -> Tuple[int, dict]:
    """The largest batch whose predict() verdict is `fits` (0 if none): doubling, then bisection."""
    ok, p = fits(cfg, hw, 1, context, whole_prompt)
    if not ok:
        return 0, p
    lo, lo_p, hi = 1, p, 2
    while hi <= MAX_BATCH:
        ok, p = fits(cfg, hw, hi, context, whole_prompt)
        if not ok:
            break
        lo, lo_p, hi = hi, p, hi * 2
    else:
        return lo, lo_p
    while hi - lo > 1:
        mid = (lo + hi) // 2
        ok, p = fits(cfg, hw, mid, context, whole_prompt)
        if ok:
            lo, lo_p = mid, p
        else:
            hi = mid
    return lo, lo_p


# ---------------------------------------------------------------- formatting


def ms(seconds: float, digits: int = 3) -> str:
    return f"{seconds * 1e3:.{digits}f}"


def gb(nbytes: float, digits: int = 3) -> str:
    return f"{nbytes / 1e9:.{digits}f}"


def ratio(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def pct(x: float, digits: int = 1) -> str:
    return f"{x * 100:+.{digits}f}%"


def md_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], align: Optional[str] = None) -> str:
    """A GitHub markdown table. ``align``: one letter per column, l/r/c (default: first left, rest right)."""
    headers = [str(h) for h in headers]
    if align is None:
        align = "l" + "r" * (len(headers) - 1)
    rule = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule[a] for a in align) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- axes


def log2_axis(ax, axis: str = "x", values: Optional[Sequence[int]] = None) -> None:
    """A base-2 log axis with plain integer tick labels (1, 2, 4, ... rather than 2^k)."""
    set_scale = ax.set_xscale if axis == "x" else ax.set_yscale
    set_scale("log", base=2)
    target = ax.xaxis if axis == "x" else ax.yaxis
    if values is not None:
        target.set_ticks(list(values))
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    target.set_minor_formatter(NullFormatter())


def log10_axis(ax, axis: str = "y") -> None:
    """A base-10 log axis with plain numbers (0.5, 1, 2, 5, 10 ...) as labels."""
    set_scale = ax.set_xscale if axis == "x" else ax.set_yscale
    set_scale("log")
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    target.set_minor_formatter(NullFormatter())


def pad_log_limits(ax, axis: str, lo: float, hi: float, factor: float = 1.25) -> None:
    """Limits a little beyond the data, so markers at the edges are not clipped."""
    if axis == "x":
        ax.set_xlim(lo / factor, hi * factor)
    else:
        ax.set_ylim(lo / factor, hi * factor)


# ---------------------------------------------------------------- the page


class Page:
    """One study's markdown page and its figures."""

    def __init__(self, name: str, title: str, out: Path, argv_for_command: Sequence[str]) -> None:
        self.name = name
        self.out = Path(out)
        self.img = self.out / "img"
        self.img.mkdir(parents=True, exist_ok=True)
        self.figures: List[Path] = []
        cmd = [".venv/bin/python", f"studies/{name.replace('-', '_')}.py"] + list(argv_for_command)
        self.command = " ".join(shlex.quote(c) for c in cmd)
        self.parts: List[str] = [f"# Study: {title}\n"]
        self.started = time.time()

    def add(self, text: str) -> None:
        self.parts.append(text.rstrip("\n") + "\n")

    def heading(self, text: str, level: int = 2) -> None:
        self.add("#" * level + " " + text)

    def table(self, headers, rows, align=None) -> None:
        self.add(md_table(headers, rows, align))

    def figure(self, fig, stem: str, alt: str) -> Path:
        """Saves ``fig`` as img/<study>-<stem>.png and links it on the page."""
        path = self.img / f"{self.name}-{stem}.png"
        fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.15)
        plt.close(fig)
        self.figures.append(path)
        self.add(f"![{alt}](img/{path.name})")
        return path

    def reproduce(self, fast: bool, seconds_hint: str = "") -> None:
        hint = f" ({seconds_hint})" if seconds_hint else ""
        self.add(
            "**Reproduce**" + hint + ":\n\n```sh\n" + self.command + "\n```\n\n"
            "(`scripts/studies` runs every study; `--fast` runs fewer points, `--out DIR` writes elsewhere.)"
            + ("\n\n> This page was written in `--fast` mode: fewer points than the full study." if fast else "")
        )

    def write(self) -> Path:
        path = self.out / f"{self.name}.md"
        self.add(f"\n---\n_Generated by `studies/{self.name.replace('-', '_')}.py` with looplab "
                 f"{_version()} (engine commit `{_commit()}`)._")
        path.write_text("\n".join(self.parts), encoding="utf-8")
        return path


def _version() -> str:
    import looplab

    return getattr(looplab, "__version__", "?")


def _commit() -> str:
    import looplab

    try:
        return looplab.engine_commit()
    except Exception:  # pragma: no cover - an old module
        return "?"


def assumptions(
    *,
    model: str = MODEL,
    hardware: str = "every spec in `data/hardware`",
    batch: str = "",
    context: str = f"{CONTEXT} tokens (keys visible to the new token)",
    loops: str = f"L = {LOOPS}",
    window: str = f"w = {WINDOW} (plt)",
    engine: str = "`looplab-graph` (looplab's own engine, decode step replayed from a CUDA graph)",
    ceiling: str = "`achievable` (what real kernels reach, per spec, with its source)",
    cost_model: str = "`kernels` (the efficiency model, the project's fit `data/validation/fit.json`)",
    calibration: str = "none (uncalibrated)",
    extra: Sequence[str] = (),
) -> str:
    import looplab

    c = looplab.model(model)
    rows = [
        ("model preset", f"`{model}` ({c.layers} layers, d {c.hidden}, {c.heads}/{c.kv_heads} heads of "
                         f"{c.head_dim}, ffn {c.ffn}, vocab {c.vocab}; {c.parameter_count() / 1e9:.2f} B parameters)"),
        ("dtype", f"{c.dtype} (weights, activations and KV cache)"),
        ("loops / window", f"{loops}; {window}"),
        ("hardware", hardware),
    ]
    if batch:
        rows.append(("batch", batch))
    rows += [
        ("context", context),
        ("engine profile", engine),
        ("ceiling", ceiling),
        ("cost model", cost_model),
        ("calibration", calibration),
    ]
    rows += [tuple(e.split("|", 1)) for e in extra]
    return "**Assumptions**\n\n" + md_table(["what", "value"], rows, "ll")


# ---------------------------------------------------------------- command line


def parser(name: str, description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"studies/{name.replace('-', '_')}.py", description=description)
    p.add_argument("--out", default=str(DEFAULT_OUT), help="folder for the page and img/ (default docs/studies)")
    p.add_argument("--fast", action="store_true", help="fewer points (CI): checks the study runs and writes its page")
    return p


def command_args(args: argparse.Namespace, extra: Sequence[str] = ()) -> List[str]:
    """The options that reproduce this page, for its 'Reproduce' line (--out only when not the default)."""
    out = []
    if args.fast:
        out.append("--fast")
    if Path(args.out).resolve() != DEFAULT_OUT.resolve():
        out += ["--out", args.out]
    return out + list(extra)


def run_main(main: Callable[[Sequence[str]], int]) -> None:
    t = time.time()
    rc = main(sys.argv[1:])
    print(f"{Path(sys.argv[0]).name}: {time.time() - t:.1f} s", file=sys.stderr)
    sys.exit(rc)


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 6.4, height: float = 4.2, **kw):
    kw.setdefault("layout", "constrained")
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, **kw)
    for ax in axes.flat:
        ax.grid(True, which="major", alpha=0.3)
    return fig, axes


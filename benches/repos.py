#!/usr/bin/env python3
"""Scan real repositories with the release CLI and print one table (issue 10).

    python3 benches/repos.py [--root /tmp/repos] [--stockade PATH] [--json OUT] [--rules]

Each repository is a folder under --root named as below (a plain checkout or a
`git archive`); absent ones are listed as SKIPPED. For each: the exit code of
`stockade scan --format json <repo>`, files, documents, findings (total and per
pack), skipped documents by reason, errors (with their messages in --verbose),
and the whole-process wall time. `--rules` adds the findings per rule; `--json`
writes everything for a before/after diff. Nothing here runs in CI.

Fetch them with `git clone --depth 1` (or the session's fetch tool):
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REPOS = {
    "microservices-demo": "https://github.com/GoogleCloudPlatform/microservices-demo",
    "kubernetes-engine-samples": "https://github.com/GoogleCloudPlatform/kubernetes-engine-samples",
    "opentelemetry-demo": "https://github.com/open-telemetry/opentelemetry-demo",
    "python": "https://github.com/docker-library/python",
    "postgres": "https://github.com/docker-library/postgres",
    "redis": "https://github.com/docker-library/redis",
    "docker-nginx": "https://github.com/nginxinc/docker-nginx",
    "istio": "https://github.com/istio/istio",
}


def pack_of(rule: str) -> str:
    for prefix, pack in (("DF", "dockerfile"), ("PSS", "pss"), ("K8S", "kubernetes"),
                         ("NP", "netpol"), ("ST", "stockade")):
        if rule.startswith(prefix):
            return pack
    return "policy"


def reason_class(reason: str) -> str:
    """Skip reasons without the object's name, so they can be counted."""
    reason = re.sub(r"^\S+/\S+ has", "X has", reason)
    reason = re.sub(r"^\S+ has", "X has", reason)
    reason = re.sub(r"\(.*\)", "(…)", reason)
    return reason[:90]


def scan(exe: str, repo: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.run([exe, "scan", "--format", "json", str(repo)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"exit": proc.returncode, "wall": wall, "crash": proc.stderr[-500:]}
    summary = report.get("summary", {})
    by_rule = collections.Counter(f["rule"] for f in report.get("findings", []))
    by_pack = collections.Counter()
    for rule, n in by_rule.items():
        by_pack[pack_of(rule)] += n
    skipped = collections.Counter(reason_class(s["reason"]) for s in summary.get("skipped", []))
    return {
        "exit": proc.returncode,
        "wall": wall,
        "files": summary.get("files", 0),
        "documents": summary.get("documents", 0),
        "findings": sum(by_rule.values()),
        "by_pack": dict(by_pack),
        "by_rule": dict(by_rule),
        "skipped": sum(skipped.values()),
        "skipped_by_reason": dict(skipped),
        "errors": [f'{e.get("path")}: {e.get("kind")}: {e.get("message", "")[:160]}'
                   for e in report.get("errors", [])],
        "notices": summary.get("notices", []),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.environ.get("REPOS_ROOT", "/tmp/repos"))
    ap.add_argument("--stockade", default=str(Path(os.environ.get(
        "CARGO_TARGET_DIR", ROOT / "target")) / "release" / "stockade"))
    ap.add_argument("--json")
    ap.add_argument("--rules", action="store_true")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    results = {}
    print("| repository | exit | files | docs | findings | by pack | skipped | errors | wall s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in REPOS:
        repo = Path(args.root) / name
        if not repo.is_dir():
            print(f"| {name} | SKIPPED (no {repo}) | | | | | | | |")
            continue
        r = scan(args.stockade, repo)
        results[name] = r
        if "crash" in r:
            print(f"| {name} | {r['exit']} CRASH {r['crash']!r} | | | | | | | {r['wall']:.2f} |")
            continue
        packs = ", ".join(f"{k} {v}" for k, v in sorted(r["by_pack"].items()))
        print(f"| {name} | {r['exit']} | {r['files']} | {r['documents']} | {r['findings']} | "
              f"{packs} | {r['skipped']} | {len(r['errors'])} | {r['wall']:.2f} |")
    for name, r in results.items():
        if "crash" in r:
            continue
        print(f"\n## {name}")
        for reason, n in sorted(r["skipped_by_reason"].items(), key=lambda x: -x[1]):
            print(f"- skipped {n}: {reason}")
        for e in r["errors"] if args.verbose else r["errors"][:5]:
            print(f"- error: {e}")
        if args.rules:
            print("- rules: " + ", ".join(f"{k} {v}" for k, v in sorted(r["by_rule"].items())))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

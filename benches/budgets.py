#!/usr/bin/env python3
"""Memory and time per input byte on hostile input (issue 14, item 19).

    python3 benches/budgets.py [--stockade PATH] [--only NAME,...] [--keep DIR]

Generates each case into a scratch folder, runs the release `stockade` on it
once, and prints exit code, wall time, peak memory (max RSS) and peak memory
over input size. The budget `docs/cli.md` states is checked for each:
peak RSS <= 20 x input + 64 MiB. A case over it is marked `OVER` and the script
exits 1, so the numbers in a closing note come from this script, not by hand.

Cases that need upstream policies (the Gatekeeper templates) read them from
../shared/conformance and are skipped, saying so, when it is absent.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "conformance"
MIB = 1 << 20
FACTOR = 20
FIXED = 64 * MIB


def write(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return len(text.encode())


def documents(count: int, make) -> list[str]:
    """`make(i)` for each of `count` documents."""
    return [make(i) for i in range(count)]


def pod(name: str, containers: int, privileged: bool = True) -> str:
    out = [f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n"]
    for c in range(containers):
        out.append(
            f"  - name: c{c}\n    image: nginx\n"
            f"    securityContext:\n      privileged: {'true' if privileged else 'false'}\n"
        )
    return "".join(out)


def case_dockerfile_run_lines(d: Path):
    """A 15 MB Dockerfile of one-word RUN lines (every line a finding or two)."""
    lines = ["FROM alpine:3.20\n"]
    size = len(lines[0])
    i = 0
    while size < 15_000_000:
        line = f"RUN echo {i}\n"
        lines.append(line)
        size += len(line)
        i += 1
    n = write(d / "Dockerfile", "".join(lines))
    return ["scan", str(d / "Dockerfile")], n


def case_dockerfile_heredoc(d: Path):
    """A 12 MB heredoc in one RUN."""
    body = "".join(f"echo line {i} && apt-get install -y curl\n" for i in range(300_000))
    text = "FROM debian:12\nRUN <<EOF\n" + body + "EOF\n"
    n = write(d / "Dockerfile", text)
    return ["scan", str(d / "Dockerfile")], n


def case_dockerfile_words(d: Path):
    """One EXPOSE of 6 million words over continuation lines (12 MB)."""
    text = "FROM alpine\nEXPOSE" + " 1 2 3 4 5 6 7 8 9 1 2 3 4 5 6 7 8 9 1 2 3 4 5 6 7 8 9 1 2 3 \\\n" * 200_000 + " 80\n"
    n = write(d / "Dockerfile", text)
    return ["scan", str(d / "Dockerfile")], n


def case_dockerfile_comments(d: Path):
    """15 MB of comment lines, then one instruction."""
    text = "FROM alpine\n" + "# c\n" * 3_750_000 + "RUN true\n"
    n = write(d / "Dockerfile", text)
    return ["scan", str(d / "Dockerfile")], n


def case_manifest_containers(d: Path):
    """15 MB of Pods with 20 privileged containers each (findings past max-findings)."""
    docs = []
    size = 0
    i = 0
    while size < 15_000_000:
        doc = pod(f"p{i}", 20)
        docs.append(doc)
        size += len(doc) + 4
        i += 1
    n = write(d / "pods.yaml", "---\n".join(docs))
    return ["scan", str(d / "pods.yaml")], n


def case_yaml_aliases(d: Path):
    """Documents each just under the per-document alias budget (218 KB)."""
    doc = ["a: &a [x, x, x, x, x, x, x, x, x, x]\n"]
    for k in "bcdef":
        prev = chr(ord(k) - 1)
        doc.append(f"{k}: &{k} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n")
    one = "".join(doc)
    text = "---\n".join(one for _ in range(max(1, 218_000 // len(one))))
    n = write(d / "bomb.yaml", text)
    return ["scan", str(d / "bomb.yaml")], n


def inventory(d: Path, objects: int) -> int:
    docs = documents(objects, lambda i: (
        f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing{i}\n"
        f"  namespace: ns{i % 50}\n  labels:\n    app: a{i}\nspec:\n  rules:\n"
        f"  - host: h{i}.example.com\n"
    ))
    # 10 files: a stream holds at most 10,000 documents.
    return sum(
        write(d / "inventory" / f"part{k}.yaml", "---\n".join(docs[k::10])) for k in range(10)
    )


def inventory_case(d: Path, templates: list[str]):
    """100k inventory objects, the gatekeeper-library `templates` (with a
    sample constraint each) as the policy, and one Pod scanned."""
    n = inventory(d, 100_000)
    write(d / "policy" / "none.yaml", "# no templates\n")
    lib = SHARED / "gatekeeper-library"
    for t in templates:
        src = lib / t
        if not src.is_dir():
            return None, f"{src} is absent"
        dst = d / "policy" / t.replace("/", "-")
        dst.mkdir(parents=True)
        shutil.copy(src / "template.yaml", dst / "template.yaml")
        shutil.copy(next(src.glob("samples/*/constraint.yaml")), dst / "constraint.yaml")
    n += write(d / "scan" / "pod.yaml", pod("p", 1))
    return ["scan", "--policy", str(d / "policy"), "--inventory", str(d / "inventory"), str(d / "scan")], n


def case_inventory(d: Path):
    """An inventory of 100k objects (about 16 MB) and no template."""
    return inventory_case(d, [])


def case_inventory_templates(d: Path):
    """The same inventory with four gatekeeper-library templates and constraints."""
    return inventory_case(
        d,
        ["general/uniqueingresshost", "general/requiredlabels", "general/allowedrepos", "general/uniqueserviceselector"],
    )


def netpols(d: Path, count: int) -> int:
    policies = documents(count, lambda i: (
        f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np{i}\n"
        f"  namespace: ns{i % 100}\nspec:\n  podSelector:\n    matchLabels:\n      app: a{i}\n"
        f"  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: a{(i + 1) % count}\n"
        f"    ports:\n    - port: 8080\n"
    ))
    workloads = documents(count, lambda i: (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w{i}\n  namespace: ns{i % 100}\n"
        f"spec:\n  selector:\n    matchLabels:\n      app: a{i}\n  template:\n    metadata:\n"
        f"      labels:\n        app: a{i}\n    spec:\n      containers:\n      - name: c\n"
        f"        image: nginx:1.27\n        ports:\n        - containerPort: 8080\n"
    ))
    return write(d / "netpols.yaml", "---\n".join(policies)) + write(d / "workloads.yaml", "---\n".join(workloads))


def case_netpol_lint(d: Path):
    """10k NetworkPolicies and 10k workloads, scanned (lint and coverage)."""
    n = netpols(d, 10_000)
    return ["scan", str(d)], n


def case_netpol_connlist(d: Path):
    """The same, `stockade netpol connlist`."""
    n = netpols(d, 10_000)
    return ["netpol", "connlist", str(d)], n


def case_kyverno_foreach(d: Path):
    """A Kyverno foreach policy over a Pod with 4,000 containers."""
    policy = """apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-privileged
spec:
  validationFailureAction: Enforce
  rules:
  - name: each-container
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "{{ element.name }} is privileged"
      foreach:
      - list: request.object.spec.containers
        deny:
          conditions:
            any:
            - key: "{{ element.securityContext.privileged }}"
              operator: Equals
              value: true
"""
    write(d / "policy" / "p.yaml", policy)
    n = write(d / "scan" / "pod.yaml", pod("p", 4_000))
    return ["scan", "--kyverno", str(d / "policy"), str(d / "scan")], n


CASES = {
    name[len("case_"):].replace("_", "-"): fn
    for name, fn in sorted(globals().items())
    if name.startswith("case_")
}


def run(cmd: list[str], scratch: Path) -> tuple[int, float, int]:
    """Exit code, wall seconds and peak RSS of `cmd` alone (GNU time measures
    the command, not this Python process, which forked it holding the cases)."""
    out = scratch / "time.out"
    t0 = time.perf_counter()
    p = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", str(out), *cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    secs = time.perf_counter() - t0
    return p.returncode, secs, int(out.read_text().split()[-1]) * 1024


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stockade", default=str(ROOT / "target" / "release" / "stockade"))
    ap.add_argument("--only", default="")
    ap.add_argument("--keep", help="generate the cases into this folder and keep them")
    args = ap.parse_args()
    only = [s for s in args.only.split(",") if s]
    if not Path(args.stockade).is_file():
        print(f"no {args.stockade}: cargo build --release -p stockade-cli", file=sys.stderr)
        return 2
    print(f"budget: peak RSS <= {FACTOR} x input + {FIXED // MIB} MiB")
    print(f"{'case':<22} {'input':>9} {'exit':>4} {'wall s':>7} {'peak MiB':>9} {'x input':>8}  budget")
    over = False
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="stockade-budgets-"))
    try:
        for name, fn in CASES.items():
            if only and name not in only:
                continue
            d = base / name
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
            cmd, size = fn(d)
            if cmd is None:
                print(f"{name:<22} SKIPPED: {size}")
                continue
            if cmd[0] == "scan":
                cmd = ["scan", "--no-config", *cmd[1:]]
            code, secs, rss = run([args.stockade, *cmd], d)
            ok = rss <= FACTOR * size + FIXED
            over |= not ok
            print(
                f"{name:<22} {size / MIB:>7.1f}Mi {code:>4} {secs:>7.2f} {rss / MIB:>9.0f} "
                f"{rss / size:>8.1f}  {'ok' if ok else 'OVER'}",
                flush=True,
            )
            if not args.keep:
                shutil.rmtree(d, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

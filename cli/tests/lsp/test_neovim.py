"""Headless Neovim opens a Dockerfile and a manifest with `stockade server` as
its language server and reads their diagnostics (nvim_diagnostics.lua)."""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).parent
BIN = os.environ.get("STOCKADE_BIN", "stockade")


def diagnostics(path: pathlib.Path):
    out = subprocess.run(
        ["nvim", "--headless", "--clean", "-c", f"luafile {HERE / 'nvim_diagnostics.lua'}", str(path)],
        capture_output=True, text=True, timeout=60, env={**os.environ, "STOCKADE_BIN": BIN},
    )
    text = out.stdout + out.stderr
    assert "ERROR" not in text, text
    rows = [json.loads(l) for l in text.splitlines() if l.startswith("{")]
    timing = [l for l in text.splitlines() if l.startswith("# diagnostics")]
    print(f"\n{path.name}: {len(rows)} diagnostics; {timing[0][2:] if timing else ''}")
    return rows


@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim is not installed (scripts/test-lsp.sh installs it)")
def test_neovim_reads_dockerfile_diagnostics(tmp_path):
    df = tmp_path / "Dockerfile"
    df.write_text('FROM debian:12\nRUN echo "🐳" && apt-get install curl\n')
    rows = diagnostics(df)
    codes = {r["code"] for r in rows}
    assert {"DF0021", "DF0022"} <= codes, rows
    apt = next(r for r in rows if r["code"] == "DF0021")
    # Neovim converts the UTF-16 column to a byte column: 🐳 is 4 bytes.
    line = df.read_text().splitlines()[1]
    assert (apt["line"], apt["col"]) == (1, len(line[: line.index("apt-get")].encode()))


@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim is not installed (scripts/test-lsp.sh installs it)")
def test_neovim_reads_manifest_diagnostics(tmp_path):
    pod = tmp_path / "pod.yaml"
    pod.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "    - name: app\n      image: nginx:latest\n"
    )
    rows = diagnostics(pod)
    codes = {r["code"] for r in rows}
    # Privilege escalation allowed (Pod Security restricted) and the `latest` tag.
    assert {"PSS014", "K8S006"} <= codes, rows

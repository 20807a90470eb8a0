"""The cross-binding table (testdata/bindings/table/calls.json) through Python.

Each call's result is normalised (see `normal`) and, when STOCKADE_TABLE_OUT is
set, written there; bindings-node/test/table-compare.test.mjs compares it field
by field with the Node addon's and the WebAssembly build's (scripts/test-bindings.sh).
The normal form is the one bindings-node/test/table.test.mjs writes: snake_case
keys, no null/absent fields and no empty lists, reports as {findings, suppressed,
errors, summary, version}, errors as {name?, kind, code, path, message, document,
line, column, start, end}.
"""

import json
import os
import re
from pathlib import Path
from typing import Any

import stockade

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "testdata" / "bindings"
TABLE = json.loads((DATA / "table" / "calls.json").read_text(encoding="utf-8"))


def snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), key)


def clean(value: Any) -> Any:
    """snake_case keys; no None values and no empty lists, at any depth."""
    if isinstance(value, dict):
        out = {snake(k): clean(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != []}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def position(p: Any) -> Any:
    if p is None:
        return None
    return {
        "line": p.line,
        "column": p.column,
        "offset": p.offset,
        "utf16_column": p.utf16_column,
        "utf16_offset": p.utf16_offset,
    }


def error(e: Any, name: bool) -> dict[str, Any]:
    out = {
        "kind": e.kind,
        "code": e.code,
        "path": e.path,
        "message": e.message,
        "document": e.document,
        "line": e.line,
        "column": e.column,
        "start": position(e.start),
        "end": position(e.end),
    }
    if name:
        out["name"] = type(e).__name__
        out["errors"] = [error(x, False) for x in getattr(e, "errors", None) or []]
    return out


def normal(result: Any) -> Any:
    if isinstance(result, stockade.Report):
        return clean(
            {
                "version": result.version,
                "findings": [f.to_dict() for f in result.findings],
                "suppressed": [f.to_dict() for f in result.suppressed],
                "errors": [error(e, False) for e in result.errors],
                "summary": result.summary,
            }
        )
    return clean(result)


def arg(spec: Any) -> Any:
    """A table argument: a file's text, named texts, a folder's files, bytes."""
    if not isinstance(spec, dict):
        return spec
    if "text" in spec:
        return (DATA / spec["text"]).read_text(encoding="utf-8")
    if "bytes" in spec:
        return (DATA / spec["bytes"]).read_bytes()
    if "sources" in spec:
        return [{"path": p, "text": (DATA / p).read_text(encoding="utf-8")} for p in spec["sources"]]
    folder = DATA / spec["files"]
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def call(c: dict[str, Any]) -> Any:
    a = {k: arg(v) for k, v in c.items() if k not in ("name", "call")}
    what = c["call"]
    if what == "scan":
        return stockade.scan(a["text"], path=a.get("path"), kind=a.get("kind"))
    if what == "scan_texts":
        return stockade.Engine().scan_texts(a["sources"], kind=a.get("kind"))
    if what == "engine_scan":
        return stockade.Engine(policies=a["policies"]).scan(a["text"], path=a.get("path"))
    if what == "netpol_explain":
        return stockade.netpol_explain(a["sources"], a["src"], a["dst"], port=a.get("port"))
    if what == "render_chart":
        return stockade.render_chart(a["chart"], **({"set": a["set"]} if "set" in a else {}))
    if what == "scan_chart":
        return stockade.scan_chart(a["chart"])
    if what == "build_kustomization":
        return stockade.build_kustomization(a["files"], a["dir"])
    if what == "scan_kustomization":
        return stockade.scan_kustomization(a["files"], a["dir"])
    if what == "detect_kind":
        return stockade.detect_kind(a["text"], path=a.get("path"))
    raise AssertionError(f"unknown call {what}")


def run(c: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"ok": normal(call(c))}
    except stockade.StockadeError as e:
        return {"error": clean(error(e, True))}


def test_the_table_runs_through_python():
    results = {c["name"]: run(c) for c in TABLE["calls"]}
    # Every error case raised, every other call returned.
    for name, result in results.items():
        assert ("error" in result) == name.startswith("error:"), (name, result)
    assert results["detect the kind of a policy"] == {"ok": "policy"}
    assert "ok" not in results["detect the kind of nothing known"] or results["detect the kind of nothing known"]["ok"] is None
    dockerfile = results["scan a Dockerfile text (UTF-16 positions past an emoji, a fix)"]["ok"]
    assert any(f["start"]["utf16_column"] != f["start"]["column"] for f in dockerfile["findings"])
    assert any("fix" in f for f in dockerfile["findings"])
    out = os.environ.get("STOCKADE_TABLE_OUT")
    if out:
        Path(out).write_text(json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    print(f"table: {len(results)} calls through Python")

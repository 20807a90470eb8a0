"""Stockade in data pipelines: objects that pickle, records for pandas/Arrow,
configuration found as the CLI finds it, and a Dask cluster of worker
processes scanning the Dockerfile corpus to exactly the CLI's findings."""

import json
import os
import pathlib
import pickle
import shutil
import subprocess
import time

import pytest

import stockade

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpora" / "dockerfiles"
BAD = "FROM node:latest\nMAINTAINER me\nRUN apk add curl\n"


def test_engine_report_finding_and_errors_pickle():
    engine = stockade.Engine(config={"rules": {"DF0001": "off"}})
    again = pickle.loads(pickle.dumps(engine))
    report = again.scan(BAD, path="Dockerfile")
    assert "DF0001" not in {f.rule for f in report}
    copy = pickle.loads(pickle.dumps(report))
    assert copy.to_json() == report.to_json()
    finding = report.findings[0]
    assert pickle.loads(pickle.dumps(finding)) == finding
    with pytest.raises(stockade.ConfigError) as info:
        stockade.scan("FROM x", kind="docker")
    err = pickle.loads(pickle.dumps(info.value))
    assert type(err) is stockade.ConfigError
    assert (err.kind, err.path, err.line, err.column) == ("config", "-", None, None)


def test_report_findings_are_built_once_and_iterable():
    report = stockade.scan(BAD, path=pathlib.Path("Dockerfile"))
    assert report.findings[0] is report.findings[0]
    assert [f.rule for f in report] == [f.rule for f in report.findings]
    assert len(report) == len(report.findings) > 0


def test_fixes_and_records():
    report = stockade.scan(BAD, path="Dockerfile")
    maintainer = next(f for f in report if f.rule == "DF0014")
    assert maintainer.fix["applicability"] == "safe"
    assert maintainer.fix["edits"][0]["content"].startswith("LABEL org.opencontainers.image.authors=")
    records = report.to_records()
    assert len(records) == len(report)
    assert {"rule", "severity", "path", "line", "column", "fixable"} <= set(records[0])
    assert next(r for r in records if r["rule"] == "DF0014")["fixable"] == "safe"


def test_arrow_and_pandas_order_severities():
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    report = stockade.scan(BAD + "USER root\n", path="Dockerfile")
    table = report.to_arrow()
    assert pa.types.is_dictionary(table.schema.field("severity").type)
    assert table.schema.field("severity").type.ordered
    frame = report.to_pandas()
    assert list(frame["severity"].cat.categories) == ["critical", "high", "medium", "low", "info"]
    assert frame["severity"].cat.ordered
    assert frame.sort_values("severity").iloc[0]["severity"] == frame["severity"].min()


def test_discover_config_and_engine_for_path(tmp_path):
    (tmp_path / "stockade.yaml").write_text("rules:\n  DF0001: off\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert stockade.discover_config(deep) == str(tmp_path / "stockade.yaml")
    assert stockade.discover_config(deep / "Dockerfile") == str(tmp_path / "stockade.yaml")
    engine = stockade.Engine.for_path(deep)
    assert "DF0001" not in {f.rule for f in engine.scan("FROM node:latest\n", path="Dockerfile")}
    assert "DF0001" not in {f.rule for f in pickle.loads(pickle.dumps(engine)).scan("FROM node:latest\n", path="Dockerfile")}
    (deep / ".stockade.yaml").write_text("rules: [\n")
    with pytest.raises(stockade.ParseError) as info:
        stockade.Engine.for_path(deep)
    assert info.value.path.endswith(".stockade.yaml") and info.value.line is not None


def _scan_chunk(paths):
    return stockade.Engine().scan_files(paths)


def _cli_findings(paths_root):
    exe = os.environ.get("STOCKADE_BIN") or shutil.which("stockade")
    if not exe:
        pytest.skip("no stockade CLI (set STOCKADE_BIN) to compare with")
    out = subprocess.run([exe, "scan", "--no-config", "--format", "json", str(paths_root)],
                         capture_output=True, text=True)
    report = json.loads(out.stdout)
    return sorted((pathlib.Path(f["path"]).name, f["rule"], f["start"]["line"], f["start"]["column"])
                  for f in report["findings"])


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent (it sits beside the checkout in CI)")
def test_dask_local_cluster_scans_the_corpus_like_the_cli():
    distributed = pytest.importorskip("dask.distributed")
    files = sorted(str(p) for p in CORPUS.iterdir() if p.is_file())
    chunks = [files[i:i + 64] for i in range(0, len(files), 64)]
    started = time.perf_counter()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        reports = client.gather(client.map(_scan_chunk, chunks))
    took = time.perf_counter() - started
    got = sorted((pathlib.Path(f.path).name, f.rule, f.start.line, f.start.column) for r in reports for f in r)
    want = _cli_findings(CORPUS)
    print(f"\nDask LocalCluster (2 worker processes): {len(files)} files, {len(got)} findings in {took:.1f} s; "
          f"CLI {len(want)} findings; equal: {got == want}")
    assert got == want

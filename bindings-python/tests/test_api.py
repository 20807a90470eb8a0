"""The Python API against the installed wheel (not the source tree)."""

import json
import os
import threading

import pytest

import stockade

BAD = "FROM node:latest\nUSER root\nRUN curl http://x | sh\n"
GOOD = "FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD true\n"

needs_dockerfile_rules = pytest.mark.skipif(
    not any(r.pack == "dockerfile" for r in stockade.rules()),
    reason="no Dockerfile rules in this build",
)


def test_module_is_the_installed_extension():
    assert "site-packages" in stockade.__file__
    assert stockade.stockade.__file__.endswith(".so")  # type: ignore[attr-defined]
    assert stockade.__version__


def test_scan_returns_the_report_shape():
    report = stockade.scan(GOOD, path="Dockerfile")
    assert isinstance(report, stockade.Report)
    assert report.errors == []
    assert report.summary["files"] == 1
    assert report.summary["documents"] == 1
    assert report.summary["kinds"] == {"Dockerfile": 1}
    as_dict = report.to_dict()
    assert set(as_dict) == {"version", "findings", "suppressed", "errors", "summary"}
    assert json.loads(report.to_json()) == as_dict
    assert "Report(findings=" in repr(report)


@needs_dockerfile_rules
def test_bad_dockerfile_gives_positioned_findings():
    report = stockade.scan(BAD, path="Dockerfile")
    assert len(report) == len(report.findings) > 0
    latest = [f for f in report.findings if "DL3007" in f.aliases]
    assert latest, [f.rule for f in report.findings]
    f = latest[0]
    assert f.path == "Dockerfile"
    assert f.start.line == 1
    with pytest.warns(DeprecationWarning, match="start.line"):
        assert f.line == f.start.line
    with pytest.warns(DeprecationWarning, match="start.column"):
        assert f.column == f.start.column
    assert f.start.column >= 1 and f.end.offset >= f.start.offset
    assert BAD[f.start.offset : f.end.offset] in "node:latest"
    assert f.severity in {"critical", "high", "medium", "low", "info"}
    assert f.to_dict()["rule"] == f.rule
    assert f.to_dict() == report.to_dict()["findings"][report.findings.index(f)]
    assert repr(f).startswith(f"Finding(rule={f.rule!r}")
    door = os.environ.get("STOCKADE_DOOR_OUT")
    if door:  # the cross-language check in scripts/test-bindings.sh
        with open(door, "w") as out:
            json.dump([f.to_dict() for f in report.findings], out)


@needs_dockerfile_rules
def test_findings_are_immutable_comparable_and_hashable():
    a = stockade.scan(BAD, path="Dockerfile").findings
    b = stockade.scan(BAD, path="Dockerfile").findings
    assert a == b
    assert {hash(f) for f in a} == {hash(f) for f in b}
    assert sorted(a) == a
    with pytest.raises(AttributeError):
        a[0].rule = "X"  # type: ignore[misc]
    assert a[0] != "not a finding"


def test_kind_overrides_detection_and_bad_kind_raises():
    report = stockade.scan(GOOD, path="build.txt", kind="dockerfile")
    assert report.errors == []
    with pytest.raises(stockade.ConfigError) as info:
        stockade.scan(GOOD, kind="makefile")
    assert isinstance(info.value, stockade.StockadeError)
    assert "makefile" in str(info.value)


def test_undetectable_input_is_an_error_in_the_report():
    report = stockade.scan("hello", path="notes.txt")
    assert report.findings == []
    [err] = report.errors
    assert isinstance(err, stockade.UnsupportedError)
    assert isinstance(err, stockade.StockadeError)
    assert err.kind == "unsupported"
    assert err.path == "notes.txt"
    assert err.line is None


def test_bad_config_raises_a_located_config_error():
    with pytest.raises(stockade.StockadeError) as info:
        stockade.Engine("nonsense: [1, 2\n")
    err = info.value
    assert err.kind in {"config", "parse"}
    assert isinstance(err, (stockade.ConfigError, stockade.ParseError))
    assert err.path == "stockade.yaml"
    assert err.line is not None and err.line >= 1
    assert err.column is not None and err.column >= 1
    assert err.errors[0] is err
    with pytest.raises(stockade.ConfigError):
        stockade.scan(GOOD, path="Dockerfile", config={"nonsense": True})


def test_empty_config_is_the_default():
    assert stockade.Engine({}).scan(GOOD, "Dockerfile").to_dict() == stockade.scan(
        GOOD, "Dockerfile"
    ).to_dict()


def test_scan_files_reads_files_and_reports_unreadable_ones(tmp_path):
    good = tmp_path / "Dockerfile"
    good.write_text(GOOD)
    missing = tmp_path / "missing" / "Dockerfile"
    report = stockade.Engine().scan_files([good, str(missing)])
    assert report.summary["files"] == 2
    [err] = report.errors
    assert isinstance(err, stockade.ReadError)
    assert err.path == str(missing)


def test_engine_is_shared_across_threads():
    engine = stockade.Engine()
    results = []

    def work():
        results.append(engine.scan(BAD, "Dockerfile").to_json())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 4


def test_rules_and_explain():
    rules = stockade.rules()
    ids = [r.id for r in rules]
    assert "ST0001" in ids and ids == sorted(ids)
    for rule in rules:
        assert "## What it does" in rule.docs, rule.id
        assert rule.title and rule.severity
    st = stockade.explain("st0001")
    assert st is not None and st == stockade.explain("unused-suppression")
    assert st.pack == "meta" and st.default_enabled
    assert st.help.endswith("#st0001")
    assert stockade.explain("NOPE9999") is None


def test_a_dict_config_error_names_its_key():
    with pytest.raises(stockade.ConfigError) as info:
        stockade.Engine(config={"rules": {"DF0001": "loud"}})
    err = info.value
    assert err.path == 'config["rules"]["DF0001"]', err.path
    assert err.line is None and err.column is None
    # The same mistake in a stockade.yaml text keeps its line and column.
    with pytest.raises(stockade.ConfigError) as info:
        stockade.Engine(config="rules:\n  DF0001: loud\n")
    assert (info.value.path, info.value.line) == ("stockade.yaml", 2)

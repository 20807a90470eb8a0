"""Policies (Gatekeeper, conftest, Kyverno), gator suites, Kyverno tests and the
NetworkPolicy analysis, through the installed wheel."""

from pathlib import Path

import pytest

import stockade

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "core/stockade/tests/fixtures/rego/suite"
DATA = ROOT / "testdata/bindings"


def text(path: Path) -> tuple[str, str]:
    return (str(path), path.read_text())


def test_gatekeeper_template_and_constraint_give_a_finding():
    engine = stockade.Engine(
        policies=[text(SUITE / "template.yaml"), text(SUITE / "constraint.yaml")],
        inventory=[text(SUITE / "namespace-prod.yaml")],
    )
    report = engine.scan((SUITE / "pod-without-team.yaml").read_text(), path="pod.yaml")
    found = [f for f in report.findings if f.rule == "K8sRequiredTeam/pods-need-team"]
    # At the object's metadata.name, as gator reports the resource.
    assert [(f.message, f.severity, f.start.line, f.start.column) for f in found] == [
        ("Pod web has no team label", "high", 4, 9)
    ]
    with_team = engine.scan((SUITE / "pod-with-team.yaml").read_text(), path="pod.yaml")
    assert not [f for f in with_team.findings if f.rule.startswith("K8sRequiredTeam/")]


def test_kyverno_policy_gives_a_finding():
    engine = stockade.Engine(policies=[text(DATA / "kyverno-policy.yaml")])
    report = engine.scan((SUITE / "pod-without-team.yaml").read_text(), path="pod.yaml")
    found = [f for f in report.findings if f.rule == "require-team/check-team"]
    assert len(found) == 1
    assert "label team is required" in found[0].message
    with_team = engine.scan((SUITE / "pod-with-team.yaml").read_text(), path="pod.yaml")
    assert not [f for f in with_team.findings if f.rule == "require-team/check-team"]


def test_rego_syntax_error_in_a_template_is_a_positioned_policy_error():
    with pytest.raises(stockade.PolicyError) as info:
        stockade.Engine(policies=[text(DATA / "bad-template.yaml")])
    e = info.value
    assert isinstance(e, stockade.StockadeError)
    assert e.kind == "policy"
    assert e.path == str(DATA / "bad-template.yaml")
    assert e.line == 16
    assert e.column is not None and e.column > 1
    assert e.errors[0] is e


def test_conftest_module_syntax_error_is_a_positioned_policy_error():
    with pytest.raises(stockade.PolicyError) as info:
        stockade.Engine(policies=[("bad.rego", (DATA / "bad.rego").read_text())])
    assert info.value.path == "bad.rego"
    # regorus points at the block the missing `}` belongs to.
    assert (info.value.line, info.value.column) == (4, 7)


def test_constraint_without_template_is_a_policy_error():
    with pytest.raises(stockade.PolicyError, match="no ConstraintTemplate defines kind K8sRequiredTeam"):
        stockade.Engine(policies=[text(SUITE / "constraint.yaml")])


def test_verify_suite_passes_and_renders():
    result = stockade.verify_suite(SUITE / "suite.yaml", verbose=True)
    assert result["ok"] is True
    assert (result["passed"], result["total"]) == (result["total"], result["total"])
    assert result["total"] >= 4
    [suite] = result["suites"]
    assert suite["path"].endswith("suite/suite.yaml")
    [team] = [t for t in suite["tests"] if t["name"] == "team-label"]
    assert [c["name"] for c in team["cases"]][:4] == [
        "missing-team",
        "with-team",
        "unknown-namespace-auto-rejects",
        "admission-review",
    ]
    assert all(c["error"] is None for c in team["cases"])
    assert result["text"].endswith("PASS\n")
    assert "--- PASS: missing-team" in result["text"]


def test_verify_suite_failure_has_the_message():
    result = stockade.verify_suite(ROOT / "core/stockade/tests/fixtures/rego/failing/suite.yaml")
    assert result["ok"] is False
    assert (result["passed"], result["total"]) == (0, 1)
    [case] = result["suites"][0]["tests"][0]["cases"]
    assert case["name"] == "expects-none"
    assert case["error"]
    assert result["text"].endswith("FAIL\n")


def test_verify_suite_of_a_non_suite_has_no_suites():
    result = stockade.verify_suite(SUITE / "template.yaml")
    assert result == {"ok": True, "passed": 0, "total": 0, "suites": [], "text": result["text"]}


def test_kyverno_test_runs_a_test_file():
    run = stockade.kyverno_test(ROOT / "core/stockade/tests/fixtures/kyverno/suite/kyverno-test.yaml")
    assert run["name"] == "require-limits"
    assert run["error"] is None
    assert run["passed"] is True
    rows = {(r["resource"], r["expected"], r["actual"], r["ok"]) for r in run["rows"]}
    assert ("small", "pass", "pass", True) in rows
    assert ("big", "fail", "fail", True) in rows


NETPOL_TEXT = (
    "0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections\n"
    "shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections\n"
    "shop/web[Deployment] => shop/db[Deployment] : TCP 5432\n"
)


def test_netpol_connectivity_structured_and_rendered():
    result = stockade.netpol_connectivity([text(DATA / "netpol.yaml")])
    assert result["workloads"] == ["shop/db[Deployment]", "shop/web[Deployment]"]
    assert result["output"] == NETPOL_TEXT
    assert {
        "src": {"name": "shop/web[Deployment]", "external": False},
        "dst": {"name": "shop/db[Deployment]", "external": False},
        "conns": "TCP 5432",
    } in result["connections"]
    assert len(result["connections"]) == 3
    csv = stockade.netpol_connectivity([text(DATA / "netpol.yaml")], format="csv")["output"]
    assert "shop/web[Deployment],shop/db[Deployment],TCP 5432" in csv
    assert stockade.netpol_connectivity([text(DATA / "netpol.yaml")], "dot")["output"].startswith(
        "digraph"
    )


def test_netpol_connectivity_unknown_format_is_a_config_error():
    with pytest.raises(stockade.ConfigError, match="unknown format"):
        stockade.netpol_connectivity([text(DATA / "netpol.yaml")], format="xml")


def test_netpol_explain_verdicts():
    sources = [text(DATA / "netpol.yaml")]
    yes = stockade.netpol_explain(sources, "shop/web", "shop/db", port="5432/TCP")
    assert (yes["verdict"], yes["allowed"], yes["query"]) == (True, "TCP 5432", "5432/TCP")
    assert yes["egress"]["isolated"] is False
    assert yes["ingress"]["isolated"] is True
    assert [p["policy"] for p in yes["ingress"]["policies"]] == ["shop/db-ingress"]
    assert "shop/db-ingress" in yes["text"]
    no = stockade.netpol_explain(sources, "shop/web", "shop/db", port="80")
    assert no["verdict"] is False
    back = stockade.netpol_explain(sources, "shop/db", "shop/web")
    assert back["verdict"] is False
    with pytest.raises(stockade.ConfigError):
        stockade.netpol_explain(sources, "shop/nowhere", "shop/db")


def test_netpol_diff():
    result = stockade.netpol_diff([text(DATA / "netpol.yaml")], [text(DATA / "netpol-after.yaml")])
    assert result["changes"] == [
        {
            "kind": "changed",
            "src": "shop/web[Deployment]",
            "dst": "shop/db[Deployment]",
            "before": "TCP 5432",
            "after": "TCP 6432",
            "opened": "TCP 6432",
            "closed": "TCP 5432",
        }
    ]
    assert "shop/web[Deployment]" in result["output"]


def test_scan_texts_sees_the_policies_of_every_source():
    report = stockade.Engine().scan_texts([text(DATA / "netpol.yaml")])
    assert report.summary["files"] == 1
    assert report.errors == []

"""Helm charts and kustomizations given as maps of file names to contents,
through the installed wheel: rendered exactly as `helm template` and
`kubectl kustomize` print them, and scanned with origins."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import stockade

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "testdata/bindings"


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (but `.git`), by `/`-separated path relative to it."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            path = Path(dirpath) / name
            out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


def origin(finding: stockade.Finding, role: str) -> dict:
    found = [o for o in finding.origins if o["role"] == role]
    assert found, finding.origins
    return found[0]


def test_chart_folder_and_tgz_render_as_helm_template():
    folder = stockade.render_chart(read_tree(DATA / "chart"))
    assert folder == stockade.render_chart((DATA / "chart.tgz").read_bytes())
    assert folder.startswith("---\n# Source: web/templates/service.yaml\n")
    assert "  name: release-name-web\n" in folder
    # text values work as well as bytes
    texts = {k: v.decode() for k, v in read_tree(DATA / "chart").items()}
    assert stockade.render_chart(texts) == folder


def test_chart_options_are_helm_template_flags():
    text = stockade.render_chart(
        read_tree(DATA / "chart"),
        release_name="prod",
        namespace="shop",
        values=[("prod-values.yaml", "replicaCount: 3\n")],
        set=["image.tag=1.28"],
        show_only=["templates/deployment.yaml"],
    )
    assert "# Source: web/templates/service.yaml" not in text
    assert "  name: prod-web\n  namespace: shop\n" in text
    assert "  replicas: 3\n" in text
    assert 'image: "nginx:1.28"' in text
    with pytest.raises(stockade.ConfigError, match="unknown chart option"):
        stockade.render_chart(read_tree(DATA / "chart"), relase_name="typo")


def test_render_matches_the_cli_render_of_a_real_chart():
    binary = os.environ.get("STOCKADE_BIN")
    if not binary:
        pytest.skip("STOCKADE_BIN is not set (scripts/test-bindings.sh sets it)")
    chart = ROOT / "testdata/charts/ingress-nginx"
    flags = ["--set", "controller.replicaCount=2", "--namespace", "ingress", "--release-name", "edge"]
    cli = subprocess.run(
        [binary, "render", "--no-config", str(chart), *flags], capture_output=True, text=True, check=True
    ).stdout
    ours = stockade.render_chart(
        read_tree(chart), set=["controller.replicaCount=2"], namespace="ingress", release_name="edge"
    )
    assert len(cli) > 10_000
    assert ours == cli


def test_chart_finding_names_the_values_line_and_the_template_line():
    report = stockade.scan_chart(read_tree(DATA / "chart"))
    assert report.errors == []
    found = [f for f in report.findings if f.rule == "PSS001"]
    assert found, [f.rule for f in report.findings]
    f = found[0]
    value = origin(f, "value")
    assert value["path"] == "web/values.yaml"
    assert value["start"]["line"] == 6  # `  privileged: true`
    assert origin(f, "template")["path"] == "web/templates/deployment.yaml"
    # the same through an Engine, and with the value overridden: no finding
    engine = stockade.Engine()
    assert [g.rule for g in engine.scan_chart((DATA / "chart.tgz").read_bytes())] == [
        g.rule for g in report
    ]
    fixed = engine.scan_chart(read_tree(DATA / "chart"), set=["securityContext.privileged=false"])
    assert "PSS001" not in [g.rule for g in fixed]


def test_chart_template_error_is_helms_message_at_its_line():
    files = read_tree(DATA / "chart-bad")
    with pytest.raises(stockade.StockadeError) as raised:
        stockade.render_chart(files)
    e = raised.value
    assert "image.tag is required" in str(e)
    assert e.path == "broken/templates/pod.yaml"  # type: ignore[attr-defined]
    assert e.line == 8  # type: ignore[attr-defined]
    report = stockade.scan_chart(files)
    assert len(report.errors) == 1
    assert "image.tag is required" in str(report.errors[0])
    assert report.errors[0].line == 8  # type: ignore[attr-defined]


def test_broken_archive_and_bad_arguments_raise_typed_errors():
    with pytest.raises(stockade.StockadeError):
        stockade.render_chart(b"\x1f\x8b not really gzip")
    with pytest.raises(stockade.ConfigError):
        stockade.render_chart("Chart.yaml")  # type: ignore[arg-type]
    with pytest.raises(stockade.ConfigError):
        stockade.render_chart({"Chart.yaml": 3})  # type: ignore[dict-item]


def test_kustomization_builds_as_kubectl_kustomize():
    files = read_tree(DATA / "kustomize")
    text = stockade.build_kustomization(files, "overlay")
    assert "  name: prod-api\n" in text
    assert stockade.build_kustomization(files, "./overlay/") == text
    kubectl = shutil.which("kubectl")
    if kubectl:
        oracle = subprocess.run(
            [kubectl, "kustomize", str(DATA / "kustomize/overlay")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert text == oracle
    base = {k.removeprefix("base/"): v for k, v in files.items() if k.startswith("base/")}
    assert "  name: api\n" in stockade.build_kustomization(base)


def test_kustomization_finding_names_the_patch_line():
    report = stockade.scan_kustomization(read_tree(DATA / "kustomize"), "overlay")
    assert report.errors == []
    f = next(f for f in report.findings if f.rule == "PSS001")
    assert f.path == "overlay/kustomization.yaml#build"
    patch = origin(f, "patch")
    assert patch["path"] == "overlay/privileged.yaml"
    assert patch["start"]["line"] == 11  # `privileged: true`
    assert stockade.Engine().scan_kustomization(read_tree(DATA / "kustomize"), "overlay").to_dict() == report.to_dict()


def test_kustomization_error_is_raised_or_reported():
    files = read_tree(DATA / "kustomize")
    files["overlay/kustomization.yaml"] += b"  - path: missing-patch.yaml\n"
    with pytest.raises(stockade.StockadeError) as raised:
        stockade.build_kustomization(files, "overlay")
    assert "missing-patch.yaml" in str(raised.value)
    report = stockade.scan_kustomization(files, "overlay")
    assert report.findings == [] and len(report.errors) == 1
    assert "missing-patch.yaml" in str(report.errors[0])

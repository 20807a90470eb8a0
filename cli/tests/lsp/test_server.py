"""End-to-end tests of `stockade server` with a real LSP client (pytest-lsp).

The server binary is $STOCKADE_BIN; every message is recorded, with its time, in
$STOCKADE_LSP_LOG (through tee.py) for the report. Run by scripts/test-lsp.sh.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

BIN = os.environ.get("STOCKADE_BIN", "stockade")
LOG = os.environ.get("STOCKADE_LSP_LOG", os.devnull)
HERE = pathlib.Path(__file__).parent

DOCKERFILE = 'FROM debian:12\nRUN echo "🐳 é" && apt-get install curl\nMAINTAINER Jane <j@example.com>\n'

NAMESPACE = """apiVersion: v1
kind: Namespace
metadata:
  name: legacy
  labels:
    pod-security.kubernetes.io/enforce: privileged
"""

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: legacy
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: true
"""


CHART_YAML = "apiVersion: v2\nname: web\nversion: 0.1.0\n"

VALUES = "image: nginx:1.27\nsecurityContext:\n  privileged: true\n"

TEMPLATE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
"""


BASE_DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0
"""

PATCH = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          securityContext:
            privileged: true
"""


def manifest(lines: int) -> str:
    """A Deployment per 25 lines: `lines` lines of Kubernetes YAML."""
    doc = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.{i}
          ports:
            - containerPort: 8080
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
            limits: {{cpu: 500m, memory: 128Mi}}
          securityContext:
            privileged: false
---
"""
    out = "".join(doc.format(i=i) for i in range(lines // 25 + 1))
    return "\n".join(out.splitlines()[:lines]) + "\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "k8s").mkdir()
    (root / "k8s" / "namespace.yaml").write_text(NAMESPACE)
    (root / "k8s" / "pod.yaml").write_text(POD)
    (root / "k8s" / "big.yaml").write_text(manifest(500))
    (root / "chart" / "templates").mkdir(parents=True)
    (root / "chart" / "Chart.yaml").write_text(CHART_YAML)
    (root / "chart" / "values.yaml").write_text(VALUES)
    (root / "chart" / "templates" / "deployment.yaml").write_text(TEMPLATE)
    (root / "kust" / "base").mkdir(parents=True)
    (root / "kust" / "overlay").mkdir(parents=True)
    (root / "kust" / "base" / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    (root / "kust" / "base" / "deploy.yaml").write_text(BASE_DEPLOY)
    (root / "kust" / "overlay" / "kustomization.yaml").write_text(
        "resources: [../base]\nnamespace: prod\npatches:\n  - path: privileged.yaml\n"
    )
    (root / "kust" / "overlay" / "privileged.yaml").write_text(PATCH)
    return root


def cli_findings(root: pathlib.Path, rel: str):
    """(rule, line, column) of `stockade scan` run at the workspace root, for `rel`."""
    out = subprocess.run(
        [BIN, "scan", "--format", "json", "."], cwd=root, capture_output=True, text=True
    )
    report = json.loads(out.stdout)
    return sorted(
        (f["rule"], f["start"]["line"] - 1) for f in report["findings"] if f["path"] == rel
    )


def config(init_options=None):
    return ClientServerConfig(
        server_command=[sys.executable, str(HERE / "tee.py"), LOG, BIN, "server"],
    )


@pytest_lsp.fixture(config=config(), scope="module")
async def client(lsp_client: LanguageClient, workspace):
    params = types.InitializeParams(
        capabilities=client_capabilities("neovim@v0.7.0"),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
    )
    result = await lsp_client.initialize_session(params)
    assert result.server_info.name == "stockade"
    yield
    await lsp_client.shutdown_session()


async def open_and_wait(client: LanguageClient, path: pathlib.Path, text: str, language: str):
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        )
    )
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def replace_and_wait(client: LanguageClient, uri: str, version: int, text: str):
    """Replace a document's whole text and wait for its new diagnostics."""
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


@pytest.mark.asyncio(loop_scope="module")
async def test_dockerfile_diagnostics_have_utf16_ranges_codes_and_docs(client: LanguageClient, workspace):
    uri = await open_and_wait(client, workspace / "Dockerfile", DOCKERFILE, "dockerfile")
    diags = client.diagnostics[uri]
    by_code = {d.code: d for d in diags}
    assert {"DF0021", "DF0014", "DF0022"} <= set(by_code), sorted(by_code)
    apt = by_code["DF0021"]
    line = DOCKERFILE.splitlines()[1]
    # UTF-16 column: the emoji counts 2 units, é one.
    col = len(line[: line.index("apt-get")].encode("utf-16-le")) // 2
    assert (apt.range.start.line, apt.range.start.character) == (1, col)
    assert apt.severity == types.DiagnosticSeverity.Warning
    assert apt.source == "stockade"
    assert apt.code_description.href.endswith("#df0021")
    # Hover over the finding shows the rule's documentation.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=apt.range.start)
    )
    assert "DF0021" in hover.contents.value and "## What it does" in hover.contents.value


@pytest.mark.asyncio(loop_scope="module")
async def test_a_chart_s_values_and_templates_get_the_findings_of_its_render(client: LanguageClient, workspace):
    # values.yaml: the rendered Deployment is privileged because of line 3.
    values = workspace / "chart" / "values.yaml"
    uri = await open_and_wait(client, values, VALUES, "yaml")
    pss = [d for d in client.diagnostics[uri] if d.code == "PSS001"]
    assert len(pss) == 1, client.diagnostics[uri]
    assert (pss[0].range.start.line, pss[0].range.start.character) == (2, 14), pss[0].range
    # The open text is what renders, not the file on disk.
    await replace_and_wait(client, uri, 2, VALUES.replace("true", "false"))
    assert "PSS001" not in {d.code for d in client.diagnostics[uri]}
    # The template: the same finding at the action that wrote the node.
    template = workspace / "chart" / "templates" / "deployment.yaml"
    turi = await open_and_wait(client, template, TEMPLATE, "yaml")
    pss = [d for d in client.diagnostics[turi] if d.code == "PSS001"]
    assert len(pss) == 1, client.diagnostics[turi]
    assert pss[0].range.start.line == 15, pss[0].range
    # Findings on nodes the template writes itself land on their lines.
    lines = {d.range.start.line for d in client.diagnostics[turi]}
    assert 12 in lines or 13 in lines, client.diagnostics[turi]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_kustomization_s_patch_and_base_get_the_findings_of_its_build(client: LanguageClient, workspace):
    # The patch is never read as a whole object: its finding is the built
    # Deployment's, at the line that makes it privileged.
    patch = workspace / "kust" / "overlay" / "privileged.yaml"
    uri = await open_and_wait(client, patch, PATCH, "yaml")
    codes = [d.code for d in client.diagnostics[uri]]
    pss = [d for d in client.diagnostics[uri] if d.code == "PSS001"]
    assert len(pss) == 1, client.diagnostics[uri]
    assert pss[0].range.start.line == 10, pss[0].range
    # The base shows the findings whose node it holds, not the patch's.
    base = workspace / "kust" / "base" / "deploy.yaml"
    buri = await open_and_wait(client, base, BASE_DEPLOY, "yaml")
    base_codes = {d.code for d in client.diagnostics[buri]}
    assert base_codes and "PSS001" not in base_codes, client.diagnostics[buri]
    # An edit to the open patch rebuilds with the editor's text.
    await replace_and_wait(client, uri, 2, PATCH.replace("true", "false"))
    assert "PSS001" not in {d.code for d in client.diagnostics[uri]}, codes


@pytest.mark.asyncio(loop_scope="module")
async def test_code_actions_fix_ignore_and_disable(client: LanguageClient, workspace):
    uri = (workspace / "Dockerfile").as_uri()
    diags = client.diagnostics[uri]
    maint = next(d for d in diags if d.code == "DF0014")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=maint.range,
            context=types.CodeActionContext(diagnostics=[maint]),
        )
    )
    titles = [a.title for a in actions]
    assert any(t.startswith("DF0014: Replace MAINTAINER") for t in titles), titles
    assert "Ignore DF0014 on this line" in titles and "Ignore DF0014 in this file" in titles
    assert any(t.startswith("Disable DF0014 in stockade.yaml") for t in titles), titles
    fix = next(a for a in actions if a.title.startswith("DF0014:"))
    (edit,) = fix.edit.changes[uri]
    lines = DOCKERFILE.splitlines(keepends=True)
    line = lines[edit.range.start.line]
    fixed = line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
    assert fixed == 'LABEL org.opencontainers.image.authors="Jane <j@example.com>"\n'
    ignore = next(a for a in actions if a.title == "Ignore DF0014 on this line")
    (edit,) = ignore.edit.changes[uri]
    assert edit.new_text == "# stockade ignore=DF0014\n" and edit.range.start.line == 2


@pytest.mark.asyncio(loop_scope="module")
async def test_an_edit_supersedes_and_rescans(client: LanguageClient, workspace):
    uri = (workspace / "Dockerfile").as_uri()
    client.diagnostics.pop(uri, None)
    # Incremental edit: add `-y --no-install-recommends` after `install`.
    line = DOCKERFILE.splitlines()[1]
    at = len(line[: line.index("install") + len("install")].encode("utf-16-le")) // 2
    pos = types.Position(line=1, character=at)
    for version, text in ((2, " -y"), (3, " --no-install-recommends")):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start=pos, end=pos), text=text)
                ],
            )
        )
    # Only the newest version's diagnostics count.
    while True:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if uri in client.diagnostics and not {"DF0021", "DF0022"} & {d.code for d in client.diagnostics[uri]}:
            break


@pytest.mark.asyncio(loop_scope="module")
async def test_open_file_gets_the_workspace_findings_of_the_cli(client: LanguageClient, workspace):
    pod = workspace / "k8s" / "pod.yaml"
    uri = await open_and_wait(client, pod, POD, "yaml")
    got = sorted((d.code, d.range.start.line) for d in client.diagnostics[uri])
    # The Namespace in another file sets the privileged level: no Pod Security findings.
    assert not any(code.startswith("PSS") for code, _ in got), got
    assert got == cli_findings(workspace, "k8s/pod.yaml")


@pytest.mark.asyncio(loop_scope="module")
async def test_watched_file_changes_reload_the_workspace(client: LanguageClient, workspace):
    ns = workspace / "k8s" / "namespace.yaml"
    ns.write_text(NAMESPACE.replace("privileged", "restricted"))
    uri = (workspace / "k8s" / "pod.yaml").as_uri()
    client.diagnostics.pop(uri, None)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=ns.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    codes = {d.code for d in client.diagnostics[uri]}
    assert "PSS001" in codes or any(c.startswith("PSS") for c in codes), codes
    got = sorted((d.code, d.range.start.line) for d in client.diagnostics[uri])
    assert got == cli_findings(workspace, "k8s/pod.yaml")
    ns.write_text(NAMESPACE)


@pytest.mark.asyncio(loop_scope="module")
async def test_latency_of_a_change_to_a_500_line_manifest(client: LanguageClient, workspace):
    big = workspace / "k8s" / "big.yaml"
    text = big.read_text()
    uri = await open_and_wait(client, big, text, "yaml")
    latencies = []
    for version in range(2, 12):
        client.diagnostics.pop(uri, None)
        started = time.perf_counter()
        pos = types.Position(line=5, character=len("  namespace: shop"))
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start=pos, end=pos), text="x")
                ],
            )
        )
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    print(f"\n500-line manifest: change → diagnostics median {latencies[len(latencies) // 2]:.1f} ms, "
          f"max {latencies[-1]:.1f} ms over {len(latencies)} edits ({len(client.diagnostics[uri])} diagnostics)")
    assert client.diagnostics[uri]


@pytest.mark.asyncio(loop_scope="module")
async def test_execute_command_scans_the_workspace(client: LanguageClient, workspace):
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="stockade.scanWorkspace", arguments=[])
    )
    assert result["files"] == 4, result
    assert result["findings"] > 0
    # Files not open got their diagnostics too.
    ns_uri = (workspace / "k8s" / "namespace.yaml").as_uri()
    assert ns_uri in client.diagnostics


# ---------------------------------------------------------------------------
# A client with pull diagnostics (LSP 3.17): the server answers
# textDocument/diagnostic and does not push.

@pytest_lsp.fixture(config=config(), scope="module")
async def pull_client(lsp_client: LanguageClient, workspace):
    caps = client_capabilities("neovim@v0.10.0")
    assert caps.text_document.diagnostic is not None
    params = types.InitializeParams(
        capabilities=caps,
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio(loop_scope="module")
async def test_pull_diagnostics(pull_client: LanguageClient, workspace):
    uri = (workspace / "Dockerfile").as_uri()
    pull_client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=DOCKERFILE)
        )
    )
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert report.kind == "full"
    assert "DF0021" in {d.code for d in report.items}
    assert uri not in pull_client.diagnostics  # nothing pushed

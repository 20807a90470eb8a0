// The Stockade playground: scans the editor's text with the WebAssembly build on
// every change. Everything runs in the page; nothing is sent anywhere.
import init, {
  scan, explain, version, Engine, netpolConnectivity, renderChart, scanChart, buildKustomization, scanKustomization,
  detectKind,
} from '../pkg/web/stockade_wasm.js';

const EXAMPLES = {
  'dockerfile-root': {
    kind: 'dockerfile',
    text: `FROM node:latest
USER root
WORKDIR /app
COPY . .
RUN curl -fsSL http://example.com/install.sh | sh
CMD ["node", "server.js"]
`,
  },
  'privileged-pod': {
    kind: 'kubernetes',
    text: `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: busybox:latest
      securityContext:
        privileged: true
`,
  },
  'default-deny': {
    kind: 'kubernetes',
    text: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: prod
spec:
  podSelector: {}
  policyTypes:
    - Ingress
    - Egress
`,
  },
  'gatekeeper-team': {
    kind: 'kubernetes',
    text: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
`,
    policy: `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredteam
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredTeam
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredteam

        violation[{"msg": msg}] {
          not input.review.object.metadata.labels.team
          msg := sprintf("%v %v has no team label", [input.review.kind.kind, input.review.object.metadata.name])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredTeam
metadata:
  name: pods-need-team
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
`,
  },
  'kyverno-team': {
    kind: 'kubernetes',
    text: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
`,
    policy: `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  validationFailureAction: Enforce
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "label team is required"
        pattern:
          metadata:
            labels:
              team: "?*"
`,
  },
  'netpol-connectivity': {
    kind: 'kubernetes',
    text: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "postgres:16"}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
      ports: [{port: 5432, protocol: TCP}]
`,
  },
};
const PATHS = { dockerfile: 'Dockerfile', kubernetes: 'manifest.yaml' };
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

const $ = (id) => document.getElementById(id);
const input = $('input');
const kind = $('kind');
const policy = $('policy');
const timings = (window.stockadeTimings = { engineReady: null, firstFindings: null });
let findings = [];
/** The last report shown (re-rendered when the order changes). */
let lastReport = { errors: [] };

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

// --- URL hash: #kind=dockerfile&text=<base64url of the UTF-8 text> ---
function encodeText(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function decodeText(encoded) {
  const bin = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}
function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (!params.has('text')) return null;
  try {
    return {
      kind: params.get('kind') || 'dockerfile',
      text: decodeText(params.get('text')),
      policy: params.has('policy') ? decodeText(params.get('policy')) : '',
    };
  } catch {
    return null;
  }
}
function writeHash() {
  const params = new URLSearchParams({ kind: kind.value, text: encodeText(input.value) });
  if (policy.value.trim()) params.set('policy', encodeText(policy.value));
  history.replaceState(null, '', `#${params}`);
}

// --- rendering ---
const worst = (list) => SEVERITY_ORDER.find((s) => list.some((f) => f.severity === s));

/** Line starts in UTF-16 units (the textarea's indices). */
function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function renderEditor(text) {
  const starts = lineStarts(text);
  const gutter = [];
  const lines = [];
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1] - 1 : text.length;
    const lineNo = i + 1;
    const onLine = findings.filter((f) => f.start.line <= lineNo && lineNo <= Math.max(f.end.line, f.start.line));
    const sev = worst(onLine);
    const cls = sev ? ` class="mark sev-${sev}"` : '';
    gutter.push(`<div${cls} title="${escapeHtml(onLine.map((f) => f.rule).join(' '))}">${lineNo}</div>`);
    // Cut the line at every finding boundary; underline the covered pieces.
    const cuts = new Set([start, end]);
    for (const f of onLine) {
      cuts.add(Math.min(Math.max(f.start.utf16Offset, start), end));
      cuts.add(Math.min(Math.max(f.end.utf16Offset, start), end));
    }
    const points = [...cuts].sort((a, b) => a - b);
    let html = '';
    for (let k = 0; k + 1 < points.length; k++) {
      const [a, b] = [points[k], points[k + 1]];
      const piece = escapeHtml(text.slice(a, b));
      const covering = onLine.filter((f) => f.start.utf16Offset <= a && b <= f.end.utf16Offset);
      html += covering.length ? `<mark class="sev-${worst(covering)}">${piece}</mark>` : piece;
    }
    lines.push(`<div${cls}>${html || ' '}</div>`);
  });
  $('gutter').innerHTML = gutter.join('');
  $('backdrop').innerHTML = lines.join('');
  syncScroll();
}

/** The findings' indices in display order: by severity (critical first, then by position) or by position. */
function displayOrder() {
  const indices = findings.map((_, i) => i);
  if ($('order').value !== 'severity') return indices;
  const rank = (f) => SEVERITY_ORDER.indexOf(f.severity);
  return indices.sort((a, b) => rank(findings[a]) - rank(findings[b]) || a - b);
}

/** A finding's fix the editor can apply: edits in the editor's own text, not display-only. */
function applicableFix(f) {
  const fix = f.fix;
  if (!fix || project || fix.applicability === 'display-only' || !fix.edits.length) return null;
  return fix.edits.every((e) => !e.path && e.start.utf16Offset !== undefined && e.end.utf16Offset !== undefined) ? fix : null;
}

function fixButton(f, i) {
  const fix = applicableFix(f);
  if (!fix) return '';
  const unsafe = fix.applicability === 'unsafe';
  return `<button type="button" class="fix${unsafe ? ' unsafe' : ''}" data-fix="${i}" title="${escapeHtml(fix.message)}${unsafe ? ' (unsafe: check the result)' : ''}">fix${unsafe ? ' (unsafe)' : ''}</button>`;
}

function renderFindings(report) {
  lastReport = report;
  $('count').textContent = `(${findings.length})`;
  $('findings').innerHTML = displayOrder()
    .map((i) => {
      const f = findings[i];
      return `<li class="sev-${f.severity}" data-index="${i}" tabindex="0">
  <span class="sev">${f.severity}</span><span class="rule">${escapeHtml(f.rule)}</span>${fixButton(f, i)}
  <span class="where">${f.start.line}:${f.start.column}</span>
  <span class="message">${escapeHtml(f.message)}</span>${originsHtml(f)}</li>`;
    })
    .join('');
  $('errors').innerHTML = report.errors
    .map((e) => `<li>${escapeHtml(e.kind)} error${e.line ? ` at ${e.line}:${e.column}` : ''}: ${escapeHtml(e.message)}</li>`)
    .join('');
}

/** Where a rendered finding came from: template, values file, base, patch … lines. */
function originsHtml(f) {
  if (!f.origins?.length) return '';
  const list = f.origins.map(
    (o) => `${escapeHtml(o.path)}:${o.start.line} <span class="role">${escapeHtml(o.role)}</span>`,
  );
  return `<span class="origins">from ${list.join(' · ')}</span>`;
}

function showError(message) {
  findings = [];
  $('count').textContent = '';
  $('findings').innerHTML = '';
  $('errors').innerHTML = `<li>${escapeHtml(message)}</li>`;
  renderEditor(input.value);
}

/** A small Markdown subset: headings, paragraphs, fenced code, lists, inline code, links. */
function markdown(md) {
  const out = [];
  let code = null;
  let list = false;
  let para = [];
  const inline = (s) =>
    escapeHtml(s)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2" rel="noreferrer">$1</a>');
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
  };
  for (const line of md.split('\n')) {
    if (line.startsWith('```')) {
      flush();
      if (code === null) code = [];
      else {
        out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
        code = null;
      }
      continue;
    }
    if (code !== null) {
      code.push(line);
      continue;
    }
    const item = line.match(/^\s*[-*] (.*)/);
    if (!item && list && /^\s+\S/.test(line)) {
      // a list item's continuation line
      out[out.length - 1] = out[out.length - 1].replace(/<\/li>$/, ` ${inline(line.trim())}</li>`);
      continue;
    }
    if (item || !line.trim() || line.startsWith('#')) flush();
    if (item && !list) out.push('<ul>');
    if (!item && list) {
      out.push('</ul>');
      list = false;
    }
    if (item) {
      list = true;
      out.push(`<li>${inline(item[1])}</li>`);
    } else if (line.startsWith('#')) out.push(`<h3>${inline(line.replace(/^#+\s*/, ''))}</h3>`);
    else if (line.trim()) para.push(line.trim());
  }
  flush();
  if (list) out.push('</ul>');
  return out.join('\n');
}

function clearDocs() {
  $('docs').hidden = true;
  $('docs-title').textContent = '';
  $('docs-body').innerHTML = '';
}

function showDocs(ruleId) {
  const rule = explain(ruleId);
  if (!rule) {
    clearDocs();
    return;
  }
  $('docs').hidden = false;
  $('docs-title').textContent = `${rule.id} ${rule.name} — ${rule.title}`;
  $('docs-body').innerHTML = `<p><b>Severity</b> ${rule.severity}${rule.aliases.length ? ` · <b>Also</b> ${escapeHtml(rule.aliases.join(', '))}` : ''}</p>
<p><b>Fix</b> ${escapeHtml(rule.remediation)}</p>${markdown(rule.docs)}`;
  $('docs').scrollIntoView({ block: 'start' });
}

/**
 * Apply the fix of finding `index` in the editor: its edits (UTF-16 offsets into
 * the scanned text), last first so that earlier offsets stay valid; then rescan.
 */
function applyFix(index) {
  const f = findings[index];
  const fix = f && applicableFix(f);
  if (!fix) return null;
  let text = input.value;
  const edits = [...fix.edits].sort((a, b) => b.start.utf16Offset - a.start.utf16Offset);
  for (const e of edits) text = text.slice(0, e.start.utf16Offset) + e.content + text.slice(e.end.utf16Offset);
  input.value = text;
  clearDocs();
  run();
  return { rule: f.rule, applicability: fix.applicability, text };
}

// --- what a pasted text is ---
/**
 * After a paste into the editor, decide what the whole text is: a Dockerfile or
 * Kubernetes YAML selects that kind; a policy (Gatekeeper, Kyverno, Rego) moves
 * to the policy pane and the editor gets back what it held before the paste.
 */
function pasted(before) {
  const found = detectKind(input.value);
  const said = { dockerfile: 'Dockerfile', kubernetes: 'Kubernetes YAML', policy: 'policy' };
  $('detected').textContent = found ? `Pasted: ${said[found]}` : '';
  if (found === 'policy') {
    policy.value = input.value;
    $('policy-pane').open = true;
    // A policy checks Kubernetes objects: keep the manifest that was there, else an example Pod.
    input.value = detectKind(before) === 'kubernetes' ? before : EXAMPLES['kyverno-team'].text;
    kind.value = 'kubernetes';
  } else if (found) kind.value = found;
  run();
  return found ?? null;
}

/** Select the finding's exact span in the editor and scroll it into view. */
function jumpTo(index) {
  const f = findings[index];
  if (!f) return;
  for (const li of document.querySelectorAll('#findings li')) li.classList.toggle('selected', li.dataset.index === String(index));
  input.focus();
  input.setSelectionRange(f.start.utf16Offset, Math.max(f.end.utf16Offset, f.start.utf16Offset));
  const lineHeight = parseFloat(getComputedStyle(input).lineHeight) || 20;
  input.scrollTop = Math.max(0, (f.start.line - 1) * lineHeight - input.clientHeight / 3);
  syncScroll();
  showDocs(f.rule);
}

function syncScroll() {
  $('backdrop').scrollTop = input.scrollTop;
  $('backdrop').scrollLeft = input.scrollLeft;
  $('gutter').scrollTop = input.scrollTop;
}

// --- policies and connectivity (Kubernetes input) ---
let engine = { text: null, value: null, error: null };
/** The engine for the policy pane's text (rebuilt only when it changes), or null. */
function policyEngine() {
  const text = policy.value;
  if (engine.text !== text) {
    engine = { text, value: null, error: null };
    if (text.trim()) {
      // A Rego module is `.rego`; YAML holds Gatekeeper or Kyverno documents.
      const path = /^\s*(#.*\n\s*)*package\s/.test(text) ? 'policy.rego' : 'policy.yaml';
      try {
        engine.value = new Engine(null, { policies: [{ path, text }] });
      } catch (e) {
        engine.error = e;
      }
    }
  }
  const status = $('policy-status');
  if (engine.error) {
    const e = engine.error;
    status.textContent = `${e.name || 'Error'}${e.line ? ` at ${e.line}:${e.column}` : ''}: ${e.message}`;
    status.className = 'policy-error';
  } else {
    status.textContent = engine.value ? '(applied)' : '';
    status.className = '';
  }
  return engine.value;
}

function renderConnectivity(text) {
  const section = $('connectivity');
  if (kind.value !== 'kubernetes' || !/kind:\s*NetworkPolicy/.test(text)) {
    section.hidden = true;
    return;
  }
  try {
    $('connlist').textContent = netpolConnectivity([{ path: PATHS.kubernetes, text }], 'text').output || '(no connections)';
  } catch (e) {
    $('connlist').textContent = `${e.name || 'Error'}: ${e.message}`;
  }
  section.hidden = false;
}

// --- charts and kustomizations (a dropped folder or .tgz) ---
const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** The open chart or kustomization: {type: 'chart'|'kustomization', input, name}, or null. */
let project = null;

const dirOf = (path) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Files under one top folder lose that folder (a dropped `web/` is the chart's root). */
function stripTopFolder(files) {
  const paths = Object.keys(files);
  const tops = new Set(paths.map((p) => p.split('/')[0]));
  if (tops.size !== 1 || paths.some((p) => !p.includes('/'))) return files;
  const cut = [...tops][0].length + 1;
  return Object.fromEntries(paths.map((p) => [p.slice(cut), files[p]]));
}

/**
 * Open the files of a folder (path → Uint8Array or string): a Helm chart when
 * it holds a Chart.yaml (the shallowest one is the chart), else the
 * kustomizations it holds. Returns what was opened.
 */
function openFiles(files, name = 'folder') {
  files = stripTopFolder(files);
  const charts = Object.keys(files)
    .filter((p) => p === 'Chart.yaml' || p.endsWith('/Chart.yaml'))
    .sort((a, b) => a.split('/').length - b.split('/').length);
  if (charts.length) {
    const root = dirOf(charts[0]);
    const prefix = root ? `${root}/` : '';
    const chart = Object.fromEntries(
      Object.entries(files).filter(([p]) => p.startsWith(prefix)).map(([p, c]) => [p.slice(prefix.length), c]),
    );
    return openProject({ type: 'chart', input: chart, name: root || name });
  }
  const dirs = Object.keys(files)
    .filter((p) => KUSTOMIZATION_NAMES.includes(p.split('/').pop()))
    .map(dirOf)
    .sort();
  if (dirs.length) return openProject({ type: 'kustomization', input: files, dirs, name });
  // Otherwise every Dockerfile and manifest, scanned as one scan.
  const text = (c) => (typeof c === 'string' ? c : new TextDecoder().decode(c));
  const sources = Object.keys(files)
    .filter((p) => SCANNABLE.test(p))
    .sort()
    .map((path) => ({ path, text: text(files[path]) }));
  if (sources.length) return openProject({ type: 'files', input: sources, name });
  showError('No Helm chart, kustomization, Dockerfile or manifest in the opened files');
  return null;
}

/** What a scan of dropped files reads: Dockerfiles, Containerfiles and YAML/JSON manifests. */
const SCANNABLE = /(^|\/)(Dockerfile|Containerfile)([.-][^/]*)?$|\.(dockerfile|ya?ml|json)$/i;

/** Open a chart archive (.tgz bytes). */
function openArchive(bytes, name = 'chart.tgz') {
  return openProject({ type: 'chart', input: bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), name });
}

/** A kustomization no other one names as a resource (`../base`): the overlay to build first. */
function topKustomization(files, dirs) {
  const texts = dirs.map((d) => {
    const file = KUSTOMIZATION_NAMES.map((n) => (d ? `${d}/${n}` : n)).find((p) => p in files);
    const c = files[file];
    return typeof c === 'string' ? c : new TextDecoder().decode(c);
  });
  const used = (d) => texts.some((t, i) => dirs[i] !== d && d && t.includes(d.split('/').pop()));
  return dirs.find((d) => !used(d)) ?? dirs[0];
}

const PROJECT_KINDS = {
  chart: ['Helm chart', 'Rendered as helm template renders it; findings name the template and values lines.'],
  kustomization: ['Kustomization', 'Built as kubectl kustomize builds it; findings name the base and patch lines.'],
  files: ['Files', 'Scanned as one scan (Namespaces, NetworkPolicies and Services seen across the files); pick a file to see its findings.'],
};

function openProject(p) {
  project = p;
  $('project').hidden = false;
  [$('project-kind').textContent, $('project-hint').textContent] = PROJECT_KINDS[p.type];
  $('project-name').textContent = p.name;
  $('set-label').hidden = p.type !== 'chart';
  $('kdir-label').hidden = p.type === 'chart';
  if (p.type === 'kustomization') {
    $('kdir-name').textContent = 'Kustomization';
    $('kdir').innerHTML = p.dirs.map((d) => `<option value="${escapeHtml(d)}">${escapeHtml(d || '.')}</option>`).join('');
    $('kdir').value = topKustomization(p.input, p.dirs);
  }
  if (p.type === 'files') {
    // One scan of every file; the select shows one file and its findings.
    p.report = new Engine().scanTexts(p.input);
    const count = (path) => p.report.findings.filter((f) => f.path === path).length;
    $('kdir-name').textContent = 'File';
    $('kdir').innerHTML = p.input
      .map(({ path }) => `<option value="${escapeHtml(path)}">${escapeHtml(path)} (${count(path)})</option>`)
      .join('');
    $('kdir').value = p.input.reduce((best, s) => (count(s.path) > count(best.path) ? s : best)).path;
  }
  input.readOnly = true;
  kind.disabled = true;
  kind.value = 'kubernetes';
  run();
  if (p.type === 'chart') return { type: p.type, name: p.name };
  if (p.type === 'files') return { type: p.type, name: p.name, files: p.input.map((s) => s.path), shown: $('kdir').value };
  return { type: p.type, name: p.name, dir: $('kdir').value };
}

function closeProject() {
  project = null;
  $('project').hidden = true;
  input.readOnly = false;
  kind.disabled = false;
  load(EXAMPLES['privileged-pod']);
}

/**
 * A finding of a chart's rendered template placed in helm template's output
 * (the editor's text): the template's `# Source:` block (the finding's
 * document), and in it the line of the pointer's last key (its value when the
 * finding's span is as long as the value). Display only: the
 * finding's own position is in the template's rendered text.
 */
function placeInOutput(text, f) {
  const header = `# Source: ${f.path.replace(/ \(rendered\)$/, '')}\n`;
  const starts = [];
  for (let i = text.indexOf(header); i >= 0; i = text.indexOf(header, i + 1)) starts.push(i + header.length);
  if (!starts.length) return null;
  const blockStart = starts[Math.min(f.document, starts.length - 1)];
  const blockEnd = text.indexOf('\n---\n', blockStart) < 0 ? text.length : text.indexOf('\n---\n', blockStart);
  const block = text.slice(blockStart, blockEnd);
  const key = (f.pointer ?? '').split('/').filter((s) => s && !/^\d+$/.test(s)).pop();
  let at = 0;
  let len = 0;
  const m = key && new RegExp(`^(\\s*(?:- )?)${escapeRegExp(key)}:( *)([^\\n]*)`, 'm').exec(block);
  if (m) {
    // The value when the finding's span is as long as it (`privileged: true`), else the key.
    const spanLength = f.end.offset - f.start.offset;
    const value = m[3];
    const onValue = value.length > 0 && spanLength === new TextEncoder().encode(value).length;
    at = m.index + m[1].length + (onValue ? key.length + 1 + m[2].length : 0);
    len = onValue ? value.length : key.length;
  }
  const offset = blockStart + at;
  const line = text.slice(0, offset).split('\n').length;
  const column = offset - text.lastIndexOf('\n', offset - 1);
  const pos = (o) => ({ line, column: column + o, utf16Column: column + o, utf16Offset: offset + o });
  return { ...f, start: { ...f.start, ...pos(0) }, end: { ...f.end, ...pos(len) } };
}

function runProject() {
  const p = project;
  let text;
  let report;
  try {
    if (p.type === 'files') {
      const shown = $('kdir').value;
      text = p.input.find((s) => s.path === shown)?.text ?? '';
      const { report: all } = p;
      report = { ...all, findings: all.findings.filter((f) => f.path === shown) };
    } else if (p.type === 'chart') {
      const set = $('helm-set').value.trim();
      const options = set ? { set: [set] } : {};
      text = renderChart(p.input, options);
      report = scanChart(p.input, options);
    } else {
      const dir = $('kdir').value;
      text = buildKustomization(p.input, dir);
      report = scanKustomization(p.input, dir);
    }
  } catch (e) {
    input.value = '';
    const where = e.path ? ` at ${e.path}${e.line ? `:${e.line}:${e.column}` : ''}` : '';
    showError(`${e.name || 'Error'}${where}: ${e.message}`);
    return;
  }
  input.value = text;
  findings = report.findings.map((f) => (p.type === 'chart' ? placeInOutput(text, f) ?? f : f));
  renderFindings(report);
  renderEditor(text);
  document.body.dataset.project = p.type;
}

/** Every file of a dropped folder (FileSystemEntry), by path under it. */
async function readEntry(entry, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out[entry.fullPath.replace(/^\//, '')] = new Uint8Array(await file.arrayBuffer());
    return;
  }
  const reader = entry.createReader();
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const child of batch) await readEntry(child, out);
  }
}

/** Open what was dropped or picked: one .tgz, or the files of a folder. */
async function openDropped(dataTransfer) {
  const entries = [...(dataTransfer.items ?? [])].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.some((e) => e.isDirectory)) {
    const files = {};
    for (const e of entries) await readEntry(e, files);
    return openFiles(files, entries[0].name);
  }
  return openPicked([...dataTransfer.files]);
}

async function openPicked(list) {
  if (list.length === 1 && /\.(tgz|tar\.gz)$/i.test(list[0].name)) {
    return openArchive(new Uint8Array(await list[0].arrayBuffer()), list[0].name);
  }
  const files = {};
  for (const f of list) files[f.webkitRelativePath || f.name] = new Uint8Array(await f.arrayBuffer());
  return openFiles(files, list[0]?.webkitRelativePath?.split('/')[0] || 'files');
}

function setUpDropping() {
  const zone = $('dropzone');
  let depth = 0;
  document.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth += 1;
    zone.hidden = false;
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) zone.hidden = true;
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    zone.hidden = true;
    openDropped(e.dataTransfer).catch((err) => showError(`Error: ${err.message}`));
  });
  for (const id of ['open-folder', 'open-archive']) {
    $(id).addEventListener('change', (e) => {
      openPicked([...e.target.files]).catch((err) => showError(`Error: ${err.message}`));
      e.target.value = '';
    });
  }
  $('project-close').addEventListener('click', closeProject);
  $('kdir').addEventListener('change', run);
  $('helm-set').addEventListener('input', schedule);
  // For scripts and tests: open files without a drag and drop.
  window.stockadePlayground = { openFiles, openArchive, close: closeProject, applyFix };
}

// --- scanning ---
function run() {
  if (project) {
    runProject();
    return;
  }
  delete document.body.dataset.project;
  const text = input.value;
  try {
    const options = { path: PATHS[kind.value], kind: kind.value };
    const withPolicy = kind.value === 'kubernetes' ? policyEngine() : null;
    const report = withPolicy ? withPolicy.scan(text, options) : scan(text, options);
    renderConnectivity(text);
    findings = report.findings;
    renderFindings(report);
    renderEditor(text);
    if (findings.length && timings.firstFindings === null) {
      timings.firstFindings = performance.now();
      $('status').textContent = `Engine ready in ${Math.round(timings.engineReady)} ms; first findings at ${Math.round(timings.firstFindings)} ms`;
    }
  } catch (e) {
    showError(`${e.name || 'Error'}: ${e.message}`);
  }
  writeHash();
}

let pending = 0;
function schedule() {
  clearTimeout(pending);
  pending = setTimeout(run, 60);
}

function load(example) {
  clearDocs();
  $('detected').textContent = '';
  kind.value = example.kind;
  input.value = example.text;
  policy.value = example.policy ?? '';
  $('policy-pane').open = Boolean(example.policy);
  run();
}

async function main() {
  await init();
  timings.engineReady = performance.now();
  $('version').textContent = `v${version()}`;
  $('status').textContent = `Engine ready in ${Math.round(timings.engineReady)} ms`;
  input.addEventListener('input', schedule);
  policy.addEventListener('input', schedule);
  input.addEventListener('scroll', syncScroll);
  kind.addEventListener('change', run);
  $('example').addEventListener('change', (e) => {
    if (!EXAMPLES[e.target.value]) return;
    if (project) closeProject();
    load(EXAMPLES[e.target.value]);
  });
  $('findings').addEventListener('click', (e) => {
    const fix = e.target.closest('button[data-fix]');
    if (fix) {
      applyFix(Number(fix.dataset.fix));
      return;
    }
    const li = e.target.closest('li[data-index]');
    if (li) jumpTo(Number(li.dataset.index));
  });
  $('order').addEventListener('change', () => {
    if (findings.length) renderFindings(lastReport);
  });
  input.addEventListener('paste', (e) => {
    const text = e.clipboardData?.getData('text/plain');
    if (text === undefined || text === null || input.readOnly) return;
    e.preventDefault();
    const before = input.value;
    input.setRangeText(text, input.selectionStart, input.selectionEnd, 'end');
    pasted(before);
  });
  $('findings').addEventListener('keydown', (e) => {
    const li = e.target.closest('li[data-index]');
    if (li && e.key === 'Enter') jumpTo(Number(li.dataset.index));
  });
  $('share').addEventListener('click', () => navigator.clipboard?.writeText(location.href));
  window.addEventListener('hashchange', () => {
    const state = readHash();
    if (state && (state.text !== input.value || state.kind !== kind.value || state.policy !== policy.value)) load(state);
  });
  setUpDropping();
  load(readHash() ?? EXAMPLES['dockerfile-root']);
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  $('status').textContent = `Failed to load the engine: ${e.message}`;
  throw e;
});

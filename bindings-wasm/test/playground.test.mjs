// Drives the playground in real headless Chromium: load, type a bad Dockerfile,
// see findings and line marks, click one, check the selection and the rule docs,
// reload from the shareable URL, keep working offline. Saves a screenshot under
// bindings-wasm/test-output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test-output');
const BAD = 'FROM node:latest\nUSER root\nRUN curl http://x | sh\n';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

let server;
let context;
let base;
let profile;

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

before(async () => {
  const port = await freePort();
  server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], {
    stdio: 'ignore',
  });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/playground/`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  profile = mkdtempSync(join(tmpdir(), 'stockade-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 720 },
  });
});

after(async () => {
  await context?.close();
  server?.kill();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the playground scans in the browser', async () => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${base}/playground/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#findings li');
  const timings = await page.evaluate(() => window.stockadeTimings);
  console.log(`playground: engine ready ${timings.engineReady.toFixed(0)} ms, first findings ${timings.firstFindings.toFixed(0)} ms after navigation start`);

  // Type a bad Dockerfile into the emptied editor.
  await page.fill('#input', '');
  await page.type('#input', BAD);
  await page.waitForFunction(() => document.querySelectorAll('#findings li').length > 0 &&
    document.querySelector('#input').value.endsWith('| sh\n'));
  await page.waitForTimeout(200); // the debounce
  const rules = await page.$$eval('#findings .rule', (els) => els.map((e) => e.textContent));
  for (const rule of ['DF0001', 'DF0005', 'DF0011']) assert.ok(rules.includes(rule), rules.join());
  // Offending lines are marked in the gutter and underlined in the text.
  const marked = await page.$$eval('#gutter div.mark', (els) => els.map((e) => e.textContent));
  assert.deepEqual(marked, ['1', '2', '3']);
  assert.ok((await page.$$('#backdrop mark')).length >= 3);
  assert.match(await page.textContent('#gutter div.mark.sev-high'), /2|3/);

  // Click the USER root finding: its exact span is selected and its docs shown.
  await page.click('#findings li:has(.rule:text-is("DF0005"))');
  const selected = await page.evaluate(() => {
    const t = document.querySelector('#input');
    return t.value.slice(t.selectionStart, t.selectionEnd);
  });
  assert.ok(selected.length > 0 && 'USER root'.includes(selected), selected);
  assert.match(await page.textContent('#docs-title'), /^DF0005/);
  assert.match(await page.textContent('#docs-body'), /What it does/);
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: join(outDir, 'playground.png') });

  // The URL hash carries the input: a new tab opened on it shows the same findings.
  const url = page.url();
  assert.match(url, /#kind=dockerfile&text=/);
  const again = await context.newPage();
  await again.goto(url);
  await again.waitForSelector('#findings li');
  assert.equal(await again.inputValue('#input'), BAD);
  assert.deepEqual(await again.$$eval('#findings .rule', (els) => els.map((e) => e.textContent)), rules);

  // Offline once loaded: scanning keeps working without the server.
  await context.setOffline(true);
  await page.fill('#input', 'FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD true\n');
  await page.waitForFunction(() => !document.querySelector('#gutter div.mark'));
  await context.setOffline(false);
  assert.deepEqual(problems, []);
});

test('the Kubernetes examples', async (t) => {
  const page = await context.newPage();
  await page.goto(`${base}/playground/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#example', 'privileged-pod');
  assert.equal(await page.inputValue('#kind'), 'kubernetes');
  if (/unknown kind/.test(await page.textContent('#errors'))) {
    t.skip('no Kubernetes pack in this build');
    return;
  }
  await page.waitForSelector('#findings li');
  assert.match(await page.textContent('#findings'), /privileged/i);
  assert.ok((await page.$$('#gutter div.mark')).length > 0);
  await page.click('#findings li');
  await page.screenshot({ path: join(outDir, 'playground-kubernetes.png') });
  await page.selectOption('#example', 'default-deny');
  assert.match(await page.inputValue('#input'), /kind: NetworkPolicy/);
  assert.equal((await page.textContent('#errors')).trim(), '');
  assert.match(page.url(), /#kind=kubernetes&text=/);
});

const TEMPLATE_AND_CONSTRAINT = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sdeniedimage
spec:
  crd:
    spec:
      names:
        kind: K8sDeniedImage
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sdeniedimage

        violation[{"msg": msg}] {
          c := input.review.object.spec.containers[_]
          startswith(c.image, "busybox")
          msg := sprintf("container %v uses busybox", [c.name])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDeniedImage
metadata:
  name: no-busybox
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
`;

test('the policy pane applies a pasted Gatekeeper template and constraint (strict CSP page)', async () => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (/Content Security Policy|unsafe-eval/i.test(m.text())) problems.push(m.text());
  });
  await page.goto(`${base}/playground/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#example', 'privileged-pod');
  await page.click('#policy-pane summary');
  await page.fill('#policy', TEMPLATE_AND_CONSTRAINT);
  await page.waitForSelector('#findings .rule:text-is("K8sDeniedImage/no-busybox")');
  assert.match(await page.textContent('#findings'), /container shell uses busybox/);
  assert.equal(await page.textContent('#policy-status'), '(applied)');
  await page.click('#findings li:has(.rule:text-is("K8sDeniedImage/no-busybox"))');
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: join(outDir, 'playground-policy.png') });
  // The policy travels in the shareable URL too.
  assert.match(page.url(), /&policy=/);

  // A Rego syntax error is shown, positioned, instead of findings from the policy.
  await page.fill('#policy', TEMPLATE_AND_CONSTRAINT.replace('startswith(c.image, "busybox")', 'startswith(c.image, "busybox"'));
  await page.waitForSelector('#policy-status.policy-error');
  assert.match(await page.textContent('#policy-status'), /^PolicyError at \d+:\d+: /);
  assert.deepEqual(problems, []);
});

test('the Gatekeeper, Kyverno and connectivity examples', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/playground/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#example', 'gatekeeper-team');
  await page.waitForSelector('#findings .rule:text-is("K8sRequiredTeam/pods-need-team")');
  await page.selectOption('#example', 'kyverno-team');
  await page.waitForSelector('#findings .rule:text-is("require-team/check-team")');
  assert.equal(await page.isHidden('#connectivity'), true);
  await page.selectOption('#example', 'netpol-connectivity');
  await page.waitForSelector('#connectivity:not([hidden])');
  assert.equal(
    await page.textContent('#connlist'),
    '0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections\n' +
      'shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections\n' +
      'shop/web[Deployment] => shop/db[Deployment] : TCP 5432\n',
  );
  await page.screenshot({ path: join(outDir, 'playground-connectivity.png') });
});

const DATA = join(root, '..', 'testdata', 'bindings');
/** Every file under `dir` as text, by `/`-separated path under `prefix`. */
function readTree(dir, prefix = '') {
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[prefix + relative(dir, path).split(sep).join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

test('a dropped chart folder, chart .tgz and kustomization are rendered and scanned', async () => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${base}/playground/`);
  await page.waitForSelector('body[data-ready="true"]');

  // A chart folder, as a folder drop gives it (under its own name), through the page's API.
  const opened = await page.evaluate((files) => window.stockadePlayground.openFiles(files, 'web'), readTree(join(DATA, 'chart'), 'web/'));
  assert.deepEqual(opened, { type: 'chart', name: 'web' });
  await page.waitForSelector('#findings .rule:text-is("PSS001")');
  assert.ok((await page.inputValue('#input')).startsWith('---\n# Source: web/templates/service.yaml\n'));
  const chartFinding = page.locator('#findings li:has(.rule:text-is("PSS001"))').first();
  assert.match(await chartFinding.textContent(), /from .*web\/values\.yaml:6 value/);
  assert.match(await chartFinding.textContent(), /web\/templates\/deployment\.yaml:\d+ template/);
  await chartFinding.click();
  const selected = await page.evaluate(() => {
    const t = document.querySelector('#input');
    return t.value.slice(t.selectionStart, t.selectionEnd);
  });
  assert.equal(selected, 'true'); // `privileged: true`: the value the finding is about
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: join(outDir, 'playground-chart.png') });

  // --set re-renders: the privileged value overridden, the finding gone.
  await page.fill('#helm-set', 'securityContext.privileged=false');
  await page.waitForFunction(() => ![...document.querySelectorAll('#findings .rule')].some((e) => e.textContent === 'PSS001'));
  await page.fill('#helm-set', '');

  // A chart .tgz dropped on the page (a real drop event with a DataTransfer).
  const tgz = [...readFileSync(join(DATA, 'chart.tgz'))];
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'web-0.1.0.tgz', { type: 'application/gzip' }));
    document.querySelector('main').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, tgz);
  await page.waitForFunction(() => document.querySelector('#project-name').textContent === 'web-0.1.0.tgz');
  await page.waitForSelector('#findings .rule:text-is("PSS001")');

  // A template error: Helm's message at its template line.
  await page.evaluate((files) => window.stockadePlayground.openFiles(files, 'broken'), readTree(join(DATA, 'chart-bad')));
  await page.waitForFunction(() => /image\.tag is required/.test(document.querySelector('#errors').textContent));
  assert.match(await page.textContent('#errors'), /broken\/templates\/pod\.yaml:8:\d+/);

  // A base and an overlay: the overlay is built; the finding names the patch line.
  const kust = await page.evaluate((files) => window.stockadePlayground.openFiles(files, 'kustomize'), readTree(join(DATA, 'kustomize')));
  assert.deepEqual(kust, { type: 'kustomization', name: 'kustomize', dir: 'overlay' });
  await page.waitForSelector('#findings .rule:text-is("PSS001")');
  assert.match(await page.inputValue('#input'), /name: prod-api\n/);
  const patchFinding = page.locator('#findings li:has(.rule:text-is("PSS001"))').first();
  assert.match(await patchFinding.textContent(), /overlay\/privileged\.yaml:11 patch/);
  await patchFinding.click();
  await page.screenshot({ path: join(outDir, 'playground-kustomization.png') });

  // Plain files (no chart, no kustomization): one scan, one file shown at a time.
  const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: shell\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n';
  const plain = await page.evaluate(
    (files) => window.stockadePlayground.openFiles(files, 'repo'),
    { 'repo/Dockerfile': BAD, 'repo/k8s/pod.yaml': POD, 'repo/README.md': '# not scanned\n' },
  );
  assert.equal(plain.type, 'files');
  assert.deepEqual(plain.files, ['Dockerfile', 'k8s/pod.yaml']);
  await page.selectOption('#kdir', 'k8s/pod.yaml');
  await page.waitForSelector('#findings .rule:text-is("PSS001")');
  assert.equal(await page.inputValue('#input'), POD);
  await page.selectOption('#kdir', 'Dockerfile');
  await page.waitForSelector('#findings .rule:text-is("DF0005")');
  assert.equal(await page.inputValue('#input'), BAD);

  await page.click('#project-close');
  assert.equal(await page.isHidden('#project'), true);
  assert.deepEqual(problems, []);
});

/** A new playground page, loaded, and the page errors it will collect. */
async function openPlayground() {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${base}/playground/`);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, problems };
}

/** Paste `text` into the editor (all of it selected) as a real paste event does. */
async function paste(page, text) {
  await page.evaluate((t) => {
    const input = document.querySelector('#input');
    input.focus();
    input.select();
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

const KYVERNO = readFileSync(join(DATA, 'kyverno-policy.yaml'), 'utf8');
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: shell\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n';

test('a pasted text is recognised: Dockerfile, Kubernetes YAML, policy', async () => {
  const { page, problems } = await openPlayground();
  assert.equal(await page.inputValue('#kind'), 'dockerfile');

  await paste(page, POD);
  await page.waitForSelector('#findings .rule:text-is("PSS001")');
  assert.equal(await page.inputValue('#kind'), 'kubernetes');
  assert.equal(await page.textContent('#detected'), 'Pasted: Kubernetes YAML');
  assert.equal(await page.inputValue('#input'), POD);

  await paste(page, BAD);
  await page.waitForSelector('#findings .rule:text-is("DF0005")');
  assert.equal(await page.inputValue('#kind'), 'dockerfile');
  assert.equal(await page.textContent('#detected'), 'Pasted: Dockerfile');

  // A policy goes to the policy pane and applies to the manifest the editor held.
  await paste(page, POD);
  await page.waitForSelector('#findings .rule:text-is("PSS001")');
  await paste(page, KYVERNO);
  await page.waitForSelector('#findings .rule:text-is("require-team/check-team")');
  assert.equal(await page.textContent('#detected'), 'Pasted: policy');
  assert.equal(await page.inputValue('#policy'), KYVERNO);
  assert.equal(await page.inputValue('#input'), POD);
  assert.equal(await page.inputValue('#kind'), 'kubernetes');
  assert.equal(await page.evaluate(() => document.querySelector('#policy-pane').open), true);
  assert.equal(await page.textContent('#policy-status'), '(applied)');
  assert.deepEqual(problems, []);
});

const RANK = ['critical', 'high', 'medium', 'low', 'info'];

test('findings by severity (critical first) or by position; rule docs scroll into view and clear', async () => {
  const { page } = await openPlayground();
  await page.selectOption('#example', 'privileged-pod');
  await page.waitForSelector('#findings li');
  const listed = () =>
    page.$$eval('#findings li', (els) =>
      els.map((e) => ({ severity: e.querySelector('.sev').textContent, where: e.querySelector('.where').textContent })),
    );
  assert.equal(await page.inputValue('#order'), 'severity');
  const bySeverity = await listed();
  assert.ok(bySeverity.length >= 3, JSON.stringify(bySeverity));
  const ranks = bySeverity.map((f) => RANK.indexOf(f.severity));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  assert.ok(new Set(ranks).size > 1, 'several severities');
  await page.selectOption('#order', 'position');
  const byPosition = await listed();
  const at = (w) => w.split(':').map(Number);
  for (let i = 1; i < byPosition.length; i++) {
    const [[l0, c0], [l1, c1]] = [at(byPosition[i - 1].where), at(byPosition[i].where)];
    assert.ok(l0 < l1 || (l0 === l1 && c0 <= c1), `${byPosition[i - 1].where} before ${byPosition[i].where}`);
  }
  const same = (list) => list.map((f) => JSON.stringify(f)).sort();
  assert.deepEqual(same(byPosition), same(bySeverity));
  assert.notDeepEqual(byPosition, bySeverity);
  await page.selectOption('#order', 'severity');

  // The docs of the clicked finding's rule are shown, scrolled into the panel's view.
  await page.locator('#findings li').last().click();
  await page.waitForSelector('#docs:not([hidden])');
  const inView = await page.evaluate(() => {
    const docs = document.querySelector('#docs').getBoundingClientRect();
    const pane = document.querySelector('aside').getBoundingClientRect();
    return docs.top >= pane.top - 1 && docs.top < pane.bottom;
  });
  assert.ok(inView, 'the docs are scrolled into view');
  // Another example: the docs are gone.
  await page.selectOption('#example', 'dockerfile-root');
  await page.waitForSelector('#findings .rule:text-is("DF0005")');
  assert.equal(await page.isHidden('#docs'), true);
  assert.equal(await page.textContent('#docs-title'), '');
});

test('a fix button applies the fix in the editor; the rescan no longer shows the finding', async () => {
  const { page, problems } = await openPlayground();
  // Other findings stay (and show their own fix buttons) after this one is fixed.
  const text = 'FROM node:latest\nMAINTAINER Jane Doe <jane@example.com>\nUSER root\nRUN apt-get install curl\n';
  await page.fill('#input', text);
  await page.waitForSelector('#findings li:has(.rule:text-is("DF0014")) button.fix');
  const before = await page.$$eval('#findings .rule', (els) => els.map((e) => e.textContent));
  await page.click('#findings li:has(.rule:text-is("DF0014")) button.fix');
  await page.waitForFunction(() => !/MAINTAINER/.test(document.querySelector('#input').value));
  const fixed = await page.inputValue('#input');
  assert.equal(
    fixed,
    text.replace('MAINTAINER Jane Doe <jane@example.com>', 'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"'),
  );
  const after = await page.$$eval('#findings .rule', (els) => els.map((e) => e.textContent));
  assert.ok(!after.includes('DF0014'), after.join());
  assert.deepEqual(after, before.filter((r) => r !== 'DF0014'));
  assert.equal((await page.textContent('#errors')).trim(), '');
  assert.ok((await page.$$('#findings button.fix')).length > 0, 'the apt-get findings have fixes too');
  // The shared URL carries the fixed text.
  assert.match(page.url(), /#kind=dockerfile&text=/);
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: join(outDir, 'playground-fix.png') });

  // A Kubernetes fix: the first fix button of the privileged Pod, in the YAML.
  await page.selectOption('#example', 'privileged-pod');
  await page.waitForSelector('#findings button.fix');
  const li = page.locator('#findings li:has(button.fix)').first();
  const rule = await li.locator('.rule').textContent();
  const count = async () => (await page.$$eval('#findings .rule', (els) => els.map((e) => e.textContent))).filter((r) => r === rule).length;
  const n = await count();
  const podBefore = await page.inputValue('#input');
  await li.locator('button.fix').click();
  await page.waitForFunction((t) => document.querySelector('#input').value !== t, podBefore);
  assert.equal(await count(), n - 1, `${rule} fixed once`);
  assert.equal((await page.textContent('#errors')).trim(), '');
  console.log(`playground: fixed DF0014 and ${rule}; screenshot ${join(outDir, 'playground-fix.png')}`);
  assert.deepEqual(problems, []);
});

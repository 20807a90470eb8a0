// Helm charts and kustomizations given as maps of file names to contents, for
// both JavaScript backends: STOCKADE_BACKEND=node|wasm node --test test/charts.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { stockade, errors } from './backend.mjs';

const DATA = fileURLToPath(new URL('../../testdata/bindings/', import.meta.url));

/** Every file under `dir` by `/`-separated relative path; bytes or texts. */
function readTree(dir, asText = false) {
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path).split(sep).join('/')] = asText ? readFileSync(path, 'utf8') : readFileSync(path);
    }
  };
  walk(dir);
  return out;
}

const originOf = (finding, role) => {
  const found = finding.origins?.find((o) => o.role === role);
  assert.ok(found, JSON.stringify(finding.origins));
  return found;
};

test('renderChart: folder (texts or Buffers) and .tgz render as helm template', () => {
  const text = stockade.renderChart(readTree(join(DATA, 'chart'), true));
  assert.ok(text.startsWith('---\n# Source: web/templates/service.yaml\n'), text);
  assert.ok(text.includes('  name: release-name-web\n'));
  assert.equal(stockade.renderChart(readTree(join(DATA, 'chart'))), text);
  const tgz = readFileSync(join(DATA, 'chart.tgz'));
  assert.equal(stockade.renderChart(tgz), text);
  assert.equal(stockade.renderChart(new Uint8Array(tgz)), text);
});

test('renderChart: options are helm template flags', () => {
  const text = stockade.renderChart(readTree(join(DATA, 'chart'), true), {
    releaseName: 'prod',
    namespace: 'shop',
    values: [{ path: 'prod-values.yaml', text: 'replicaCount: 3\n' }],
    set: ['image.tag=1.28'],
    setFile: ['service.port=port.txt'],
    setFileContents: { 'port.txt': '8080' },
    showOnly: ['templates/deployment.yaml'],
  });
  assert.ok(!text.includes('# Source: web/templates/service.yaml'));
  assert.ok(text.includes('  name: prod-web\n  namespace: shop\n'), text);
  assert.ok(text.includes('  replicas: 3\n'));
  assert.ok(text.includes('image: "nginx:1.28"'));
  // with the Service shown, the port came from setFileContents
  const all = stockade.renderChart(readTree(join(DATA, 'chart'), true), {
    setFile: ['service.port=port.txt'],
    setFileContents: { 'port.txt': '8080' },
  });
  assert.ok(all.includes('    - port: 8080\n'), all);
});

test('renderChart equals `stockade render` of the same chart', { skip: !process.env.STOCKADE_BIN && 'STOCKADE_BIN is not set' }, () => {
  const chart = fileURLToPath(new URL('../../testdata/charts/metrics-server/', import.meta.url));
  const cli = execFileSync(process.env.STOCKADE_BIN, ['render', '--no-config', chart, '--set', 'replicas=2'], {
    encoding: 'utf8',
  });
  assert.ok(cli.length > 1000);
  assert.equal(stockade.renderChart(readTree(chart), { set: ['replicas=2'] }), cli);
});

test('scanChart: a privileged value names its values.yaml line and the template', () => {
  for (const report of [
    stockade.scanChart(readTree(join(DATA, 'chart'))),
    new stockade.Engine().scanChart(readFileSync(join(DATA, 'chart.tgz'))),
  ]) {
    assert.deepEqual(report.errors, []);
    const f = report.findings.find((x) => x.rule === 'PSS001');
    assert.ok(f, report.findings.map((x) => x.rule).join());
    const value = originOf(f, 'value');
    assert.equal(value.path, 'web/values.yaml');
    assert.equal(value.start.line, 6);
    assert.equal(originOf(f, 'template').path, 'web/templates/deployment.yaml');
    assert.equal(typeof f.start.utf16Offset, 'number');
  }
  const fixed = stockade.scanChart(readTree(join(DATA, 'chart')), { set: ['securityContext.privileged=false'] });
  assert.ok(!fixed.findings.some((x) => x.rule === 'PSS001'));
  const configured = stockade.scanChart(readTree(join(DATA, 'chart')), { config: { rules: { PSS001: 'off' } } });
  assert.ok(!configured.findings.some((x) => x.rule === 'PSS001'), JSON.stringify(configured.errors));
});

test('a chart template error throws with Helm\'s message at its line', () => {
  const files = readTree(join(DATA, 'chart-bad'));
  assert.throws(
    () => stockade.renderChart(files),
    (e) => e instanceof errors.StockadeError && e.code === `STOCKADE_${e.kind.toUpperCase()}` &&
      /image\.tag is required/.test(e.message) && e.path === 'broken/templates/pod.yaml' && e.line === 8,
  );
  const report = stockade.scanChart(files);
  assert.equal(report.errors.length, 1);
  assert.match(report.errors[0].message, /image\.tag is required/);
  assert.equal(report.errors[0].line, 8);
});

test('bad chart input throws typed errors', () => {
  assert.throws(() => stockade.renderChart(new Uint8Array([0x1f, 0x8b, 1, 2, 3])), (e) => e instanceof errors.StockadeError && typeof e.code === 'string');
  assert.throws(() => stockade.renderChart({ 'Chart.yaml': 3 }), (e) => e instanceof Error);
  assert.throws(() => stockade.renderChart({}), (e) => e instanceof errors.StockadeError);
});

test('buildKustomization prints what kubectl kustomize prints', () => {
  const files = readTree(join(DATA, 'kustomize'), true);
  const text = stockade.buildKustomization(files, 'overlay');
  assert.ok(text.includes('  name: prod-api\n'), text);
  assert.equal(stockade.buildKustomization(readTree(join(DATA, 'kustomize')), './overlay/'), text);
  let oracle = null;
  try {
    oracle = execFileSync('kubectl', ['kustomize', join(DATA, 'kustomize/overlay')], { encoding: 'utf8' });
  } catch {
    // kubectl is absent: the text checks above stand alone
  }
  if (oracle !== null) assert.equal(text, oracle);
});

test('scanKustomization: a privileged patch names the patch line', () => {
  const files = readTree(join(DATA, 'kustomize'), true);
  for (const report of [stockade.scanKustomization(files, 'overlay'), new stockade.Engine().scanKustomization(files, 'overlay')]) {
    assert.deepEqual(report.errors, []);
    const f = report.findings.find((x) => x.rule === 'PSS001');
    assert.ok(f, report.findings.map((x) => x.rule).join());
    assert.equal(f.path, 'overlay/kustomization.yaml#build');
    const patch = originOf(f, 'patch');
    assert.equal(patch.path, 'overlay/privileged.yaml');
    assert.equal(patch.start.line, 11);
  }
});

test('a kustomization build error throws, and is the report\'s error when scanned', () => {
  const files = readTree(join(DATA, 'kustomize'), true);
  files['overlay/kustomization.yaml'] += '  - path: missing-patch.yaml\n';
  assert.throws(
    () => stockade.buildKustomization(files, 'overlay'),
    (e) => e instanceof errors.StockadeError && /missing-patch\.yaml/.test(e.message) && e.code.startsWith('STOCKADE_'),
  );
  const report = stockade.scanKustomization(files, 'overlay');
  assert.deepEqual(report.findings, []);
  assert.equal(report.errors.length, 1);
  assert.match(report.errors[0].message, /missing-patch\.yaml/);
});

// The cross-binding table (testdata/bindings/table/calls.json) through the
// backend named by STOCKADE_BACKEND (the Node addon or the WebAssembly build).
// Each call's result is normalised as bindings-python/tests/test_table.py
// normalises Python's and, when STOCKADE_TABLE_OUT is set, written there for
// test/table-compare.test.mjs (scripts/test-bindings.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { stockade, backendName } from './backend.mjs';

const DATA = fileURLToPath(new URL('../../testdata/bindings/', import.meta.url));
const TABLE = JSON.parse(readFileSync(join(DATA, 'table', 'calls.json'), 'utf8'));

const snake = (key) => key.replace(/(?<=[a-z0-9])([A-Z])/g, (_, c) => `_${c.toLowerCase()}`);

/** snake_case keys; no null/undefined values and no empty lists, at any depth. */
export function clean(value) {
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const c = clean(v);
      if (c === null || c === undefined || (Array.isArray(c) && c.length === 0)) continue;
      out[snake(k)] = c;
    }
    return out;
  }
  return value;
}

const ERROR_FIELDS = ['kind', 'code', 'path', 'message', 'document', 'line', 'column', 'start', 'end'];
function error(e, named) {
  const out = Object.fromEntries(ERROR_FIELDS.map((k) => [k, e[k]]));
  if (named) {
    out.name = e.name;
    out.errors = (e.errors ?? []).map((x) => error(x, false));
  }
  return out;
}

function normal(result) {
  if (result && typeof result === 'object' && 'findings' in result && 'summary' in result) {
    const { version, findings, suppressed, errors, summary } = result;
    return clean({ version, findings, suppressed, errors: errors.map((e) => error(e, false)), summary });
  }
  return clean(result ?? null);
}

function readTree(dir) {
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path).split(sep).join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function arg(spec) {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return spec;
  if ('text' in spec) return readFileSync(join(DATA, spec.text), 'utf8');
  if ('bytes' in spec) return new Uint8Array(readFileSync(join(DATA, spec.bytes)));
  if ('sources' in spec) return spec.sources.map((p) => ({ path: p, text: readFileSync(join(DATA, p), 'utf8') }));
  return readTree(join(DATA, spec.files));
}

function call(c) {
  const a = Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'name' && k !== 'call').map(([k, v]) => [k, arg(v)]));
  switch (c.call) {
    case 'scan':
      return stockade.scan(a.text, { path: a.path, kind: a.kind });
    case 'scan_texts':
      return new stockade.Engine().scanTexts(a.sources, a.kind);
    case 'engine_scan':
      return new stockade.Engine(null, { policies: a.policies }).scan(a.text, { path: a.path });
    case 'netpol_explain':
      return stockade.netpolExplain(a.sources, a.src, a.dst, a.port);
    case 'render_chart':
      return stockade.renderChart(a.chart, a.set ? { set: a.set } : undefined);
    case 'scan_chart':
      return stockade.scanChart(a.chart);
    case 'build_kustomization':
      return stockade.buildKustomization(a.files, a.dir);
    case 'scan_kustomization':
      return stockade.scanKustomization(a.files, a.dir);
    case 'detect_kind':
      return stockade.detectKind(a.text, a.path);
    default:
      throw new Error(`unknown call ${c.call}`);
  }
}

function run(c) {
  try {
    return { ok: normal(call(c)) };
  } catch (e) {
    if (!(e instanceof stockade.StockadeError)) throw e;
    return { error: clean(error(e, true)) };
  }
}

test(`the table runs through ${backendName}`, () => {
  const results = Object.fromEntries(TABLE.calls.map((c) => [c.name, run(c)]));
  for (const [name, result] of Object.entries(results)) {
    assert.equal('error' in result, name.startsWith('error:'), `${name}: ${JSON.stringify(result).slice(0, 300)}`);
  }
  assert.deepEqual(results['detect the kind of a policy'], { ok: 'policy' });
  const dockerfile = results['scan a Dockerfile text (UTF-16 positions past an emoji, a fix)'].ok;
  assert.ok(dockerfile.findings.some((f) => f.start.utf16_column !== f.start.column));
  assert.ok(dockerfile.findings.some((f) => f.fix));
  // The old name answers as the new one.
  const sources = [{ path: 'Dockerfile', text: 'FROM node:latest\n' }];
  const engine = new stockade.Engine();
  assert.deepEqual(engine.scanBatch(sources), engine.scanTexts(sources));
  const out = process.env.STOCKADE_TABLE_OUT;
  if (out) writeFileSync(out, JSON.stringify(results, null, 1));
  console.log(`table: ${Object.keys(results).length} calls through ${backendName}`);
});

// The cross-binding check: the table of testdata/bindings/table/calls.json gave
// the same normalised results through Python, the Node addon and the WebAssembly
// build (each saved them into STOCKADE_DOORS_DIR; see scripts/test-bindings.sh).
// Differences are listed field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.STOCKADE_DOORS_DIR;

/** Every leaf path where `a` and `b` differ, with both values. */
function differences(a, b, path = '') {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const objects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!objects) return [`${path || '.'}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => differences(a[k], b[k], `${path}${Array.isArray(a) ? `[${k}]` : `.${k}`}`));
}

test('Python, Node and WebAssembly give the same results for the table', { skip: !dir && 'STOCKADE_DOORS_DIR is not set' }, () => {
  const read = (name) => JSON.parse(readFileSync(join(dir, `table-${name}.json`), 'utf8'));
  const [python, node, wasm] = ['python', 'node', 'wasm'].map(read);
  const diffs = [];
  let fields = 0;
  const count = (v) => (v && typeof v === 'object' ? Object.values(v).reduce((n, x) => n + count(x), 0) : 1);
  for (const name of Object.keys(python)) {
    fields += count(python[name]);
    for (const [door, results] of [['node', node], ['wasm', wasm]]) {
      for (const d of differences(python[name], results[name])) diffs.push(`${name} (python vs ${door}) ${d}`);
    }
  }
  assert.deepEqual(Object.keys(node).sort(), Object.keys(python).sort());
  assert.deepEqual(Object.keys(wasm).sort(), Object.keys(python).sort());
  assert.deepEqual(diffs, []);
  console.log(`table: ${Object.keys(python).length} calls, ${fields} fields, the same through Python, Node and WebAssembly`);
});

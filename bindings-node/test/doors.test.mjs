// The cross-door check: the same bad Dockerfile gives the same findings through
// the Rust API (JSON), Python, the Node addon and the WebAssembly build. Each door
// saved its findings into STOCKADE_DOORS_DIR (see scripts/test-bindings.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { comparable } from './backend.mjs';

const dir = process.env.STOCKADE_DOORS_DIR;

test('the four doors agree', { skip: !dir && 'STOCKADE_DOORS_DIR is not set' }, () => {
  const read = (name) => comparable(JSON.parse(readFileSync(join(dir, name), 'utf8')));
  const rust = comparable(JSON.parse(readFileSync(join(dir, 'rust.json'), 'utf8')).findings);
  assert.ok(rust.length >= 3, `the Rust door found ${rust.length} findings`);
  for (const door of ['python.json', 'node.json', 'wasm.json']) {
    assert.deepEqual(read(door), rust, door);
  }
  console.log(`four doors agree on ${rust.length} findings: ${rust.map((f) => f.rule).join(' ')}`);
});

// One suite for both JavaScript backends: STOCKADE_BACKEND=node|wasm node --test test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { stockade, errors, backendName, saveDoor } from './backend.mjs';

const BAD = 'FROM node:latest\nUSER root\nRUN curl http://x | sh\n';
const GOOD = 'FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD true\n';
const hasDockerfileRules = stockade.rules().some((r) => r.pack === 'dockerfile');
const needsRules = { skip: !hasDockerfileRules && 'no Dockerfile rules in this build' };
const nodeOnly = { skip: backendName === 'wasm' && 'no file system in the WebAssembly build' };
const asyncOnly = { skip: backendName === 'wasm' && 'no worker threads (async scans) in the WebAssembly build' };

test(`backend ${backendName} loads`, () => {
  assert.equal(typeof stockade.scan, 'function');
  assert.match(stockade.version(), /^\d+\.\d+\.\d+/);
  assert.equal(stockade.VERSION, stockade.version());
});

test('scan returns the report shape', () => {
  const report = stockade.scan(GOOD, { path: 'Dockerfile' });
  assert.deepEqual(Object.keys(report).sort(), ['errors', 'findings', 'summary', 'suppressed', 'version']);
  assert.deepEqual(report.errors, []);
  assert.equal(report.summary.files, 1);
  assert.equal(report.summary.documents, 1);
  assert.deepEqual(report.summary.kinds, { Dockerfile: 1 });
  assert.equal(report.version, stockade.version());
});

test('a bad Dockerfile gives positioned findings', needsRules, () => {
  const report = stockade.scan(BAD, { path: 'Dockerfile' });
  assert.ok(report.findings.length > 0);
  const latest = report.findings.find((f) => f.aliases.includes('DL3007'));
  assert.ok(latest, report.findings.map((f) => f.rule).join());
  assert.equal(latest.start.line, 1);
  assert.ok('node:latest'.includes(BAD.slice(latest.start.utf16Offset, latest.end.utf16Offset)));
  assert.equal(latest.start.utf16Column, latest.start.column); // ASCII text
  if (process.env.STOCKADE_DOOR_OUT) saveDoor(process.env.STOCKADE_DOOR_OUT, report.findings);
});

test('UTF-16 positions index JavaScript strings past astral characters', needsRules, () => {
  const text = '# 😀 héllo\nFROM node:latest\n';
  const [f] = stockade.scan(text, { path: 'Dockerfile' }).findings.filter((f) => f.aliases.includes('DL3007'));
  assert.ok(f);
  const bytes = Buffer.from(text, 'utf8');
  const byByte = bytes.subarray(f.start.offset, f.end.offset).toString('utf8');
  assert.equal(text.slice(f.start.utf16Offset, f.end.utf16Offset), byByte);
  assert.notEqual(f.start.utf16Offset, f.start.offset);
  assert.equal(f.start.line, 2);
});

test('kind overrides detection; an unknown kind throws a ConfigError', () => {
  assert.deepEqual(stockade.scan(GOOD, { path: 'build.txt', kind: 'dockerfile' }).errors, []);
  assert.throws(
    () => stockade.scan(GOOD, { kind: 'makefile' }),
    (e) => e instanceof errors.ConfigError && e instanceof errors.StockadeError && e instanceof Error &&
      e.code === 'STOCKADE_CONFIG' && e.name === 'ConfigError' && /makefile/.test(e.message),
  );
});

test('undetectable input is an error in the report', () => {
  const report = stockade.scan('hello', { path: 'notes.txt' });
  assert.deepEqual(report.findings, []);
  assert.equal(report.errors.length, 1);
  const [e] = report.errors;
  assert.equal(e.kind, 'unsupported');
  assert.equal(e.code, 'STOCKADE_UNSUPPORTED');
  assert.equal(e.path, 'notes.txt');
  assert.equal(e.line ?? null, null);
});

test('a bad configuration throws a located error', () => {
  assert.throws(
    () => new stockade.Engine('nonsense: [1, 2\n'),
    (e) => (e instanceof errors.ConfigError || e instanceof errors.ParseError) &&
      e.path === 'stockade.yaml' && e.line >= 1 && e.column >= 1 && e.code.startsWith('STOCKADE_'),
  );
  assert.throws(() => stockade.scan(GOOD, { config: { nonsense: true } }), errors.ConfigError);
  // An object's errors are named by key, not by a line of its JSON text.
  assert.throws(
    () => stockade.scan(GOOD, { config: { rules: { DF0001: 'loud' } } }),
    (e) => e instanceof errors.ConfigError && e.path === 'config["rules"]["DF0001"]' && (e.line ?? null) === null,
  );
});

test('an empty configuration object is the default', () => {
  assert.deepEqual(new stockade.Engine({}).scan(BAD, { path: 'Dockerfile' }), stockade.scan(BAD, { path: 'Dockerfile' }));
});

test('scanTexts scans several texts into one report', () => {
  const engine = new stockade.Engine();
  const report = engine.scanTexts([
    { path: 'a/Dockerfile', text: GOOD },
    { path: 'b/Dockerfile', text: BAD },
  ]);
  assert.equal(report.summary.files, 2);
  assert.equal(report.summary.documents, 2);
  assert.ok(report.findings.length > 0);
  assert.ok(report.findings.every((f) => f.path === 'b/Dockerfile'));
});

test('scanFiles and scanFilesAsync read files; unreadable ones are io errors', nodeOnly, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stockade-'));
  const good = join(dir, 'Dockerfile');
  writeFileSync(good, BAD);
  const missing = join(dir, 'missing', 'Dockerfile');
  const engine = new stockade.Engine();
  const sync = engine.scanFiles([good, missing]);
  assert.equal(sync.summary.files, 2);
  assert.equal(sync.errors.length, 1);
  assert.equal(sync.errors[0].kind, 'io');
  assert.equal(sync.errors[0].path, missing);
  const pending = engine.scanFilesAsync([good, missing]);
  assert.ok(pending instanceof Promise);
  assert.deepEqual(await pending, sync);
  if (hasDockerfileRules) assert.equal(typeof sync.findings[0].start.utf16Offset, 'number');
});

test('scanAsync works off the main thread and gives what scan gives', asyncOnly, async () => {
  const engine = new stockade.Engine();
  const pending = engine.scanAsync(BAD, { path: 'Dockerfile' });
  assert.ok(pending instanceof Promise);
  assert.deepEqual(await pending, engine.scan(BAD, { path: 'Dockerfile' }));
  assert.deepEqual(await stockade.scanAsync(BAD, { path: 'Dockerfile' }), stockade.scan(BAD, { path: 'Dockerfile' }));
  const signal = new AbortController().signal; // never aborted
  assert.deepEqual(await engine.scanAsync(BAD, { path: 'Dockerfile' }, signal), engine.scan(BAD, { path: 'Dockerfile' }));
  // a bad argument throws at the call, as in scan
  assert.throws(() => stockade.scanAsync(BAD, { kind: 'makefile' }), errors.ConfigError);
});

test('an AbortSignal rejects scanAsync and scanFilesAsync with an AbortError', asyncOnly, async () => {
  const engine = new stockade.Engine();
  const isAbort = (reason) => (e) =>
    e instanceof Error && e.name === 'AbortError' && e.code === 'ABORT_ERR' && e.cause === reason;
  // aborted before the call: the work is skipped
  const before = new AbortController();
  before.abort('stale');
  await assert.rejects(engine.scanAsync(BAD, { path: 'Dockerfile' }, before.signal), isAbort('stale'));
  await assert.rejects(stockade.scanAsync(BAD, { path: 'Dockerfile' }, before.signal), isAbort('stale'));
  await assert.rejects(engine.scanFilesAsync(['Dockerfile'], null, before.signal), isAbort('stale'));
  // aborted while the work is pending: the result is dropped
  const during = new AbortController();
  const pending = engine.scanFilesAsync(['Dockerfile'], 'dockerfile', during.signal);
  during.abort('user');
  await assert.rejects(pending, isAbort('user'));
  const text = engine.scanAsync(BAD, null, during.signal);
  await assert.rejects(text, isAbort('user'));
});

test('rules and explain', () => {
  const rules = stockade.rules();
  const ids = rules.map((r) => r.id);
  assert.ok(ids.includes('ST0001'));
  assert.deepEqual(ids, [...ids].sort());
  for (const r of rules) assert.match(r.docs, /## What it does/, r.id);
  const st = stockade.explain('st0001');
  assert.equal(st.id, 'ST0001');
  assert.deepEqual(stockade.explain('unused-suppression'), st);
  assert.equal(st.defaultEnabled, true);
  assert.equal(stockade.explain('NOPE9999'), null);
});

test('the error classes are exported by name', () => {
  for (const [name, value] of Object.entries(errors)) {
    if (name !== 'create') assert.equal(stockade[name], value, name);
  }
  const e = new stockade.ParseError('bad', { kind: 'parse', code: 'STOCKADE_PARSE' });
  assert.ok(e instanceof stockade.StockadeError && e instanceof Error && e.name === 'ParseError');
});

test('absent values are left out of results (both backends)', () => {
  const [e] = stockade.scan('hello', { path: 'notes.txt' }).errors;
  assert.deepEqual(Object.keys(e).sort(), ['code', 'kind', 'message', 'path']);
});

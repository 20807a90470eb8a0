// Policies, gator suites, Kyverno tests and NetworkPolicy analysis, for both
// JavaScript backends: STOCKADE_BACKEND=node|wasm node --test test/policies.test.mjs
// Files are read here and passed as texts (the WebAssembly build has no file system).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { stockade, errors } from './backend.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'core/stockade/tests/fixtures');
const DATA = join(ROOT, 'testdata/bindings');
const read = (...p) => readFileSync(join(...p), 'utf8');
const source = (path, ...p) => ({ path, text: read(...p) });
/** `folder/file → text` for every file of these fixture folders. */
const files = (base, ...folders) =>
  Object.fromEntries(
    folders.flatMap((f) => readdirSync(join(base, f)).map((name) => [`${f}/${name}`, read(base, f, name)])),
  );

const TEMPLATE = source('template.yaml', FIXTURES, 'rego/suite/template.yaml');
const CONSTRAINT = source('constraint.yaml', FIXTURES, 'rego/suite/constraint.yaml');
const NAMESPACE = source('namespace.yaml', FIXTURES, 'rego/suite/namespace-prod.yaml');
const POD = read(FIXTURES, 'rego/suite/pod-without-team.yaml');
const POD_WITH_TEAM = read(FIXTURES, 'rego/suite/pod-with-team.yaml');
const NETPOL = [source('netpol.yaml', DATA, 'netpol.yaml')];
const NETPOL_AFTER = [source('netpol.yaml', DATA, 'netpol-after.yaml')];

test('a Gatekeeper template and constraint give a finding', () => {
  const engine = new stockade.Engine(null, { policies: [TEMPLATE, CONSTRAINT], inventory: [NAMESPACE] });
  const found = engine.scan(POD, { path: 'pod.yaml' }).findings.filter((f) => f.rule === 'K8sRequiredTeam/pods-need-team');
  assert.deepEqual(
    found.map((f) => [f.message, f.severity, f.start.line, f.start.utf16Column]),
    [['Pod web has no team label', 'high', 4, 9]],
  );
  const clean = engine.scan(POD_WITH_TEAM, { path: 'pod.yaml' }).findings;
  assert.equal(clean.filter((f) => f.rule.startsWith('K8sRequiredTeam/')).length, 0);
});

test('a Kyverno policy gives a finding', () => {
  const engine = new stockade.Engine(null, { policies: [source('kyverno.yaml', DATA, 'kyverno-policy.yaml')] });
  const found = engine.scan(POD, { path: 'pod.yaml' }).findings.filter((f) => f.rule === 'require-team/check-team');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /label team is required/);
  const clean = engine.scan(POD_WITH_TEAM, { path: 'pod.yaml' }).findings;
  assert.equal(clean.filter((f) => f.rule === 'require-team/check-team').length, 0);
});

test('a Rego syntax error throws a positioned PolicyError', () => {
  // A non-ASCII comment before the error: UTF-16 columns differ from code points.
  const text = read(DATA, 'bad-template.yaml').replace('package k8sbroken', 'package k8sbroken # 😀');
  assert.throws(
    () => new stockade.Engine(null, { policies: [{ path: 'bad-template.yaml', text }] }),
    (e) => {
      assert.ok(e instanceof errors.PolicyError && e instanceof errors.StockadeError && e instanceof Error);
      assert.equal(e.name, 'PolicyError');
      assert.equal(e.code, 'STOCKADE_POLICY');
      assert.equal(e.kind, 'policy');
      assert.equal(e.path, 'bad-template.yaml');
      assert.equal(e.line, 16);
      assert.ok(e.column > 1);
      assert.equal(e.start.line, 16);
      assert.equal(e.start.utf16Column, e.column); // the error's line is ASCII
      assert.equal(typeof e.start.utf16Offset, 'number');
      assert.equal(text.slice(0, e.start.utf16Offset).split('\n').length, 16);
      assert.equal(e.errors.length >= 1, true);
      assert.equal(e.errors[0].line, 16);
      return true;
    },
  );
});

test('a conftest module syntax error throws a PolicyError; a constraint without template too', () => {
  assert.throws(
    () => new stockade.Engine(null, { policies: [source('bad.rego', DATA, 'bad.rego')] }),
    (e) => e instanceof errors.PolicyError && e.path === 'bad.rego' && e.line === 4 && e.column === 7,
  );
  assert.throws(
    () => new stockade.Engine(null, { policies: [CONSTRAINT] }),
    (e) => e instanceof errors.PolicyError && /no ConstraintTemplate defines kind K8sRequiredTeam/.test(e.message),
  );
});

test('verifySuite runs a gator suite from texts', () => {
  const result = stockade.verifySuite('suite/suite.yaml', { files: files(join(FIXTURES, 'rego'), 'suite'), verbose: true });
  assert.equal(result.ok, true);
  assert.equal(result.passed, result.total);
  assert.ok(result.total >= 4);
  assert.equal(result.suites.length, 1);
  const team = result.suites[0].tests.find((t) => t.name === 'team-label');
  assert.deepEqual(team.cases.slice(0, 4).map((c) => [c.name, c.error]), [
    ['missing-team', null],
    ['with-team', null],
    ['unknown-namespace-auto-rejects', null],
    ['admission-review', null],
  ]);
  assert.match(result.text, /--- PASS: missing-team/);
  assert.match(result.text, /PASS\n$/);
});

test('verifySuite reports a failing case and a missing file', () => {
  const all = files(join(FIXTURES, 'rego'), 'suite', 'failing');
  const failing = stockade.verifySuite('failing/suite.yaml', { files: all });
  assert.equal(failing.ok, false);
  assert.deepEqual([failing.passed, failing.total], [0, 1]);
  const [c] = failing.suites[0].tests[0].cases;
  assert.equal(c.name, 'expects-none');
  assert.ok(c.error);
  assert.match(failing.text, /FAIL\n$/);
  const missing = stockade.verifySuite('nowhere/suite.yaml', { files: all });
  assert.equal(missing.ok, false);
  assert.match(missing.suites[0].error, /no such file/);
});

test('kyvernoTest runs a kyverno-test.yaml from texts', () => {
  const run = stockade.kyvernoTest('suite/kyverno-test.yaml', { files: files(join(FIXTURES, 'kyverno'), 'suite') });
  assert.equal(run.name, 'require-limits');
  assert.equal(run.error, null);
  assert.equal(run.passed, true);
  const rows = run.rows.map((r) => [r.resource, r.expected, r.actual, r.ok]);
  assert.ok(rows.some((r) => JSON.stringify(r) === '["small","pass","pass",true]'), JSON.stringify(rows));
  assert.ok(rows.some((r) => JSON.stringify(r) === '["big","fail","fail",true]'), JSON.stringify(rows));
});

const CONNLIST =
  '0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections\n' +
  'shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections\n' +
  'shop/web[Deployment] => shop/db[Deployment] : TCP 5432\n';

test('netpolConnectivity gives the connection list, structured and rendered', () => {
  const result = stockade.netpolConnectivity(NETPOL);
  assert.deepEqual(result.workloads, ['shop/db[Deployment]', 'shop/web[Deployment]']);
  assert.equal(result.output, CONNLIST);
  assert.equal(result.connections.length, 3);
  assert.deepEqual(result.connections[2], {
    src: { name: 'shop/web[Deployment]', external: false },
    dst: { name: 'shop/db[Deployment]', external: false },
    conns: 'TCP 5432',
  });
  assert.match(stockade.netpolConnectivity(NETPOL, 'csv').output, /shop\/web\[Deployment\],shop\/db\[Deployment\],TCP 5432/);
  assert.match(stockade.netpolConnectivity(NETPOL, 'dot').output, /^digraph/);
  assert.throws(() => stockade.netpolConnectivity(NETPOL, 'xml'), (e) => e instanceof errors.ConfigError);
});

test('netpolExplain gives the verdict and the policies that decide it', () => {
  const yes = stockade.netpolExplain(NETPOL, 'shop/web', 'shop/db', '5432/TCP');
  assert.deepEqual([yes.verdict, yes.allowed, yes.query], [true, 'TCP 5432', '5432/TCP']);
  assert.equal(yes.egress.isolated, false);
  assert.equal(yes.ingress.isolated, true);
  assert.deepEqual(yes.ingress.policies.map((p) => p.policy), ['shop/db-ingress']);
  assert.match(yes.text, /shop\/db-ingress/);
  assert.equal(stockade.netpolExplain(NETPOL, 'shop/web', 'shop/db', '80').verdict, false);
  assert.equal(stockade.netpolExplain(NETPOL, 'shop/db', 'shop/web').verdict, false);
  assert.throws(() => stockade.netpolExplain(NETPOL, 'shop/nowhere', 'shop/db'), (e) => e instanceof errors.ConfigError);
});

test('netpolDiff gives the changed connections', () => {
  const result = stockade.netpolDiff(NETPOL, NETPOL_AFTER);
  assert.deepEqual(result.changes, [
    {
      kind: 'changed',
      src: 'shop/web[Deployment]',
      dst: 'shop/db[Deployment]',
      before: 'TCP 5432',
      after: 'TCP 6432',
      opened: 'TCP 6432',
      closed: 'TCP 5432',
    },
  ]);
  assert.match(result.output, /shop\/web\[Deployment\]/);
});

// The ES module entry exports every runtime export of the addon and every value
// its declarations promise, as the same objects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import * as esm from "../index.mjs";
import { PolicyError, StockadeError, scan } from "../index.mjs";

const require = createRequire(import.meta.url);
const cjs = require("../index.js");

test("named imports of the error classes work", () => {
  assert.equal(typeof PolicyError, "function");
  assert.ok(PolicyError.prototype instanceof StockadeError);
  assert.ok(scan("FROM node:latest\n", { path: "Dockerfile" }).findings.length > 0);
});

test("every runtime export is a named export, the same object", () => {
  for (const name of Object.keys(cjs).filter((n) => !n.startsWith("__"))) {
    assert.ok(name in esm, `${name} is not exported by index.mjs`);
    assert.equal(esm[name], cjs[name], name);
  }
});

test("every value index.d.ts declares is exported", () => {
  const dts = readFileSync(new URL("../index.d.ts", import.meta.url), "utf8");
  const names = [...dts.matchAll(/^export declare (?:function|class|const) ([A-Za-z_][A-Za-z0-9_]*)/gm)]
    .map((m) => m[1])
    .filter((n) => !n.startsWith("__"));
  assert.ok(names.length > 10);
  for (const name of names) {
    assert.notEqual(esm[name], undefined, `${name} is declared but not exported by index.mjs`);
  }
});

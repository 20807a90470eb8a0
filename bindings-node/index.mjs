// ES module entry: every export of the CommonJS addon loader (index.js) as a
// named export, so `import { PolicyError, scan } from "@stockade/node"` works.
// Node's CommonJS named-export detection cannot see exports the addon adds at
// load time (the error classes), so they are listed here;
// test/esm.test.mjs checks the list against index.js and index.d.ts.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const binding = require("./index.js");

export const {
  Engine,
  buildKustomization,
  detectKind,
  errorClasses,
  explain,
  kyvernoTest,
  netpolConnectivity,
  netpolDiff,
  netpolExplain,
  renderChart,
  rules,
  scan,
  scanAsync,
  scanChart,
  scanKustomization,
  verifySuite,
  version,
  VERSION,
  StockadeError,
  ParseError,
  ConfigError,
  PolicyError,
  LimitError,
  ReadError,
  UnsupportedError,
} = binding;

export default binding;

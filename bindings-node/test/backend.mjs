// Loads the Stockade JavaScript API from the backend named by STOCKADE_BACKEND:
// `node` (the native addon, default) or `wasm` (the WebAssembly build for Node).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
export const backendName = process.env.STOCKADE_BACKEND ?? 'node';
export const stockade =
  backendName === 'wasm'
    ? require('../../bindings-wasm/pkg/node/stockade_wasm.js')
    : require('../index.js');
export const errors = stockade.errorClasses();

/** The fields every door (Rust, Python, Node, WebAssembly) reports, in the JSON shape. */
export function comparable(findings) {
  const pos = (p) => ({ line: p.line, column: p.column, offset: p.offset });
  return findings.map((f) => ({
    rule: f.rule,
    aliases: f.aliases,
    severity: f.severity,
    category: f.category,
    title: f.title,
    message: f.message,
    remediation: f.remediation,
    help: f.help,
    path: f.path,
    document: f.document,
    object: f.object ?? null,
    pointer: f.pointer ?? null,
    start: pos(f.start),
    end: pos(f.end),
  }));
}

/** Save this door's findings for the cross-door check (scripts/test-bindings.sh). */
export function saveDoor(file, findings) {
  writeFileSync(file, JSON.stringify(comparable(findings), null, 1));
}

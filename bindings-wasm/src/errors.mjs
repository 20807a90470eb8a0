// Stockade's error classes for the WebAssembly build, as an ES module that
// wasm-bindgen ships beside the glue (no eval, no `new Function`: strict
// Content-Security-Policy pages work). The twin of bindings-node/src/errors.js:
// both define the classes once per JavaScript realm under the same key, so the
// native addon and the WebAssembly build throw instances of the same classes.
export function errorClasses() {
  const key = Symbol.for('stockade.errors');
  if (globalThis[key]) return globalThis[key];
  class StockadeError extends Error {
    constructor(message, info) {
      super(message);
      Object.assign(this, info);
    }
    get name() {
      return this.constructor.name;
    }
  }
  class ParseError extends StockadeError {}
  class ConfigError extends StockadeError {}
  class PolicyError extends StockadeError {}
  class LimitError extends StockadeError {}
  class ReadError extends StockadeError {}
  class UnsupportedError extends StockadeError {}
  const byKind = {
    parse: ParseError,
    config: ConfigError,
    policy: PolicyError,
    limit: LimitError,
    io: ReadError,
    unsupported: UnsupportedError,
  };
  const create = (message, info) => new (byKind[info.kind] || StockadeError)(message, info);
  const classes = Object.freeze({
    StockadeError, ParseError, ConfigError, PolicyError, LimitError, ReadError, UnsupportedError, create,
  });
  Object.defineProperty(globalThis, key, { value: classes });
  return classes;
}

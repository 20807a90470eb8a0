// Stockade's error classes: the one definition for both JavaScript packages.
// - The WebAssembly build ships this ES module beside its glue (a wasm-bindgen
//   module snippet: no eval, no `new Function`, so strict Content-Security-Policy
//   pages work) and re-exports the classes by name.
// - The Node addon compiles it in as a classic script (bindings-node/build.rs
//   drops the `export` keywords and calls `errorClasses()`) and evaluates it once
//   per realm.
// Both define the classes once per JavaScript realm under the same key, so the
// native addon and the WebAssembly build throw instances of the same classes.
// The class names and kinds are `stockade::wire::ERROR_CLASSES`, which the
// TypeScript declarations are generated from.
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
export const {
  StockadeError, ParseError, ConfigError, PolicyError, LimitError, ReadError, UnsupportedError,
} = errorClasses();

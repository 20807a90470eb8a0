// Evaluated by the addon (napi_run_script): defines Stockade's error classes once
// per JavaScript realm and returns them with a factory the addon throws through.
(() => {
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
})()

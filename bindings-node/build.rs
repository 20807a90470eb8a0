//! napi's build setup, and the error classes as a classic script: the addon
//! evaluates `$OUT_DIR/errors.js` (`napi_run_script` takes no ES module), made here
//! from the one definition both packages use, `bindings-wasm/src/errors.mjs`.

use std::error::Error;
use std::path::Path;

const MODULE: &str = "../bindings-wasm/src/errors.mjs";

fn main() -> Result<(), Box<dyn Error>> {
    napi_build::setup();
    println!("cargo:rerun-if-changed={MODULE}");
    let module = std::fs::read_to_string(MODULE)?;
    if !module.contains("\nexport function errorClasses()") {
        return Err(format!("{MODULE} no longer exports `function errorClasses()`").into());
    }
    // `export function f` → `function f`, `export const {…} = …` → `const {…} = …`,
    // inside a function whose value is the classes.
    let body: Vec<&str> = module
        .lines()
        .map(|line| line.strip_prefix("export ").unwrap_or(line))
        .collect();
    let script = format!(
        "// Made by bindings-node/build.rs from bindings-wasm/src/errors.mjs.\n\
         (() => {{\n{}\nreturn errorClasses();\n}})()\n",
        body.join("\n")
    );
    let out = std::env::var("OUT_DIR")?;
    std::fs::write(Path::new(&out).join("errors.js"), script)?;
    Ok(())
}

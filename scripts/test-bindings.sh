#!/usr/bin/env bash
# Builds and tests the Python, Node and WebAssembly bindings and the browser
# playground, installing what it needs first (idempotent; safe to rerun):
#   rustup target wasm32-unknown-unknown, wasm-bindgen-cli (the version in
#   Cargo.lock), Debian chromium (only when /usr/bin/chromium is missing), a venv
#   with maturin/pytest/mypy, npm packages (@napi-rs/cli, playwright-core, binaryen,
#   typescript), cargo-about (scripts/notices.sh installs it when missing).
# Checks first that the third-party license notices shipped in the packages are current
# (scripts/notices.sh --check), and that each package carries LICENSE and the notices;
# that the generated TypeScript declarations are current (regenerated from
# `stockade::wire` by `cargo run -p stockade-dts`, and napi's index.d.ts), and that
# one usage type-checks against both JavaScript packages. Then checks that one bad
# Dockerfile gives the same findings through the four doors: Rust (JSON), Python,
# the Node addon and the WebAssembly build, and that one table of calls
# (testdata/bindings/table/calls.json) gives the same normalised results through
# Python, the Node addon and the WebAssembly build, field by field.
#
# Usage: scripts/test-bindings.sh        (from anywhere; CARGO_TARGET_DIR is honoured)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# napi always builds for the explicit host triple; maturin and the Rust door use the
# same one so that compiled dependencies are shared.
HOST=x86_64-unknown-linux-gnu
WORK="$CARGO_TARGET_DIR/bindings"
DOORS="$WORK/doors"
mkdir -p "$WORK" "$DOORS"
rm -f "$DOORS"/table-*.json
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() {
  printf '+ %s\n' "$*"
  "$@"
}
# Generated files are checked in: fails, saying what to run, when one of `files`
# differs from git after it was regenerated.
stale() { # files... command
  local how=${*: -1}
  if ! run git diff --exit-code -- "${@:1:$#-1}"; then
    printf '\n%s: stale; run `%s` and commit the result.\n' "${*:1:$#-1}" "$how" >&2
    exit 1
  fi
}
declare -A TIMES
timer_start() { T0=$SECONDS; }
timer_stop() { TIMES[$1]=$((SECONDS - T0)); }
size() { stat -c %s "$1"; }
gz() { gzip -9c "$1" | wc -c; }

# The same bad Dockerfile for every door (the JS and Python suites use this text too).
BAD=$'FROM node:latest\nUSER root\nRUN curl http://x | sh\n'

# ---------------------------------------------------------------------------
step "Tools"
timer_start
node_major=$(node -p 'process.versions.node.split(".").map(Number).reduce((a, b, i) => i < 2 ? a * 1000 + b : a)')
if ((node_major < 20017)); then
  echo "Node >= 20.17 is required (found $(node --version))" >&2
  exit 1
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  run rustup target add wasm32-unknown-unknown
fi
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if [[ -z "$WB_VERSION" ]]; then
  echo "wasm-bindgen is not in Cargo.lock" >&2
  exit 1
fi
if [[ "$("$HOME/.cargo/bin/wasm-bindgen" --version 2>/dev/null || true)" != "wasm-bindgen $WB_VERSION" ]]; then
  # Not --locked: the CLI's own lockfile pins a crate version the registry no longer serves.
  run cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi
if [[ ! -x /usr/bin/chromium ]]; then
  run apt-get update
  run apt-get install -y chromium
fi
if [[ ! -x "$WORK/venv/bin/python" ]]; then
  run python3 -m venv "$WORK/venv"
fi
run "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.16,<2' pytest mypy
npm_ci() { # npm ci, skipped when node_modules already matches package-lock.json
  local dir=$1
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.stockade-lock" 2>/dev/null; then
    (cd "$dir" && run npm ci --no-audit --no-fund)
    cp "$dir/package-lock.json" "$dir/node_modules/.stockade-lock"
  fi
}
npm_ci bindings-node
npm_ci bindings-wasm
npm_ci bindings-dts
WASM_OPT="$ROOT/bindings-wasm/node_modules/.bin/wasm-opt" # npm binaryen, never Debian's
timer_stop tools

# ---------------------------------------------------------------------------
step "License notices: regenerate from the dependency tree, compare with the committed ones"
timer_start
run scripts/notices.sh --check
timer_stop notices
# Each package must carry the project's LICENSE and the third-party notices.
require_files() { # require_files WHAT LISTING-FILE NAME...
  local what=$1 listing=$2 name
  shift 2
  for name in "$@"; do
    if ! grep -qE "(^|[/ \"])$name(\"|[[:space:]]|\$)" "$listing"; then
      echo "$what does not contain $name" >&2
      exit 1
    fi
  done
  echo "$what contains $*"
}

# ---------------------------------------------------------------------------
step "Rust door: the core's JSON report"
timer_start
printf '%s' "$BAD" >"$DOORS/Dockerfile"
# A debug build without --target: the one `cargo test` already made of the examples.
run cargo build --quiet -p stockade --example scan_json
"$CARGO_TARGET_DIR/debug/examples/scan_json" Dockerfile <"$DOORS/Dockerfile" >"$DOORS/rust.json"
timer_stop rust

# ---------------------------------------------------------------------------
step "TypeScript declarations: regenerated from stockade::wire, as in git"
# A debug host build, like the Rust door's: the core is already compiled.
run cargo run --quiet -p stockade-dts
stale bindings-node/dts-header.d.ts bindings-wasm/src/types.d.ts bindings-wasm/src/version.mjs 'cargo run -p stockade-dts'

# ---------------------------------------------------------------------------
step "Python: wheel, stub check, pytest against the installed wheel"
timer_start
rm -f "$WORK"/wheels/stockade-*.whl
run "$WORK/venv/bin/maturin" build --release -m bindings-python/Cargo.toml --target "$HOST" -o "$WORK/wheels"
WHEEL=$(ls "$WORK"/wheels/stockade-*.whl)
python3 -m zipfile -l "$WHEEL" >"$WORK/wheel-files.txt"
require_files "the wheel" "$WORK/wheel-files.txt" LICENSE THIRD-PARTY-NOTICES
run python3 -m venv --clear "$WORK/venv-test"
# dask[distributed], pyarrow and pandas for the pipeline tests (tests/test_pipelines.py).
run "$WORK/venv-test/bin/pip" install --quiet --disable-pip-version-check pytest mypy \
  'dask[distributed]' pyarrow pandas "$WHEEL"
# From outside the source tree, so that the installed package and its stubs are checked.
(cd "$WORK" && run "$WORK/venv-test/bin/python" -m mypy.stubtest stockade \
  --allowlist "$ROOT/bindings-python/stubtest-allowlist.txt")
# The Dask test compares with the CLI's findings on the corpus.
run cargo build --quiet -p stockade-cli
STOCKADE_DOOR_OUT="$DOORS/python.json" STOCKADE_TABLE_OUT="$DOORS/table-python.json" STOCKADE_BIN="$CARGO_TARGET_DIR/debug/stockade" \
  run "$WORK/venv-test/bin/python" -m pytest -q -s -p no:cacheprovider bindings-python/tests
timer_stop python

# ---------------------------------------------------------------------------
step "Node: addon, generated typings, tests"
timer_start
(cd bindings-node && run npx napi build --platform --release)
stale bindings-node/index.d.ts bindings-node/index.js '(cd bindings-node && npx napi build --platform --release)'
(cd bindings-node && npm pack --dry-run --json --ignore-scripts) >"$WORK/node-pack.json"
require_files "the npm package @stockade/node" "$WORK/node-pack.json" LICENSE THIRD-PARTY-NOTICES
NODE_ADDON=$(ls bindings-node/stockade.*.node)
(cd bindings-node && STOCKADE_BACKEND=node STOCKADE_DOOR_OUT="$DOORS/node.json" \
  STOCKADE_TABLE_OUT="$DOORS/table-node.json" STOCKADE_BIN="$CARGO_TARGET_DIR/debug/stockade" \
  run node --test test/api.test.mjs test/policies.test.mjs test/esm.test.mjs test/charts.test.mjs test/table.test.mjs)
timer_stop node

# ---------------------------------------------------------------------------
step "WebAssembly: build, wasm-bindgen (nodejs, web, bundler), wasm-opt -Oz, tests"
timer_start
# A size profile for the wasm32 target only (its artefacts live apart from the host's).
CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  CARGO_PROFILE_RELEASE_PANIC=abort CARGO_PROFILE_RELEASE_STRIP=false \
  run cargo build --release --target wasm32-unknown-unknown -p stockade-wasm
RAW_WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/stockade_wasm.wasm"
PKG=bindings-wasm/pkg
rm -rf "$PKG"
run wasm-bindgen "$RAW_WASM" --target nodejs --out-dir "$PKG/node"
run wasm-bindgen "$RAW_WASM" --target web --out-dir "$PKG/web"
run wasm-bindgen "$RAW_WASM" --target bundler --out-dir "$PKG/bundler"
cp bindings-wasm/pkg.package.json "$PKG/package.json"
cp LICENSE bindings-wasm/THIRD-PARTY-NOTICES "$PKG/"
(cd "$PKG" && npm pack --dry-run --json --ignore-scripts) >"$WORK/wasm-pack.json"
require_files "the npm package @stockade/wasm" "$WORK/wasm-pack.json" LICENSE THIRD-PARTY-NOTICES
BINDGEN_SIZE=$(size "$PKG/web/stockade_wasm_bg.wasm")
BINDGEN_GZ=$(gz "$PKG/web/stockade_wasm_bg.wasm")
# wasm-opt takes a minute; reuse its output while its input is byte-identical.
if cmp -s "$PKG/web/stockade_wasm_bg.wasm" "$WORK/stockade_wasm_bg.in.wasm" && [[ -f "$WORK/stockade_wasm_bg.opt.wasm" ]]; then
  echo "wasm-opt: input unchanged, reusing $WORK/stockade_wasm_bg.opt.wasm"
else
  run "$WASM_OPT" -Oz "$PKG/web/stockade_wasm_bg.wasm" -o "$WORK/stockade_wasm_bg.opt.wasm"
  cp "$PKG/web/stockade_wasm_bg.wasm" "$WORK/stockade_wasm_bg.in.wasm"
fi
for target in node web bundler; do
  cp "$WORK/stockade_wasm_bg.opt.wasm" "$PKG/$target/stockade_wasm_bg.wasm"
done
(cd bindings-node && STOCKADE_BACKEND=wasm STOCKADE_DOOR_OUT="$DOORS/wasm.json" \
  STOCKADE_TABLE_OUT="$DOORS/table-wasm.json" STOCKADE_BIN="$CARGO_TARGET_DIR/debug/stockade" \
  run node --test test/api.test.mjs test/policies.test.mjs test/esm.test.mjs test/charts.test.mjs test/table.test.mjs)
# Strict Content-Security-Policy pages: no eval or new Function in what the package ships.
if grep -rnE '\beval\(|new Function\(' "$PKG" --include='*.js' --include='*.mjs'; then
  echo "the WebAssembly package evaluates code at run time (breaks strict CSP pages)" >&2
  exit 1
fi
timer_stop wasm

step "TypeScript: one usage type-checks against the Node and WebAssembly declarations"
timer_start
(cd bindings-dts && for config in node wasm wasm-web; do run npx tsc -p "test/tsconfig.$config.json"; done)
timer_stop typescript

step "Playground in headless Chromium"
timer_start
(cd bindings-wasm && run node --test test/playground.test.mjs)
timer_stop playground

# ---------------------------------------------------------------------------
step "Four doors: Rust, Python, Node, WebAssembly; the cross-binding table (testdata/bindings/table)"
(cd bindings-node && STOCKADE_DOORS_DIR="$DOORS" run node --test test/doors.test.mjs test/table-compare.test.mjs)

# ---------------------------------------------------------------------------
step "Summary"
FINAL_WASM="$PKG/web/stockade_wasm_bg.wasm"
printf 'wheel       %s  %s bytes\n' "$(basename "$WHEEL")" "$(size "$WHEEL")"
printf 'node addon  %s  %s bytes\n' "$(basename "$NODE_ADDON")" "$(size "$NODE_ADDON")"
printf 'wasm        rustc %s bytes; wasm-bindgen %s bytes (%s gzip); wasm-opt -Oz %s bytes (%s gzip)\n' \
  "$(size "$RAW_WASM")" "$BINDGEN_SIZE" "$BINDGEN_GZ" "$(size "$FINAL_WASM")" "$(gz "$FINAL_WASM")"
printf 'screenshots %s\n' "$(ls bindings-wasm/test-output/*.png | tr '\n' ' ')"
printf 'seconds     tools %s, notices %s, rust door %s, python %s, node %s, wasm %s, typescript %s, playground %s, total %s\n' \
  "${TIMES[tools]}" "${TIMES[notices]}" "${TIMES[rust]}" "${TIMES[python]}" "${TIMES[node]}" "${TIMES[wasm]}" \
  "${TIMES[typescript]}" "${TIMES[playground]}" "$SECONDS"
echo "bindings: all tests passed"

#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml): builds the CLI from this
# repository once (release; CARGO_TARGET_DIR is honoured, default: target/ here),
# then `stockade scan --exit-code 1 [--fix] FILES...` from the caller's folder.
set -euo pipefail
HOOK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET="${CARGO_TARGET_DIR:-$HOOK_ROOT/target}"
BIN="$TARGET/release/stockade"
if [[ ! -x "$BIN" || "$HOOK_ROOT/Cargo.lock" -nt "$BIN" ]]; then
  CARGO_TARGET_DIR="$TARGET" cargo build --release --quiet -p stockade-cli --manifest-path "$HOOK_ROOT/Cargo.toml" >&2
fi
args=()
if [[ "${1:-}" == "--fix" ]]; then
  args+=(--fix)
  shift
fi
exec "$BIN" scan --exit-code 1 "${args[@]}" "$@"

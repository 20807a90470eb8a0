#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml): builds the CLI from this
# repository once (release; CARGO_TARGET_DIR is honoured, default: target/ here,
# and pre-commit keeps one copy of the repository per `rev`, so a new rev builds
# anew), then `stockade scan --exit-code 1 [--fix] FILES...` from the caller's
# folder. With a shared CARGO_TARGET_DIR the binary already built there is used.
set -euo pipefail
HOOK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET="${CARGO_TARGET_DIR:-$HOOK_ROOT/target}"
BIN="$TARGET/release/stockade"
if [[ ! -x "$BIN" ]]; then
  CARGO_TARGET_DIR="$TARGET" cargo build --release --quiet -p stockade-cli --manifest-path "$HOOK_ROOT/Cargo.toml" >&2
fi
args=()
if [[ "${1:-}" == "--fix" ]]; then
  args+=(--fix)
  shift
fi
exec "$BIN" scan --exit-code 1 "${args[@]}" "$@"

#!/usr/bin/env bash
# End-to-end tests of `stockade server` with real clients, installing what they
# need (idempotent): Debian's neovim (apt-get, when `nvim` is missing) and a venv
# with pytest-lsp. pytest-lsp drives the server through cli/tests/lsp/tee.py,
# which records every message with its time in $CARGO_TARGET_DIR/lsp/exchange.log;
# headless Neovim opens files and prints their diagnostics.
#
# Usage: scripts/test-lsp.sh [BIN]   (default: builds the release CLI)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stockade/target}"
WORK="$CARGO_TARGET_DIR/lsp"
mkdir -p "$WORK"
BIN=${1:-}
if [[ -z "$BIN" ]]; then
  cargo build --release -p stockade-cli --quiet
  BIN="$CARGO_TARGET_DIR/release/stockade"
fi
if ! command -v nvim >/dev/null; then
  apt-get update -qq && apt-get install -y -qq neovim >/dev/null
fi
if [[ ! -x "$WORK/venv/bin/python" ]]; then
  python3 -m venv "$WORK/venv"
fi
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check 'pytest-lsp>=1,<2' pytest
: >"$WORK/exchange.log"
cd cli/tests/lsp
STOCKADE_BIN="$BIN" STOCKADE_LSP_LOG="$WORK/exchange.log" "$WORK/venv/bin/pytest" -q -s -p no:cacheprovider .
echo "LSP exchange recorded in $WORK/exchange.log ($(wc -l <"$WORK/exchange.log") messages)"

#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz / libFuzzer) of every target in fuzz/:
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Default: 60 s for each of dockerfile yaml kubernetes rego kyverno netpol
# gotemplate helm kustomize, one
# after another, one job each (the machine is shared). The long runs issue 14
# asks for: scripts/fuzz.sh 1800 (30 minutes a target).
#
# Seeds come from ../shared/corpora and ../shared/conformance when present, and
# from fuzz/regressions. New corpus entries go to $CARGO_TARGET_DIR/fuzz/corpus;
# a crash, time-out (-timeout, 10 s) or memory blow-up (-rss_limit_mb, 2048 MB)
# is written to $CARGO_TARGET_DIR/fuzz/artifacts/TARGET/ and fails the run. Keep
# each one, once fixed, under fuzz/regressions/TARGET/: the stable test
# core/stockade/tests/fuzz_regressions.rs replays them.
#
# Needs a nightly toolchain and cargo-fuzz; installs both when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(dockerfile yaml kubernetes rego kyverno netpol gotemplate helm kustomize)
BASE="${CARGO_TARGET_DIR:-$HOME/.cache/stockade/target}"
export CARGO_TARGET_DIR="$BASE/fuzz"
export CARGO_INCREMENTAL=0

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

seeds() {
  local s=../shared
  case "$1" in
    dockerfile) echo "$s/corpora/dockerfiles $s/conformance/buildkit" ;;
    yaml) echo "$s/corpora/kubernetes $s/conformance/netpol-analyzer" ;;
    kubernetes) echo "$s/corpora/kubernetes" ;;
    rego) echo "$s/conformance/gatekeeper-library" ;;
    kyverno) echo "$s/conformance/kyverno-policies" ;;
    netpol) echo "$s/conformance/netpol-analyzer" ;;
    gotemplate) echo "$s/conformance/helm" ;;
    helm) echo "$s/conformance/helm" ;;
    kustomize) echo "$s/conformance/kustomize" ;;
  esac
}

# FUZZ_CI=1 (the test command): a fixed seed and a fresh corpus folder each run,
# so the brief CI run is repeatable; long runs keep and grow their corpus.
SEED_ARGS=()
[ "${FUZZ_CI:-}" = 1 ] && SEED_ARGS=(-seed=1)

status=0
for t in "${TARGETS[@]}"; do
  corpus="$CARGO_TARGET_DIR/corpus/$t"
  if [ "${FUZZ_CI:-}" = 1 ]; then
    corpus="$CARGO_TARGET_DIR/corpus-ci/$t"
    rm -rf "$corpus"
  fi
  artifacts="$CARGO_TARGET_DIR/artifacts/$t"
  # CI: what an earlier run found was reported then (and kept as a regression).
  [ "${FUZZ_CI:-}" = 1 ] && rm -rf "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  dirs=()
  for d in $(seeds "$t") "fuzz/regressions/$t"; do
    [ -d "$d" ] && dirs+=("$ROOT/$d")
  done
  echo "=== fuzz $t for ${SECS}s (seeds: ${#dirs[@]} folders)"
  cd "$ROOT/fuzz"
  cargo +nightly fuzz build -s none --release "$t"
  set +e
  cargo +nightly fuzz run -s none --release "$t" "$corpus" "${dirs[@]}" -- \
      -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "${SEED_ARGS[@]}" \
      2>&1 | tee "$CARGO_TARGET_DIR/$t.log" |
      grep -a -E '^(#[0-9]+ *(DONE|INITED)|stat::number_of_executed_units|==[0-9]+==|SUMMARY|Test unit written)'
  code=${PIPESTATUS[0]}
  set -e
  cd "$ROOT"
  if ls "$artifacts"/* >/dev/null 2>&1; then
    echo "fuzz $t: found inputs in $artifacts:"; ls "$artifacts"
    status=1
  fi
  [ "$code" -eq 0 ] || status=1
done
exit $status

#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml with `pre-commit try-repo` (pre-commit installed in
# a venv when missing): a repository with a bad Dockerfile fails the `stockade`
# hook naming the finding; `stockade-fix` fixes what it can; a clean one passes.
# Reuses $CARGO_TARGET_DIR so the hook's build is the one already made.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stockade/target}"
WORK="$CARGO_TARGET_DIR/pre-commit"
mkdir -p "$WORK"
if [[ ! -x "$WORK/venv/bin/pre-commit" ]]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
fi
export PRE_COMMIT_HOME="$WORK/cache"
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cd "$repo"
git init -q
git config user.email test@example.com
git config user.name test
printf 'FROM node:latest\nMAINTAINER me\nRUN apk add curl\n' >Dockerfile
git add Dockerfile
set +e
out=$("$WORK/venv/bin/pre-commit" try-repo "$ROOT" stockade --all-files 2>&1)
code=$?
set -e
echo "$out" | tail -5
[[ $code -ne 0 ]] || { echo "the hook passed a bad Dockerfile" >&2; exit 1; }
grep -q "DF0001" <<<"$out" || { echo "the hook did not name DF0001" >&2; exit 1; }
set +e
"$WORK/venv/bin/pre-commit" try-repo "$ROOT" stockade-fix --all-files >/dev/null 2>&1
set -e
grep -q "^LABEL org.opencontainers.image.authors=\"me\"" Dockerfile || { echo "stockade-fix did not fix MAINTAINER" >&2; cat Dockerfile; exit 1; }
printf 'FROM alpine:3.20@sha256:%s\nUSER 10001\nHEALTHCHECK CMD true\n' "$(printf 'a%.0s' {1..64})" >Dockerfile
git add Dockerfile
"$WORK/venv/bin/pre-commit" try-repo "$ROOT" stockade --all-files >/dev/null
echo "pre-commit try-repo: the hooks fail, fix and pass as they should"

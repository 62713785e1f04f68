#!/bin/sh
# The extension's source stamp, as scripts/setup-k6.mjs and src/k6/stream-extension.ts compute it:
# `src-` and 12 hex digits of a SHA-256 over each go.mod, go.sum and non-test .go file under this folder,
# each as its /-separated relative path, a NUL, its content and a NUL, in path order (bytewise).
# Used by the Dockerfile, which has no Node; keep the three equal.
set -eu
cd "$(dirname "$0")"
find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) ! -name '*_test.go' |
  sed 's|^\./||' | LC_ALL=C sort |
  while IFS= read -r f; do
    printf '%s\000' "$f"
    cat "$f"
    printf '\000'
  done | sha256sum | cut -c1-12 | sed 's/^/src-/'

#!/usr/bin/env bash
# Regenerates the committed Java sources from protocol/src/main/thrift/omserver.thrift.
# Needs Debian's thrift-compiler (apt-get install thrift-compiler); the build itself never does.
# --check: regenerate into a temp dir and fail if the committed sources differ (used by CI).
set -euo pipefail
cd "$(dirname "$0")/.."
idl=protocol/src/main/thrift/omserver.thrift
out=protocol/src/main/java
pkg=org/omserver/protocol/thrift
command -v thrift >/dev/null || { echo "thrift not found: apt-get install thrift-compiler" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
thrift --gen java:generated_annotations=suppress -out "$tmp" "$idl"
if [[ "${1:-}" == --check ]]; then
  if ! diff -r "$tmp/$pkg" "$out/$pkg"; then
    echo "Generated Thrift sources are stale: run scripts/regen-thrift.sh and commit the result." >&2
    exit 1
  fi
  echo "Generated Thrift sources match $idl ($(thrift --version))."
else
  rm -rf "${out:?}/$pkg"; mkdir -p "$out/$pkg"
  cp -r "$tmp/$pkg/." "$out/$pkg/"
  echo "Regenerated $out/$pkg from $idl ($(thrift --version))."
fi

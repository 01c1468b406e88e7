#!/usr/bin/env bash
# Regenerates the committed Java sources from every protocol/src/main/thrift/*.thrift file
# (omserver.thrift -> org.omserver.protocol.thrift, agent.thrift -> org.omserver.protocol.agent).
# Needs Debian's thrift-compiler (apt-get install thrift-compiler); the build itself never does.
# --check: regenerate into a temp dir and fail if the committed sources differ (used by CI).
set -euo pipefail
cd "$(dirname "$0")/.."
out=protocol/src/main/java
command -v thrift >/dev/null || { echo "thrift not found: apt-get install thrift-compiler" >&2; exit 2; }
status=0
for idl in protocol/src/main/thrift/*.thrift; do
  namespace=$(sed -n 's/^namespace java \([a-z0-9_.]*\).*/\1/p' "$idl")
  [[ -n "$namespace" ]] || { echo "$idl has no 'namespace java' line" >&2; exit 2; }
  pkg=${namespace//.//}
  tmp=$(mktemp -d)
  thrift --gen java:generated_annotations=suppress -out "$tmp" "$idl"
  if [[ "${1:-}" == --check ]]; then
    if ! diff -r "$tmp/$pkg" "$out/$pkg"; then
      echo "Generated Thrift sources of $idl are stale: run scripts/regen-thrift.sh and commit the result." >&2
      status=1
    else
      echo "Generated Thrift sources match $idl ($(thrift --version))."
    fi
  else
    rm -rf "${out:?}/$pkg"; mkdir -p "$out/$pkg"
    cp -r "$tmp/$pkg/." "$out/$pkg/"
    echo "Regenerated $out/$pkg from $idl ($(thrift --version))."
  fi
  rm -rf "$tmp"
done
exit $status

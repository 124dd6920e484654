#!/usr/bin/env bash
# Starts the demo stack on embedded defaults. For now: builds what is needed and generates the
# development PKI into .gmtls-demo/pki on first start (reused afterwards).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
demo="$here/.gmtls-demo"
mkdir -p "$demo"
if [ ! -f "$here/certs-dev/target/certs-dev.jar" ]; then
  echo "[demo] building (first start only)…"
  (cd "$here" && mvn -B -q -DskipTests package)
fi
if [ ! -f "$demo/pki/manifest.json" ]; then
  java -jar "$here/certs-dev/target/certs-dev.jar" --out "$demo/pki" --vehicles 10
else
  echo "[demo] reusing the development PKI in $demo/pki"
fi

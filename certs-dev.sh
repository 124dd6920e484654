#!/usr/bin/env bash
# Runs the development PKI generator, building it first if needed. Options: see --help.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/certs-dev/target/certs-dev.jar"
if [ ! -f "$jar" ]; then
  (cd "$here" && mvn -B -q -pl certs-dev -am package -DskipTests) >&2
fi
exec java -jar "$jar" "$@"

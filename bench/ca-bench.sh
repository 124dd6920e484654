#!/usr/bin/env bash
# pki-ca benchmark: dual-certificate issuance vs raw SM2 signatures, broker authn (cached and
# uncached) vs a trivial endpoint, written to bench/results/ca.md. Needs PostgreSQL on 127.0.0.1
# (GMTLS_TEST_JDBC_URL to change) and wrk (apt-get install -y wrk). Not part of the test run.
# Options (system properties): -Dbench.issuances=2000 (per round; 3 rounds, the median counts)
# -Dbench.threads=8 -Dbench.duration=10s -Dbench.authn=false (issuance only). Run it on a quiet machine
# (check `uptime`): the load average before and after is written to the result.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install -y wrk" >&2; exit 2; }
# One reactor run: the sibling modules (pki-ca-core, -jdbc, -dev) resolve to their target/classes.
mvn -B -q -pl pki-ca/server -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath >&2
cp="pki-ca/server/target/classes:pki-ca/server/target/test-classes:$(cat pki-ca/server/target/bench.classpath)"
exec java -Xmx2g "$@" -cp "$cp" io.gmtls.pki.bench.CaBench bench/results/ca.md

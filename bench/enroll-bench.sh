#!/usr/bin/env bash
# cert-enrollment benchmark (not part of `mvn verify`): enrollments per second end to end through the
# gateway (new TLCP handshake with the per-model certificate each), straight to the service with PPv2,
# and the CA's raw dual-certificate issuance measured in the same run as the baseline. Written to
# bench/results/enroll.md. Needs PostgreSQL on 127.0.0.1 (GMTLS_TEST_JDBC_URL to change); the run
# makes its own database and drops it.
# Options (system properties, before nothing else): -Dbench.enrollments=400 -Dbench.threads=8 -Dbench.warmup=60
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -B -q -pl certs-dev,tlcp,proxy-protocol,pki-ca,pki-ca/core,pki-ca/jdbc,pki-ca/dev,pki-ca/server,gm-tls-proxy install -DskipTests >&2
fi
mvn -B -q -pl cert-enrollment test-compile >&2
mvn -B -q -pl cert-enrollment dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >&2
cp="cert-enrollment/target/classes:cert-enrollment/target/test-classes:$(cat cert-enrollment/target/bench.classpath)"
exec java -Xmx1g "$@" -cp "$cp" io.gmtls.enrollment.EnrollBench bench/results/enroll.md

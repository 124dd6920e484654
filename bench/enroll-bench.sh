#!/usr/bin/env bash
# cert-enrollment benchmark (not part of `mvn verify`): enrollments per second end to end through the
# gateway (new TLCP handshake with the per-model certificate each), straight to the service with PPv2,
# and the CA's raw dual-certificate issuance measured in the same run as the baseline. Written to
# bench/results/enroll.md. Needs PostgreSQL on 127.0.0.1 (GMTLS_TEST_JDBC_URL to change); the run
# makes its own database and drops it. SKIP_BUILD=1 reuses the last build.
# Options (system properties, before nothing else): -Dbench.enrollments=400 -Dbench.threads=8 -Dbench.warmup=60
set -euo pipefail
. "$(dirname "$0")/lib.sh"
run_bench_main cert-enrollment 1g io.gmtls.enrollment.EnrollBench bench/results/enroll.md "$@"

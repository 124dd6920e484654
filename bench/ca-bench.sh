#!/usr/bin/env bash
# pki-ca benchmark: dual-certificate issuance vs raw SM2 signatures, broker authn (cached and
# uncached) vs a trivial endpoint, written to bench/results/ca.md. Needs PostgreSQL on 127.0.0.1
# (GMTLS_TEST_JDBC_URL to change) and wrk (apt-get install -y wrk). Not part of the test run.
# Options (system properties): -Dbench.issuances=2000 (per round; 3 rounds, the median counts)
# -Dbench.threads=8 -Dbench.duration=10s -Dbench.authn=false (issuance only). Run it on a quiet machine
# (check `uptime`): the load average before and after is written to the result. SKIP_BUILD=1 reuses
# the last build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
case " $* " in
  *" -Dbench.authn=false "*) ;;  # issuance only: no HTTP load
  *) command -v wrk >/dev/null || die "wrk is required: apt-get install -y wrk" ;;
esac
run_bench_main pki-ca/server 2g io.gmtls.pki.bench.CaBench bench/results/ca.md "$@"

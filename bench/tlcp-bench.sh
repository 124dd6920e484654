#!/usr/bin/env bash
# tlcp benchmark (JMH): full TLCP handshakes (ECC and ECDHE, client authentication, server CPU per
# handshake), resumed handshakes, 16 KiB record throughput (GCM, CBC), against BouncyCastle
# baselines measured in the same run (SM2 sign / verify / decrypt / key exchange, SM4-GCM and
# SM4-CBC + HMAC-SM3 on 16 KiB). Writes bench/results/tlcp.md. Not part of the test run.
# Takes about 8 minutes on 2 cores. JMH options can be overridden: JMH_ARGS="-f 1 -wi 1 -i 1" ...
# A benchmark subset: bench/tlcp-bench.sh 'RecordBench|RawCryptoBench.sm4'
set -euo pipefail
. "$(dirname "$0")/lib.sh"
jmh_args=${JMH_ARGS:-"-f 1 -wi 3 -w 2s -i 5 -r 4s"}
mkdir -p bench/work bench/results
# tlcp/bench is outside the root build: bench/pom.xml builds it with the modules it uses.
[ -n "${SKIP_BUILD:-}" ] || mvn -B -q -f bench/pom.xml package -DskipTests >&2 || die "the build failed (see above)"
json=bench/work/tlcp-jmh.json
# shellcheck disable=SC2086
java -jar tlcp/bench/target/tlcp-benchmarks.jar $jmh_args -rf json -rff "$json" "$@" | tee bench/work/tlcp-jmh.txt >&2

{
  result_header "tlcp benchmark" "JMH $jmh_args, one fork, throughput mode; client and server engines in memory on one
thread (no sockets). Server time = time inside the server engine's wrap/unwrap calls: elapsed
(wall clock, like JMH's baselines, so that other load on the machine slows both alike; the
target ratio uses it) and thread CPU time (what the gateway pays; shown for information).
The machine is shared with other work: expect noise."
  echo
  json_flat "$json" | awk -f bench/tlcp-report.awk
} >bench/results/tlcp.md
say "wrote bench/results/tlcp.md"

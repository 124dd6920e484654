#!/usr/bin/env bash
# SM2 benchmark (JMH): our SM2 (gm-crypto's io.gmtls.crypto.sm2 under tlcp's FastTlcpCrypto) against
# BouncyCastle's custom sm2p256v1 (BcTlcpCrypto), both through the engine's TlcpCrypto seam, in the
# same run, same keys and inputs: sign, verify (kept key / newly decoded key), decrypt (48-byte
# pre-master, DER), key generation, one side of the ECDHE key exchange. Writes bench/results/sm2.md.
# Not part of the test run. About 5 minutes on 2 cores. JMH_ARGS overrides the JMH options.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
jmh_args=${JMH_ARGS:-"-f 1 -wi 2 -w 2s -i 4 -r 3s"}
mkdir -p bench/work bench/results
[ -n "${SKIP_BUILD:-}" ] || mvn -B -q -f bench/pom.xml package -DskipTests >&2 || die "the build failed (see above)"
json=bench/work/sm2-jmh.json
# shellcheck disable=SC2086
java -jar tlcp/bench/target/tlcp-benchmarks.jar Sm2Bench $jmh_args -rf json -rff "$json" | tee bench/work/sm2-jmh.txt >&2

{
  result_header "SM2: ours (FastTlcpCrypto) against BouncyCastle (BcTlcpCrypto)" "JMH $jmh_args, one fork, throughput mode, one thread; both implementations in the same run, through
tlcp's TlcpCrypto with the same keys and inputs (Sm2Bench). ratio = ours / BC in operations per
second (above 1: ours is faster). The machine is shared with other work: expect noise; the ratio
is the figure to read, both sides having run under the same load within minutes of each other."
  echo
  echo '| operation | BC ops/s | ours ops/s | ratio ours/BC |'
  echo '|---|---:|---:|---:|'
  json_flat "$json" | awk -F'\t' '
    $1 ~ /^[0-9]+\.benchmark$/ { split($1, p, "."); n = $2; sub(/.*\./, "", n); name[p[1]] = n }
    $1 ~ /^[0-9]+\.params\.impl$/ { split($1, p, "."); impl[p[1]] = $2 }
    $1 ~ /^[0-9]+\.primaryMetric\.score$/ { split($1, p, "."); score[p[1]] = $2 }
    $1 ~ /^[0-9]+\.primaryMetric\.scoreError$/ { split($1, p, "."); err[p[1]] = $2 }
    END {
      for (i in name) { key = name[i]; s[key, impl[i]] = score[i]; e[key, impl[i]] = err[i]; seen[key] = 1 }
      split("sign verifyKeptKey verifyNewKey decrypt keyGeneration keyExchange", order, " ")
      label["sign"] = "sign (ServerKeyExchange)"; label["verifyKeptKey"] = "verify, kept key (a CA)"
      label["verifyNewKey"] = "verify, key decoded each time (CertificateVerify)"
      label["decrypt"] = "decrypt 48 bytes, DER (ClientKeyExchange)"
      label["keyGeneration"] = "key generation (ephemeral)"
      label["keyExchange"] = "ECDHE side: ephemeral + key exchange"
      for (j = 1; j <= 6; j++) {
        k = order[j]; if (!(k in seen)) continue
        printf "| %s | %\047.0f ± %\047.0f | %\047.0f ± %\047.0f | %.2f |\n", label[k], s[k, "bc"], e[k, "bc"], s[k, "fast"], e[k, "fast"], s[k, "fast"] / s[k, "bc"]
      }
    }'
} >bench/results/sm2.md
say "wrote bench/results/sm2.md"

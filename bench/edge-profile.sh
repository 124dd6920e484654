#!/usr/bin/env bash
# Where the gateway's CPU goes per handshake kind (not part of `mvn verify`): the gateway of
# bench/gateway-bench.sh under LoadClient load with a JFR recording per kind, the gateway's CPU per
# handshake (utime+stime from /proc), and the hottest frames of the JFR execution samples, by top frame
# (self) and by frames of this project or of its libraries anywhere on the stack (inclusive).
#
#   bench/edge-profile.sh [KIND...]   kinds: tlcp-resumed tlcp-ecc tlcp-ecdhe tls13-sm (default: all four)
#
# Env: SECONDS_PER_RUN (default 15), WARMUP_SECONDS (20), GATEWAY_JAR, LOAD_CLASSES (as gateway-bench.sh), CONCURRENCY (16), TOP (25), SKIP_BUILD=1.
# Output: bench/work/edge-profile/<kind>.jfr, <kind>.top.txt and summary.txt.
set -euo pipefail
log_tag=edge-profile
. "$(dirname "$0")/lib.sh"             # changes to the repository root
WORK=bench/work/edge-profile
GWWORK=bench/work/gateway
mkdir -p "$WORK" "$GWWORK"
SECONDS_PER_RUN=${SECONDS_PER_RUN:-15}
CONCURRENCY=${CONCURRENCY:-16}
TOP=${TOP:-25}
KINDS=("$@")
[[ ${#KINDS[@]} -gt 0 ]] || KINDS=(tlcp-resumed tlcp-ecc tlcp-ecdhe tls13-sm)
CLK_TCK=$(getconf CLK_TCK)
JAVA=${JAVA:-java}

build package gm-tls-proxy,certs-dev
require_jars "$jar_certs" "$jar_gateway"
[[ -d "$GWWORK/pki/sm2" ]] || "$JAVA" -jar "$jar_certs" --out "$GWWORK/pki" --vehicles 2 --force -q
jar_gateway=${GATEWAY_JAR:-$jar_gateway}
CP=${LOAD_CLASSES:-gm-tls-proxy/target/test-classes}:$jar_gateway
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

listen_port=18893 plain_port=18894 admin_port=19110 reuse_port=false servers='["127.0.0.1:19021"]'
render bench/templates/gateway-bench.yaml.tmpl >"$GWWORK/profile.yaml"
"$JAVA" -Xmx512m -cp "$CP" io.gmtls.proxy.bench.BenchUpstream 19021 > "$WORK/upstream.log" 2>&1 &
PIDS+=($!)
# JFR's profile settings with the execution sampler at 1 ms (20 ms by default): enough samples on a
# loaded machine.
awk '/<event name="jdk.ExecutionSample">/ { inside = 1 } inside && /name="period"/ { sub(/>[^<]*</, ">1 ms<"); inside = 0 } { print }' \
    "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" > "$WORK/sampling.jfc"
# A recording with these settings from the first instant (kept 30 s, never read): after the first
# recording started by jcmd in a running JVM, the warm gateway recompiled much of its hot code (most
# likely: enabling the events retransforms classes that compiled code depends on), so the profile was of
# a JVM recompiling (measured: JIT CPU per TLS 1.3 SM handshake 0.7 -> 5-7 ms, gateway
# CPU 2.7 -> 9-10 ms for the next 30 s). With this one running, the per-kind recordings below enable
# nothing new and the gateway's figures stay what they were (2.6 -> 2.3-2.4 ms in the same test).
"$JAVA" -Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=512m -XX:+UseSerialGC \
    -XX:StartFlightRecording=name=launch,settings="$PWD/$WORK/sampling.jfc",maxage=30s \
    -jar "$jar_gateway" --config "$GWWORK/profile.yaml" > "$WORK/gateway.out" 2> "$WORK/gateway.err" &
GW=$!; PIDS+=($GW)
for _ in $(seq 1 1200); do http_ok "$admin_port" /health && break; sleep 0.1; done
SUMMARY=$WORK/summary.txt
: > "$SUMMARY"
echo "machine: $(machine_info)" | tee -a "$SUMMARY"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), load average at start: $(load_average)" | tee -a "$SUMMARY"

load() { # kind -> LoadClient arguments
  case $1 in
    tlcp-resumed) echo "--proto tlcp-ecc --resume id" ;;
    *) echo "--proto $1" ;;
  esac
}

# A frame line: "  pkg.Class.method(args) line: N"; BouncyCastle's jars carry no line numbers, so their
# frames end with the argument list.
# top FILE.jfr: self (top frame) and inclusive (any frame of io.gmtls / org.bouncycastle / netty / JDK
# crypto and cert classes) sample counts, as percentages of the samples
top() {
  jfr print --stack-depth 96 --events jdk.ExecutionSample "$1" | awk -v top="$TOP" '
    /jdk.ExecutionSample/ { n++; depth = 0; delete seen; next }
    /^[ \t]+[^ \t=]+\(.*\)( line: [0-9]+)?[ \t]*$/ {
      f = $1; sub(/\(.*/, "", f)
      if (depth == 0) self[f]++
      depth++
      if (!(f in seen)) { seen[f] = 1; incl[f]++ }
      next }
    END {
      printf "samples %d\n", n
      printf "-- self (top frame)\n"
      for (f in self) printf "%6.1f%%  %s\n", 100 * self[f] / n, f | "sort -rn | head -" top
      close("sort -rn | head -" top)
      printf "-- inclusive (frame anywhere on the stack)\n"
      for (f in incl) printf "%6.1f%%  %s\n", 100 * incl[f] / n, f | "sort -rn | head -" (top * 3)
      close("sort -rn | head -" (top * 3))
    }'
}

# buckets FILE.jfr: each event-loop sample in the first bucket (in this order) one of whose frames matches
buckets() {
  jfr print --stack-depth 96 --events jdk.ExecutionSample "$1" | awk '
    BEGIN {
      nb = split("sm2_arithmetic tls13_jca_sm2 tls13_chain_pkix ppv2_header client_identity path_validation cert_parsing sm4_records sm3_prf tlcp_engine_rest tls13_bc_rest netty_io other", names, " ")
      re["sm2_arithmetic"] = "io\\.gmtls\\.crypto\\.sm2\\.|BcTlcpCrypto\\.sm2|org\\.bouncycastle\\.math\\.ec"
      re["tls13_jca_sm2"] = "java\\.security\\.Signature\\."
      re["tls13_chain_pkix"] = "CertificateChainVerifier"
      re["ppv2_header"] = "relay\\.ProxyHeaders\\.encode"
      re["client_identity"] = "ClientIdentityHandler\\.succeeded"
      re["path_validation"] = "CertificatePathValidator"
      re["cert_parsing"] = "CertificateFactory|Certificates\\.fromDer|TlcpSession\\.getPeerCertificates"
      re["sm4_records"] = "Sm4Gcm|Sm4Block|SM4Engine|GCMBlockCipher"
      re["sm3_prf"] = "Sm3|SM3Digest|KeySchedule|Transcript"
      re["tlcp_engine_rest"] = "io\\.gmtls\\.tlcp"
      re["tls13_bc_rest"] = "org\\.bouncycastle\\.(tls|jsse)"
      re["netty_io"] = "io\\.netty"
      re["other"] = "."
    }
    function flush() { if (!stack) return; for (i = 1; i <= nb; i++) if (stack ~ re[names[i]]) { count[names[i]]++; break } ; n++ }
    /jdk.ExecutionSample/ { flush(); stack = ""; next }
    /sampledThread/ { loop = ($0 ~ /multiThreadIoEv/) ; next }
    /^[ \t]+[^ \t=]+\(.*\)( line: [0-9]+)?[ \t]*$/ { if (loop) stack = stack " " $1 }
    END { flush(); printf "event-loop samples %d:", n; for (i = 1; i <= nb; i++) printf " %s=%.0f%%", names[i], 100 * count[names[i]] / (n ? n : 1); printf "\n" }'
}

for kind in "${KINDS[@]}"; do
  echo "[$(date +%H:%M:%S)] $kind: warm-up" >&2
  # shellcheck disable=SC2046
  "$JAVA" -Xmx1g -cp "$CP" io.gmtls.proxy.bench.LoadClient handshake --port "$listen_port" --pki "$GWWORK/pki" \
      $(load "$kind") --seconds "${WARMUP_SECONDS:-20}" --concurrency "$CONCURRENCY" >/dev/null 2>>"$WORK/load-errors.log"
  jcmd "$GW" JFR.start name="$kind" settings="$PWD/$WORK/sampling.jfc" >/dev/null
  # shellcheck disable=SC2046
  line=$("$JAVA" -Xmx1g -cp "$CP" io.gmtls.proxy.bench.LoadClient handshake --port "$listen_port" --pki "$GWWORK/pki" \
      $(load "$kind") --seconds "$SECONDS_PER_RUN" --concurrency "$CONCURRENCY" --gateway-pid "$GW" \
      --clk-tck "$CLK_TCK" 2>>"$WORK/load-errors.log")
  jcmd "$GW" JFR.stop name="$kind" filename="$PWD/$WORK/$kind.jfr" >/dev/null
  echo "$kind: $line (load $(load_average))" | tee -a "$SUMMARY"
  top "$WORK/$kind.jfr" > "$WORK/$kind.top.txt"
  echo "$kind: $(buckets "$WORK/$kind.jfr")" | tee -a "$SUMMARY"
done
echo "load average at end: $(load_average)" | tee -a "$SUMMARY"

#!/usr/bin/env bash
# The cold row of issue 16 in detail: what a freshly started gateway process pays for its first COLD
# handshakes of each kind (TLCP ECC, ECDHE, resumed by session ID, TLS 1.3 SM), with `warm-up: off`,
# with the default warm-up of a baseline jar (BASE_JAR, e.g. one built from main) and with the default
# warm-up of this tree's jar, next to the warm figures of one gateway after PREWARM earlier handshakes,
# all in the same run. Per row: gateway CPU per handshake (utime + stime of the process) and its share
# per thread group (event loops, JIT compiler threads, GC and VM, the rest), as LoadClient measures them
# from /proc/<pid>/task/*/stat before and after the handshakes, so the JIT's CPU shows apart.
#
#   BASE_JAR=/path/to/main/gm-tls-proxy.jar bench/edge-cold.sh      (SKIP_BUILD=1: the jars as they are)
#
# Env: COLD (200), MEASURE (1000 per warm row), PREWARM (3000), CONCURRENCY (4), PORT_BASE (21000; uses
#      PORT_BASE+0..2), WARM_UP (the gateway's default), BASE_JAR (none: no baseline rows),
#      ROWS (tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm), MODES (off base new; base only with BASE_JAR).
# Writes bench/work/edge-cold/raw.txt (git-ignored); the figures go into bench/results/edge-warm.md by hand.
set -euo pipefail
log_tag=edge-cold
. "$(dirname "$0")/lib.sh"             # changes to the repository root
WORK=bench/work/edge-cold
mkdir -p "$WORK"
COLD=${COLD:-200}
MEASURE=${MEASURE:-1000}
PREWARM=${PREWARM:-3000}
CONCURRENCY=${CONCURRENCY:-4}
B=${PORT_BASE:-21000}
WARM_UP=${WARM_UP:-"{handshakes: 8000, max-time: 20s}"}
CLK_TCK=$(getconf CLK_TCK)
RAW=$WORK/raw.txt
: > "$RAW"

build package gm-tls-proxy,certs-dev
build test-compile gm-tls-proxy
require_jars "$jar_certs" "$jar_gateway"
# Private copies: a rebuild during the run must not pull classes from under the JVMs.
cp "$jar_gateway" "$WORK/new.jar"
[ -n "${BASE_JAR:-}" ] && cp "$BASE_JAR" "$WORK/base.jar"
rm -rf "$WORK/test-classes"; cp -r gm-tls-proxy/target/test-classes "$WORK/test-classes"
CP=$WORK/test-classes:$WORK/new.jar
[ -f "$WORK/pki/sm2/trust.pem" ] || java -jar "$jar_certs" --out "$WORK/pki" --vehicles 4 --force -q >/dev/null
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
raw() { echo "$*" | tee -a "$RAW" >&2; }

upstream_port=$B
java -Xmx256m -cp "$CP" io.gmtls.proxy.bench.BenchUpstream "$upstream_port" > "$WORK/upstream.log" 2>&1 &
PIDS+=($!)
wait_port "$upstream_port" 300 || die "the benchmark upstream did not start (see $WORK/upstream.log)"

# start_gateway NAME JAR WARM_UP -> GW_PID, GW_START_MS
listen_port=$((B + 1)) admin_port=$((B + 2)) full_budget=0 ppv2=true
start_gateway() {
  local name=$1 jar=$2 warm_up=$3 t
  render bench/templates/edge-gateway.yaml.tmpl > "$WORK/$name.yaml"
  t=$(date +%s%N)
  java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseSerialGC -jar "$jar" --config "$WORK/$name.yaml" \
      > "$WORK/$name.out" 2> "$WORK/$name.err" &
  GW_PID=$!
  for _ in $(seq 1 3000); do
    http_ok "$admin_port" /health && break
    kill -0 "$GW_PID" 2>/dev/null || die "gateway $name exited (see $WORK/$name.err)"
    sleep 0.1
  done
  PIDS+=($GW_PID)
  GW_START_MS=$(( ($(date +%s%N) - t) / 1000000 ))
}
stop_gateway() { kill "$GW_PID" 2>/dev/null || true; wait "$GW_PID" 2>/dev/null || true; }

# hs PROTO COUNT [LoadClient options]: handshakes through the current gateway; prints the LoadClient
# line (with --gateway-pid it gives the gateway's CPU per handshake in all and per thread group)
hs() {
  local proto=$1 count=$2
  shift 2
  java -Xmx512m -cp "$CP" io.gmtls.proxy.bench.LoadClient handshake --port "$listen_port" --pki "$WORK/pki" \
      --proto "$proto" --count "$count" --concurrency "$CONCURRENCY" --gateway-pid "$GW_PID" --clk-tck "$CLK_TCK" \
      --warmup-seconds 0 "$@" 2>>"$WORK/load-errors.log"
}
row() { # ROW COUNT
  case $1 in
    tlcp-resumed) hs tlcp-ecc "$2" --resume id ;;
    *) hs "$1" "$2" ;;
  esac
}

say "machine: $(machine_info)"
raw "load average at start: $(load_average)"

log "warm gateway"
start_gateway warm "$WORK/new.jar" "$WARM_UP"
raw "warm gateway started in ${GW_START_MS} ms: $(grep -o 'warm-up: .*' "$WORK/warm.err" | head -n 1)"
per=$(( PREWARM / 3 ))
hs tlcp-ecc "$per" >/dev/null; hs tlcp-ecdhe "$per" >/dev/null; hs tls13-sm "$per" >/dev/null
for r in tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm; do
  raw "warm $r: $(row "$r" "$MEASURE")"
done
stop_gateway

ROWS=${ROWS:-"tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm"}
MODES=${MODES:-"off base new"}
[ -z "${BASE_JAR:-}" ] && MODES=${MODES//base/}
for mode in $MODES; do
  for r in $ROWS; do
    log "cold ($mode) $r"
    if [[ $mode == off ]]; then start_gateway "cold-off-$r" "$WORK/new.jar" off
    else start_gateway "cold-$mode-$r" "$WORK/$mode.jar" "$WARM_UP"; fi
    raw "cold warm-up=$mode $r (started in ${GW_START_MS} ms): $(row "$r" "$COLD")"
    [[ $mode != off ]] && raw "  $(grep -o 'warm-up: .*' "$WORK/cold-$mode-$r.err" | head -n 1)"
    stop_gateway
  done
done
raw "load average at the end: $(load_average)"

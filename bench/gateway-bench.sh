#!/usr/bin/env bash
# Gateway benchmarks (not part of `mvn verify`): handshakes/s with gateway CPU per handshake,
# throughput against a plain TCP relay baseline, memory per idle proxied connection at 1,000 and
# 9,000 TLCP connections, and 30,000 connections through 4 gateway processes sharing one port
# (SO_REUSEPORT). Everything runs on 127.0.0.0/8.
#
#   bench/gateway-bench.sh [all|handshake|throughput|memory|reuseport]   (default: all)
#
# Env: SECONDS_PER_RUN (handshake run length, default 20), CONCURRENCY (default 16),
#      MEM_COUNTS ("1000 9000"), SCALE_TOTAL (30000), SCALE_GATEWAYS (4), SKIP_BUILD=1,
#      PROTOS (handshake kinds, default "tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-ecdsa tls13-sm"; tlcp-resumed =
#      TLCP ECC resumed by session ID), GATEWAY_JAR (another gateway jar to measure, e.g. an older build).
# Output: raw lines in bench/work/gateway/*.log; a summary at the end (results: bench/results/gateway.md).
set -euo pipefail
log_tag=gateway-bench
. "$(dirname "$0")/lib.sh"             # changes to the repository root
WHAT=${1:-all}
WORK=bench/work/gateway
mkdir -p "$WORK"
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
CONCURRENCY=${CONCURRENCY:-16}
MEM_COUNTS=${MEM_COUNTS:-"1000 9000"}
SCALE_TOTAL=${SCALE_TOTAL:-30000}
SCALE_GATEWAYS=${SCALE_GATEWAYS:-4}
CLK_TCK=$(getconf CLK_TCK)
JAVA=${JAVA:-java}

build package gm-tls-proxy
require_jars "$jar_certs" "$jar_gateway"
jar_gateway=${GATEWAY_JAR:-$jar_gateway}
PROTOS=${PROTOS:-"tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-ecdsa tls13-sm"}
[[ -d "$WORK/pki/sm2" ]] || "$JAVA" -jar "$jar_certs" --out "$WORK/pki" --vehicles 2 --force -q
CP=${LOAD_CLASSES:-gm-tls-proxy/target/test-classes}:$jar_gateway
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# gateway_config FILE LISTEN_PORT ADMIN_PORT REUSEPORT UPSTREAM_PORTS...: bench/templates/gateway-bench.yaml.tmpl
gateway_config() {
  local file=$1 listen_port=$2 plain_port=$(($2 + 1)) admin_port=$3 reuse_port=$4 servers
  shift 4
  servers=$(printf '"127.0.0.1:%s", ' "$@"); servers="[${servers%, }]"
  render bench/templates/gateway-bench.yaml.tmpl >"$file"
}

wait_http() { for _ in $(seq 1 1200); do  # /health answers after the start-up warm-up (up to 20 s)
  http_ok "$1" "$2" && return 0; sleep 0.1; done; echo "no answer from 127.0.0.1:$1$2" >&2; return 1; }  # PORT PATH
scrape() { http_body "$1" /metrics; }  # PORT

start_upstreams() { # ports...
  "$JAVA" -Xmx512m -cp "$CP" io.gmtls.proxy.bench.BenchUpstream "$@" > "$WORK/upstream-$1.log" 2>&1 &
  PIDS+=($!); sleep 1
}

start_gateway() { # config admin_port heap -> sets GW_PID
  # The heap is touched up front (AlwaysPreTouch): RSS growth then shows native memory, not heap pages
  # that garbage happened to touch.
  "$JAVA" -Xms${3:-256m} -Xmx${3:-256m} -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=512m -XX:+UseSerialGC \
      -jar "$jar_gateway" --config "$1" > "$WORK/gateway-$2.out" 2> "$WORK/gateway-$2.err" &
  GW_PID=$!; PIDS+=($GW_PID)
  wait_http "$2" /health
}

load() { "$JAVA" -Xmx1g -cp "$CP" io.gmtls.proxy.bench.LoadClient "$@"; }

SUMMARY=$WORK/summary.txt
: > "$SUMMARY"
say() { echo "$*" | tee -a "$SUMMARY"; }

say "machine: $(machine_info)"
say "date: $(date -u +%Y-%m-%dT%H:%MZ), load average at start: $(load_average)"

if [[ $WHAT == all || $WHAT == handshake || $WHAT == throughput || $WHAT == memory ]]; then
  start_upstreams 19001 19002
  "$JAVA" -Xmx256m -cp "$CP" io.gmtls.proxy.bench.BenchUpstream --no-ppv2 19010 > "$WORK/upstream-direct.log" 2>&1 &
  PIDS+=($!); sleep 1
  gateway_config "$WORK/gateway.yaml" 18883 19100 false 19001 19002
  start_gateway "$WORK/gateway.yaml" 19100 512m; GW=$GW_PID
  log "gateway pid $GW"
fi

if [[ $WHAT == all || $WHAT == handshake ]]; then
  say ""
  say "## handshakes (full, client certificate, ${SECONDS_PER_RUN}s, concurrency $CONCURRENCY, 1 client thread)"
  for proto in $PROTOS; do
    log "handshakes $proto"
    args=(--proto "$proto"); [[ $proto == tlcp-resumed ]] && args=(--proto tlcp-ecc --resume id)
    say "$(load handshake --port 18883 --pki "$WORK/pki" "${args[@]}" --seconds "$SECONDS_PER_RUN" \
        --concurrency "$CONCURRENCY" --gateway-pid "$GW" --clk-tck "$CLK_TCK" 2>>"$WORK/load-errors.log")"
  done
fi

if [[ $WHAT == all || $WHAT == throughput ]]; then
  say ""
  say "## throughput (echo: payload sent and received back; 4 connections, 512 MiB)"
  say "direct:  $(load throughput --port 19010 --pki "$WORK/pki" --proto plain --connections 4 --megabytes 512)"
  say "relay:   $(load throughput --port 18884 --pki "$WORK/pki" --proto plain --connections 4 --megabytes 512)"
  say "tlcp:    $(load throughput --port 18883 --pki "$WORK/pki" --proto tlcp-ecc --connections 4 --megabytes 512)"
  say "tls13:   $(load throughput --port 18883 --pki "$WORK/pki" --proto tls13-ecdsa --connections 4 --megabytes 512)"
fi

measure() { # pid admin_port -> "heap direct rss" in bytes after a full GC
  jcmd "$1" GC.run >/dev/null; sleep 2
  local m; m=$(scrape "$2")
  echo "$(metric_sum "$m" jvm_memory_used_bytes area=heap) $(metric_sum "$m" gateway_netty_allocator_direct_bytes) $(( $(rss_kb "$1") * 1024 ))"
}

hold_clients() { # total processes port proto -> waits until all HELD
  local total=$1 procs=$2 port=$3 proto=$4 each=$(( $1 / $2 )) i
  HOLD_PIDS=()
  rm -f "$WORK"/hold-*.log
  for i in $(seq 1 "$procs"); do
    "$JAVA" -Xmx1g -cp "$CP" io.gmtls.proxy.bench.LoadClient hold --port "$port" --pki "$WORK/pki" --proto "$proto" --connections "$each" --source "127.0.0.$((i + 1))" \
        --concurrency 16 > "$WORK/hold-$i.log" 2>&1 &
    HOLD_PIDS+=($!); PIDS+=($!)
  done
  for i in $(seq 1 "$procs"); do
    until grep -q HELD "$WORK/hold-$i.log"; do sleep 1; done
    grep HELD "$WORK/hold-$i.log" >&2
  done
}

release_clients() { kill "${HOLD_PIDS[@]}" 2>/dev/null || true; wait "${HOLD_PIDS[@]}" 2>/dev/null || true; sleep 3; }

if [[ $WHAT == all || $WHAT == memory ]]; then
  say ""
  say "## memory per idle proxied TLCP connection (ECC-SM2-SM4-GCM-SM3, client cert, after full GC)"
  # Warm-up (JIT, code cache, allocator arenas) so that the baseline is taken on a warm gateway.
  load handshake --port 18883 --pki "$WORK/pki" --proto tlcp-ecc --seconds 5 --concurrency 8 >/dev/null 2>&1
  for n in $MEM_COUNTS; do
    procs=$(( n >= 3000 ? 3 : 1 ))
    read -r h0 d0 r0 <<<"$(measure "$GW" 19100)"
    jmap -histo:live "$GW" > "$WORK/histo-$n-0.txt" 2>/dev/null || true
    log "holding $n TLCP connections ($procs client processes)"
    hold_clients "$n" "$procs" 18883 tlcp-ecc
    sleep 5
    read -r h1 d1 r1 <<<"$(measure "$GW" 19100)"
    # What the connections hold, class by class: bench/work/gateway/histo-N-{0,1}.txt (diff them).
    jmap -histo:live "$GW" > "$WORK/histo-$n-1.txt" 2>/dev/null || true
    open=$(metric_sum "$(scrape 19100)" gateway_connections_open listener=mqtt)
    errs=$(grep -ho 'errors=[0-9]*' "$WORK"/hold-*.log | awk -F= '{s+=$2} END {print s+0}')
    say "$(awk -v n="$n" -v o="$open" -v e="$errs" -v h="$((h1 - h0))" -v d="$((d1 - d0))" -v r="$((r1 - r0))" 'BEGIN {
      printf "connections=%d open_at_gateway=%d client_errors=%d heap_per_conn=%.0fB direct_per_conn=%.0fB heap+direct_per_conn=%.0fB rss_per_conn=%.0fB\n", n, o, e, h/n, d/n, (h+d)/n, r/n }')"
    release_clients
  done
fi

if [[ $WHAT == all || $WHAT == reuseport ]]; then
  cleanup; PIDS=()
  say ""
  say "## $SCALE_TOTAL TLCP connections through $SCALE_GATEWAYS gateway processes on one port (SO_REUSEPORT)"
  start_upstreams 19201 19202
  start_upstreams 19203 19204
  GWS=()
  for g in $(seq 1 "$SCALE_GATEWAYS"); do
    gateway_config "$WORK/gateway-rp$g.yaml" 18983 $((19300 + g)) true 19201 19202 19203 19204
    start_gateway "$WORK/gateway-rp$g.yaml" $((19300 + g)) 256m; GWS+=("$GW_PID")
  done
  procs=$(( (SCALE_TOTAL + 7499) / 7500 ))
  t0=$(date +%s)
  hold_clients "$SCALE_TOTAL" "$procs" 18983 tlcp-ecc
  t1=$(date +%s)
  sleep 5
  total=0; line=""
  for g in $(seq 1 "$SCALE_GATEWAYS"); do
    o=$(metric_sum "$(scrape $((19300 + g)))" gateway_connections_open listener=mqtt)
    fds=$(ls /proc/"${GWS[$((g - 1))]}"/fd | wc -l)
    total=$((total + o)); line+=" gw$g=${o}conns/${fds}fds"
  done
  errs=$(grep -ho 'errors=[0-9]*' "$WORK"/hold-*.log | awk -F= '{s+=$2} END {print s+0}')
  say "open_total=$total client_errors=$errs setup_seconds=$((t1 - t0))$line"
  release_clients
fi

say ""
say "load average at end: $(load_average)"
echo; echo "summary in $SUMMARY"

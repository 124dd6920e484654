#!/usr/bin/env bash
# Connect-path benchmark of tbox-sim per transport, against a private Mosquitto and the gm-tls-proxy
# jar on this machine: N vehicles started at RAMP/s, one QoS 1 message per second each, reconnect waves.
# Writes bench/results/connect-scale.md with each transport's numbers and ratios to the plain-TCP run
# measured in the same invocation. Needs: mvn -B -q -DskipTests package (certs-dev, gm-tls-proxy,
# tbox-sim jars), /usr/sbin/mosquitto, jcmd.
#   N=1000 RAMP=100 DURATION=40s bench/connect-scale.sh   (the ramp must end well within DURATION)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N="${N:-1000}"
RAMP="${RAMP:-100}"
DURATION="${DURATION:-40s}"
work="$(mktemp -d /tmp/tbox-sim-bench.XXXXXX)"
bench_pids=()
cleanup() {
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

require_jars "$jar_certs" "$jar_gateway" "$jar_sim"
# Private copies: a rebuild of the module jars during the run must not pull classes from under the JVMs.
cp "$jar_gateway" "$work/gm-tls-proxy.jar"
cp "$jar_sim" "$work/tbox-sim.jar"
java -jar "$jar_certs" --out "$work/pki" --vehicles "$N" >/dev/null
broker_port="$(free_port)"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker_port" >"$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 & bench_pids+=($!)
wait_port "$broker_port" || die "Mosquitto did not start"

gateway_port="$(free_port)"
render bench/templates/connect-scale-gateway.yaml.tmpl >"$work/gateway.yaml"
java -Xmx1g -jar "$work/gm-tls-proxy.jar" -c "$work/gateway.yaml" >"$work/gateway.log" 2>&1 & bench_pids+=($!)
# The listener opens after the gateway's start-up warm-up (up to 20 s by default).
wait_port "$gateway_port" 600 || die "the gateway did not start (see $work/gateway.log)"

# Heap after a full GC is read with jcmd once the ramp is over and the vehicles are connected.
settle=$(( N / RAMP + 10 ))
run() { # run NAME ARGS...
  local name="$1"; shift
  java -Xmx512m -jar "$work/tbox-sim.jar" connect \
    -n "$N" --ramp "$RAMP" --publish-rate 1 --duration "$DURATION" --reconnect-interval 5s \
    --reconnect-fraction 0.1 --handshake-timeout 30s --json "$work/$name.json" -q "$@" >/dev/null &
  local pid=$!
  sleep "$settle"
  jcmd "$pid" GC.run >/dev/null 2>&1 || true
  jcmd "$pid" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { gsub(/[K,]/, "", $(i+1)); print $(i+1); exit } }' > "$work/$name.heap" || true
  wait "$pid" || true
  say "$name done"
}
run plain -t plain --host 127.0.0.1 --port "$broker_port"
run tls13 -t tls13 --pki "$work/pki" --port "$gateway_port"
run tls13-sm -t tls13-sm --pki "$work/pki" --port "$gateway_port"
run tlcp-ecc-gcm -t tlcp --suite ECC_SM4_GCM_SM3 --pki "$work/pki" --port "$gateway_port"
run tlcp-ecdhe-gcm -t tlcp --suite ECDHE_SM4_GCM_SM3 --pki "$work/pki" --port "$gateway_port"

# row NAME: one table row from tbox-sim's JSON summary and the heap in KB, with ratios to plain's.
base_cps="$(json_get "$(json_flat "$work/plain.json")" connections.connectsPerSecond)"
base_heap_kb="$(cat "$work/plain.heap")"
row() {
  { json_flat "$work/$1.json"; printf 'heapKb\t%s\n' "$(cat "$work/$1.heap")"; } |
    awk -F'\t' -v name="$1" -v n="$N" -v base_cps="$base_cps" -v base_heap_kb="$base_heap_kb" '
      { v[$1] = $2 }
      /^errors\./ { errors = errors (errors == "" ? "" : ", ") "\"" substr($1, 8) "\": " $2 }
      function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.2f×", a / b) }
      function mb(kb) { return kb == "" ? "n/a" : sprintf("%.1f", kb / 1024) }
      END {
        heap = v["heapKb"]
        printf "| %s | %d | %d | %.0f (%s) | %.1f / %.1f | %.1f | %.1f / %.1f | %d / %d | %d %s | %s | %s (%s) |\n",
          name, v["connections.established"], v["connections.neverConnected"], v["connections.connectsPerSecond"],
          ratio(v["connections.connectsPerSecond"], base_cps), v["latencyMs.handshake.p50"], v["latencyMs.handshake.p99"],
          v["latencyMs.connack.p50"], v["latencyMs.puback.p50"], v["latencyMs.puback.p99"],
          v["connections.resumedHandshakes"], v["connections.reconnects"], v["errorTotal"],
          errors == "" ? "" : "{" errors "}", mb(heap), heap == "" ? "n/a" : sprintf("%.1f", heap / n),
          ratio(heap, base_heap_kb)
      }'
}
mkdir -p bench/results
{
  result_header "tbox-sim connect: transports compared with plain TCP" "N=$N vehicles, ramp $RAMP/s,\
 1 QoS 1 message/s per vehicle, $DURATION, a 10 % reconnect wave every 5 s; client heap used after a full\
 GC (jcmd) once the ramp is over, divided by N (includes the fixed part); client, gm-tls-proxy (TLS\
 transports) and Mosquitto on the same machine, shared with other work: absolute numbers are noisy,\
 ratios to the plain run of the same invocation less so."
  echo
  echo "| transport | established | never connected | connects/s (× plain) | handshake p50 / p99 ms | CONNACK p50 ms | PUBACK p50 / p99 ms | resumed / reconnects | errors | client heap after GC MB | per vehicle KB (× plain) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for name in plain tls13 tls13-sm tlcp-ecc-gcm tlcp-ecdhe-gcm; do row "$name"; done
} | tee bench/results/connect-scale.md

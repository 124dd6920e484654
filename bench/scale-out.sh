#!/usr/bin/env bash
# Horizontal scale on one machine: 2 gateway processes on one port (SO_REUSEPORT) sharing one TLCP
# ticket-key file, 2 pki-ca nodes on one PostgreSQL database, 2 auth gates (one per CA node) in front of
# one Mosquitto; tbox-sim connects N vehicles over TLCP and sends reconnect waves. The kernel spreads the
# connections (and the reconnects) over both gateways: a reconnect that lands on the other process still
# resumes, because both open the tickets both issue. Not part of `mvn verify`.
#
#   bench/scale-out.sh          results: bench/results/scale-out.md (work files: bench/work/scale-out)
#
# Env: N (vehicles, 400), RAMP (/s, 40), DURATION (60s), RECONNECT_INTERVAL (5s), RECONNECT_FRACTION (0.2),
#      DB_NAME (gmtls_scale_out, dropped at the end), MAX_LOAD / WAIT_LOAD (wait for a quieter machine),
#      SKIP_BUILD=1. Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and /usr/sbin/mosquitto.
set -euo pipefail
log_tag=scale-out
. "$(dirname "$0")/lib.sh"             # changes to the repository root
N="${N:-400}"
RAMP="${RAMP:-40}"
DURATION="${DURATION:-60s}"
RECONNECT_INTERVAL="${RECONNECT_INTERVAL:-5s}"
RECONNECT_FRACTION="${RECONNECT_FRACTION:-0.2}"
DB_NAME="${DB_NAME:-gmtls_scale_out}"
MAX_LOAD="${MAX_LOAD:-100}"
WAIT_LOAD="${WAIT_LOAD:-300}"
work="$root/bench/work/scale-out"
out="$root/bench/results/scale-out.md"
admin_db="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"
db_url="jdbc:postgresql://127.0.0.1:5432/$DB_NAME?user=postgres"
CLK_TCK=$(getconf CLK_TCK)

command -v /usr/sbin/mosquitto >/dev/null || die "/usr/sbin/mosquitto is needed"
build package certs-dev,gm-tls-proxy,pki-ca/server,broker-adapter,tbox-sim
require_jars "$jar_certs" "$jar_ca" "$jar_gateway" "$jar_gate" "$jar_sim"
ulimit -n 20000 2>/dev/null || true
wait_for_quiet "$MAX_LOAD" "$WAIT_LOAD"
load_before="$(load_average)"

pids=()
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  (run_sql "$admin_db" "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)") >/dev/null 2>&1
}
trap cleanup EXIT
await() { # SECONDS PID LOG COMMAND...: until COMMAND succeeds; fails when PID exits or time is up
  local deadline=$((SECONDS + $1)) pid=$2 log=$3
  shift 3
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 25 "$log" >&2; die "$(rel "$log"): the process exited"; }
    [ "$SECONDS" -ge "$deadline" ] && die "not ready after the time allowed; see $(rel "$log")"
    sleep 1
  done
}
rm -rf "$work"; mkdir -p "$work"
run_sql "$admin_db" "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null
run_sql "$admin_db" "CREATE DATABASE $DB_NAME" >/dev/null

say "PKI of $N vehicles"
java -jar "$jar_certs" --out "$work/pki" --vehicles "$N" --model GMTDEV01 -q
broker_key="broker-$(random_hex 16)"
printf '%s\n' "$broker_key" >"$work/broker-api-key"
broker_sm3="$(sm3_hex "$broker_key")"
# One ticket key shared by both gateways (format: gm-tls-proxy/README.md, session tickets across a fleet).
printf '%s %s\n' "$(random_hex 16)" "$(random_hex 16)" >"$work/ticket-keys"

broker_port="$(free_port)"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker_port" >"$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 & pids+=($!)
wait_port "$broker_port" || die "Mosquitto did not start"

# ---- 2 pki-ca nodes on one database: node 1 imports the PKI (CAs, vehicles), node 2 joins it.
ca_node() { # NODE PORT BOOTSTRAP IMPORT_END_ENTITIES
  GMTLS_CA_KEY_PASSPHRASE=scale-out java -Xmx384m -jar "$jar_ca" --server.port="$2" --server.address=127.0.0.1 \
    --gmtls.db.mode=external --gmtls.db.url="$db_url" --gmtls.db.pool-size=8 \
    --gmtls.ca.key-dir="$work/ca-keys" --gmtls.ca.bootstrap.mode="$3" --gmtls.ca.bootstrap.import-dir="$work/pki" \
    --gmtls.ca.bootstrap.import-end-entities="$4" \
    --gmtls.api-keys[0].name=gate --gmtls.api-keys[0].role=broker --gmtls.api-keys[0].sm3="$broker_sm3" \
    >"$work/pki-ca-$1.log" 2>&1 &
  pids+=($!); eval "ca$1_pid=$!"
}
ca1_port="$(free_port)"; ca_node 1 "$ca1_port" import true
await 600 "$ca1_pid" "$work/pki-ca-1.log" http_ok "$ca1_port" /actuator/health
ca2_port="$(free_port)"; ca_node 2 "$ca2_port" none false
await 600 "$ca2_pid" "$work/pki-ca-2.log" http_ok "$ca2_port" /actuator/health
say "pki-ca nodes on :$ca1_port and :$ca2_port, one database ($DB_NAME)"

# ---- 2 gates (gate i asks CA node i), one Mosquitto behind both
for i in 1 2; do
  gate_port="$(free_port)"; gate_metrics_port="$(free_port)"; ca_node=$i
  ca_port_var="ca${i}_port"; ca_port="${!ca_port_var}"
  render bench/templates/scale-out-gate.yaml.tmpl >"$work/gate-$i.yaml"
  java -Xmx256m -jar "$jar_gate" --config "$work/gate-$i.yaml" >"$work/gate-$i.log" 2>&1 & pids+=($!)
  eval "gate${i}_port=$gate_port gate${i}_metrics=$gate_metrics_port"
  await 120 "$!" "$work/gate-$i.log" http_ok "$gate_metrics_port" /metrics
done

# ---- 2 gateway processes on one port
mqtt_port="$(free_port)"
for i in 1 2; do
  node_id="gw$i"; admin_port="$(free_port)"
  render bench/templates/scale-out-gateway.yaml.tmpl >"$work/gateway-$i.yaml"
  java -Xms512m -Xmx512m -jar "$jar_gateway" --config "$work/gateway-$i.yaml" >"$work/gateway-$i.log" 2>&1 & pids+=($!)
  eval "gw${i}_pid=$! gw${i}_admin=$admin_port"
  await 120 "$!" "$work/gateway-$i.log" http_ok "$admin_port" /health
done
say "gateways gw1 (pid $gw1_pid) and gw2 (pid $gw2_pid) share 127.0.0.1:$mqtt_port"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime of PID
g1_cpu0=$(cpu_ticks "$gw1_pid"); g2_cpu0=$(cpu_ticks "$gw2_pid")
c1_cpu0=$(cpu_ticks "$ca1_pid"); c2_cpu0=$(cpu_ticks "$ca2_pid")

say "tbox-sim: $N vehicles over TLCP at $RAMP/s for $DURATION, every $RECONNECT_INTERVAL ${RECONNECT_FRACTION} of them reconnect"
java -Xmx1g -jar "$jar_sim" connect --pki "$work/pki" --host localhost --port "$mqtt_port" -t tlcp \
  --suite ECC_SM4_GCM_SM3 -n "$N" --ramp "$RAMP" --publish-rate 0.2 --duration "$DURATION" \
  --reconnect-interval "$RECONNECT_INTERVAL" --reconnect-fraction "$RECONNECT_FRACTION" \
  --connect-timeout 30s --handshake-timeout 30s --connack-timeout 30s --json "$work/load.json" -q \
  >"$work/load.out" 2>&1 || say "tbox-sim exited with $? (see bench/work/scale-out/load.out)"

g1_cpu=$(( $(cpu_ticks "$gw1_pid") - g1_cpu0 )); g2_cpu=$(( $(cpu_ticks "$gw2_pid") - g2_cpu0 ))
c1_cpu=$(( $(cpu_ticks "$ca1_pid") - c1_cpu0 )); c2_cpu=$(( $(cpu_ticks "$ca2_pid") - c2_cpu0 ))
m1="$(http_body "$gw1_admin" /metrics)"; m2="$(http_body "$gw2_admin" /metrics)"
gm1="$(http_body "$gate1_metrics" /metrics)"; gm2="$(http_body "$gate2_metrics" /metrics)"
flat="$(json_flat "$work/load.json")"
j() { json_get "$flat" "$1"; }
hs() { metric_sum "$1" gateway_handshakes_total result=success; }
allow() { metric_sum "$1" gate_decisions_total decision=allow; }
ms() { awk -v t="$1" -v h="$2" -v c="$CLK_TCK" 'BEGIN { if (h > 0) printf "%.2f", t * 1000 / c / h; else print "n/a" }'; }
h1="$(hs "$m1")"; h2="$(hs "$m2")"; a1="$(allow "$gm1")"; a2="$(allow "$gm2")"
rss1="$(rss_kb "$gw1_pid")"; rss2="$(rss_kb "$gw2_pid")"

{
  result_header "Scale-out: 2 gateways on one port, 2 CA nodes on one database" \
    "N=$N TLCP vehicles (ECC-SM2-SM4-GCM-SM3) at $RAMP/s for $DURATION, every $RECONNECT_INTERVAL a share $RECONNECT_FRACTION reconnects with its session; everything on this machine."
  cat <<TABLE

| | gw1 | gw2 | total |
|---|---|---|---|
| successful handshakes (gateway metric) | $h1 | $h2 | $((h1 + h2)) |
| gateway CPU ms per handshake (full and resumed mixed) | $(ms "$g1_cpu" "$h1") | $(ms "$g2_cpu" "$h2") | $(ms $((g1_cpu + g2_cpu)) $((h1 + h2))) |
| gateway RSS at the end | $((rss1 / 1024)) MiB | $((rss2 / 1024)) MiB | |

| | CA node 1 (via gate 1) | CA node 2 (via gate 2) |
|---|---|---|
| broker authn allowed (gate metric) | $a1 | $a2 |
| CA CPU seconds in the run | $(awk -v t="$c1_cpu" -v c="$CLK_TCK" 'BEGIN { printf "%.1f", t / c }') | $(awk -v t="$c2_cpu" -v c="$CLK_TCK" 'BEGIN { printf "%.1f", t / c }') |

tbox-sim: $(j connections.established) connections established of $(j connections.attempted) attempts ($(j connections.initial) initial, $(j connections.reconnects) reconnects), $(j connections.failed) failed; handshakes $(j connections.fullHandshakes) full, **$(j connections.resumedHandshakes) resumed**; $(j connections.neverConnected) vehicles never connected.
TABLE
} >"$work/result.md"
cat "$work/result.md"
say "raw result in bench/work/scale-out/result.md (bench/results/scale-out.md adds the capacity model around it)"

#!/usr/bin/env bash
# End-to-end load run: N simulated vehicles (default 9,000) connect over TLCP through the whole stack
# as ./gmtls-demo.sh starts it — gm-tls-proxy → PPv2 → broker-adapter auth gate (asking pki-ca on
# PostgreSQL for every CONNECT) → MQTT broker — ramping at RAMP/s, then publish QoS 1 telemetry for
# HOLD seconds. Writes bench/results/e2e.md: connects/s, handshake/CONNACK latencies, publishes/s,
# peak RSS of every process, errors, the machine's load.
#
# The vehicles are known to the CA without enrolling them one by one: certs-dev generates N vehicles
# and pki-ca imports them at bootstrap (gmtls.ca.bootstrap.import-end-entities). The broker is a
# private Mosquitto (GMTLS_DEMO_BROKER), not the gate's embedded one: the gate's process already holds
# two descriptors per vehicle, and the per-process limit of open files (20,000 here) is the bound.
#
#   bench/e2e-load.sh                      N=9000 RAMP=40 HOLD=120 PUBLISH_RATE=0.05
#   N=1000 RAMP=50 HOLD=30 bench/e2e-load.sh   (a quick check)
# Needs: the jars (mvn -B -q -DskipTests package), PostgreSQL at 127.0.0.1:5432 (trust, user postgres),
# /usr/sbin/mosquitto. Waits (up to WAIT_LOAD s) for a load average below MAX_LOAD.
set -euo pipefail
log_tag=e2e-load
. "$(dirname "$0")/lib.sh"
N="${N:-9000}"
RAMP="${RAMP:-40}"
HOLD="${HOLD:-120}"
PUBLISH_RATE="${PUBLISH_RATE:-0.05}"
BIND="${BIND:-127.0.0.2,127.0.0.3,127.0.0.4}"
MAX_LOAD="${MAX_LOAD:-2}"
WAIT_LOAD="${WAIT_LOAD:-1800}"
DB_NAME="${DB_NAME:-gmtls_e2e_load}"
work="$root/bench/work/e2e"
out="$root/bench/results/e2e.md"
admin_db="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"
ramp_seconds=$(( (N + RAMP - 1) / RAMP ))
duration=$(( ramp_seconds + HOLD ))

command -v /usr/sbin/mosquitto >/dev/null || die "/usr/sbin/mosquitto is needed"
ulimit -n 20000 2>/dev/null || true
[ "$(ulimit -n)" -ge $((2 * N + 500)) ] || die "open-file limit $(ulimit -n) is too low for $N vehicles"

# ---- a quiet machine first (other jobs on these 2 cores would distort the figures)
wait_for_quiet "$MAX_LOAD" "$WAIT_LOAD"
load_before="$(load_average)"
say "load average before: $load_before (waited ${waited}s)"

# ---- private copies: a rebuild of the jars during the run must not pull classes from under the JVMs
rm -rf "$work"
mkdir -p "$work/root"
cp "$root/gmtls-demo.sh" "$work/root/"
cp -r "$root/demo" "$work/root/"
require_jars "${all_jars[@]}"
for j in "${all_jars[@]}"; do
  mkdir -p "$(dirname "$work/root/$(rel "$j")")"
  cp "$j" "$work/root/$(rel "$j")"
done
sim="$work/root/$(rel "$jar_sim")"

pids=()
stack_pid=""
cleanup() {
  set +e
  if [ -n "$stack_pid" ] && kill -0 "$stack_pid" 2>/dev/null; then
    # TERM, not INT: a background job of a non-interactive shell ignores SIGINT.
    kill -TERM "$stack_pid"
    wait "$stack_pid" 2>/dev/null
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  (run_sql "$admin_db" "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)") >/dev/null 2>&1
}
trap cleanup EXIT

run_sql "$admin_db" "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null

broker_port="$(free_port)"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n' \
  "$broker_port" >"$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
mosquitto_pid=$!
pids+=("$mosquitto_pid")
wait_port "$broker_port" || die "Mosquitto did not start"

# ---- the PKI, made here rather than by the demo script so that its generation is timed on its own
# (the demo script reuses a PKI it finds in its folder)
t0=$SECONDS
java -jar "$work/root/$(rel "$jar_certs")" --out "$work/demo/pki" --vehicles "$N" --model GMTDEV01 -q
pki_seconds=$((SECONDS - t0))
say "PKI of $N vehicles generated in ${pki_seconds}s"

# ---- the stack, by the demo script, on ports of its own (a running demo keeps its defaults)
t0=$SECONDS
GMTLS_DEMO_DIR="$work/demo" GMTLS_DEMO_VEHICLES="$N" GMTLS_DEMO_BROKER="127.0.0.1:$broker_port" \
GMTLS_DEMO_DB=external GMTLS_DEMO_DB_NAME="$DB_NAME" \
GMTLS_DEMO_MQTT_PORT=28883 GMTLS_DEMO_ENROLL_PORT=28443 GMTLS_DEMO_PKI_PORT=28080 \
GMTLS_DEMO_ENROLL_UPSTREAM_PORT=28090 GMTLS_DEMO_GATEWAY_ADMIN_PORT=28081 GMTLS_DEMO_GATE_PORT=21884 \
GMTLS_DEMO_GATE_METRICS_PORT=29464 \
  "$work/root/gmtls-demo.sh" >"$work/stack.log" 2>&1 &
stack_pid=$!
say "starting the stack with $N vehicles (PKI generation and CA import take a while; log: ${work#"$root"/}/stack.log)"
while [ ! -f "$work/demo/endpoints.json" ]; do
  kill -0 "$stack_pid" 2>/dev/null || { tail -n 20 "$work/stack.log" >&2; die "the stack did not start"; }
  [ $((SECONDS - t0)) -gt 3600 ] && die "the stack did not start within an hour"
  sleep 2
done
stack_seconds=$((SECONDS - t0))
say "stack up after ${stack_seconds}s"

# ---- watchers: a subscriber on the broker, and RSS samples of every process
java -Xmx512m -jar "$sim" subscribe -t plain --host 127.0.0.1 --port "$broker_port" --qos 0 \
  --topic 'vehicle/+/telemetry' --duration "$((duration + 20))s" -q >"$work/subscriber.out" 2>&1 &
subscriber_pid=$!
pids+=("$subscriber_pid")
sleep 2

declare -A watch
while read -r name pid; do watch[$name]=$pid; done <"$work/demo/pids"
watch[mosquitto]=$mosquitto_pid
(
  while true; do
    line="$(date +%s)"
    for name in "${!watch[@]}"; do
      rss="$(rss_kb "${watch[$name]}" || echo 0)"
      line+=" $name=${rss:-0}"
    done
    sim_pid="$(cat "$work/sim.pid" 2>/dev/null || true)"
    if [ -n "$sim_pid" ]; then
      line+=" tbox-sim=$(rss_kb "$sim_pid" || echo 0)"
    fi
    echo "$line"
    sleep 5
  done
) >"$work/rss.log" &
pids+=("$!")

# ---- the vehicles
say "$N vehicles over TLCP at $RAMP/s, then ${HOLD}s of QoS 1 telemetry at ${PUBLISH_RATE}/s each (${duration}s)"
t1=$SECONDS
java -Xmx2g -jar "$sim" connect --pki "$work/demo/pki" --host localhost --port 28883 -t tlcp \
  --suite ECC_SM4_GCM_SM3 -n "$N" --ramp "$RAMP" --publish-rate "$PUBLISH_RATE" --duration "${duration}s" \
  --bind "$BIND" --connect-timeout 30s --handshake-timeout 30s --connack-timeout 30s --puback-timeout 30s \
  --json "$work/load.json" -q >"$work/load.out" 2>&1 &
sim_pid=$!
echo "$sim_pid" >"$work/sim.pid"
wait "$sim_pid" && sim_exit=0 || sim_exit=$?
run_seconds=$((SECONDS - t1))
http_body 28081 /metrics >"$work/gateway-metrics.txt" || true
http_body 29464 /metrics >"$work/gate-metrics.txt" || true
# The subscriber ends by itself shortly after the run and then prints its count.
wait "$subscriber_pid" 2>/dev/null || true
say "tbox-sim exit $sim_exit after ${run_seconds}s; writing ${out#"$root"/}"

# ---- the report: bench/templates/e2e.md.tmpl, filled from tbox-sim's JSON, the metrics, rss.log
flat="$(json_flat "$work/load.json")"
j() { json_get "$flat" "$1"; }
latency_row() { # LABEL KEY
  printf '| %s | %.1f | %.1f | %.1f | %s |' "$1" "$(j "latencyMs.$2.p50")" "$(j "latencyMs.$2.p99")" "$(j "latencyMs.$2.max")" "$(j "latencyMs.$2.count")"
}
gw_metrics="$(cat "$work/gateway-metrics.txt" 2>/dev/null || true)"
gate_metrics="$(cat "$work/gate-metrics.txt" 2>/dev/null || true)"
n_shown="$(thousands "$N")"
certificates="$(thousands $((3 * N + 3)))"
established="$(thousands "$(j connections.established)")"
attempted="$(thousands "$(j connections.attempted)")"
failed="$(j connections.failed)" aborted="$(j connections.aborted)" never_connected="$(j connections.neverConnected)"
connects_per_second="$(printf '%.1f' "$(j connections.connectsPerSecond)")"
peak_open="$(thousands "$(j connections.peakOpen)")"
published="$(thousands "$(j messages.published)")" acked="$(thousands "$(j messages.acked)")"
publishes_per_second="$(printf '%.1f' "$(j messages.publishesPerSecond)")"
unacked="$(j messages.unacked)" throttled="$(j messages.throttled)"
received="$(sed -n 's/.*received \([0-9][0-9]*\) messages.*/\1/p' "$work/subscriber.out" | head -n 1)"
received="${received:-n/a}"
handshakes_total="$(metric_sum "$gw_metrics" gateway_handshakes_total)"
handshakes_ok="$(metric_sum "$gw_metrics" gateway_handshakes_total result=success)"
handshakes_failed=$((handshakes_total - handshakes_ok))
handshakes_ok="$(thousands "$handshakes_ok")"
allowed="$(thousands "$(metric_sum "$gate_metrics" gate_decisions_total decision=allow)")"
not_allowed=0
for d in deny unavailable busy; do
  not_allowed=$((not_allowed + $(metric_sum "$gate_metrics" gate_decisions_total decision=$d)))
done
refused_error="$(metric_sum "$gate_metrics" gate_connections_refused_total reason=error)"
refused_closed="$(metric_sum "$gate_metrics" gate_connections_refused_total reason=closed)"
probes="$(metric_sum "$gate_metrics" gate_probe_connections_total)"
errors="$(awk -F'\t' '/^errors\./ { e = e (e == "" ? "" : ", ") substr($1, 8) ": " $2 } END { print e == "" ? "none" : e }' <<<"$flat")"
latency_rows="$(latency_row 'TCP connect' tcpConnect; echo; latency_row 'TLCP handshake' handshake; echo
  latency_row 'CONNECT → CONNACK (gate + CA authn + broker)' connack; echo; latency_row 'PUBLISH → PUBACK' puback)"
# RSS in MB per process: the peak, and the last sample taken while it ran.
rss_rows="$(awk '{
    for (i = 2; i <= NF; i++) {
      split($i, kv, "=")
      if (kv[2] !~ /^[0-9]+$/) continue  # empty while a process is exiting
      mb = int(kv[2] / 1024)
      if (mb > peak[kv[1]]) peak[kv[1]] = mb
      if (mb > 0) last[kv[1]] = mb
    }
  }
  END {
    n = split("gateway auth-gate pki-ca cert-enrollment mosquitto tbox-sim", order, " ")
    for (i = 1; i <= n; i++) if (last[order[i]] > 0) printf "| %s | %d | %d |\n", order[i], peak[order[i]], last[order[i]]
  }' "$work/rss.log")"
if awk -v got="$(j connections.connectsPerSecond)" -v ramp="$RAMP" 'BEGIN { exit !(got >= 0.95 * ramp) }'; then
  keep_up="The stack kept up with the ramp: $connects_per_second connects/s for a RAMP of $RAMP/s (a higher RAMP measures the ceiling)."
else
  keep_up="The connect rate ($connects_per_second/s) stayed below the RAMP of $RAMP/s: the stack (or the client on the same cores) is the bound here."
fi
body="$(render bench/templates/e2e.md.tmpl)"
result_header "End-to-end load: $n_shown vehicles over TLCP through the whole stack" "$body" >"$out"
cat "$out"

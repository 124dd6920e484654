#!/usr/bin/env bash
# Revocation to closed connection (issue 13): 2 pki-ca nodes on one PostgreSQL database and 2 gm-tls-proxy
# gateways as processes, a private Mosquitto behind the gateways, and a client (tbox-sim's
# RevocationBench, in its test classes) holding one live MQTT connection per vehicle through each gateway
# — even vehicles over TLCP, odd ones over TLS 1.3. The client revokes the vehicles one by one through the
# CA nodes' admin API (alternating nodes) and times each from the revoke call returning to the connection
# closed, on each gateway. Scenarios (SCENARIOS, in order):
#   crl     the "before": no feed, the gateways poll the CRL every CRL_REFRESH (the demo's 30 s), CRL_N revocations
#   feed    the revocation feed (gateway 1 streams from node 1 through a relay the client runs, gateway 2
#           from node 2; CRL hourly), N revocations, then the outage: the client cuts gateway 1's feed path,
#           revokes OUTAGE more vehicles, restores the path and times the catch-up from the reconnect
# Writes bench/results/revocation.md: p50/p90/p99/max per gateway and scenario, the catch-up, the machine.
#
#   bench/revocation.sh                     N=100 OUTAGE=10 CRL_N=20 CRL_REFRESH=30s PACE_MS=500
#   SCENARIOS=crl N=10 bench/revocation.sh  (the harness without the feed)
# Needs: the jars (mvn -B -q -DskipTests package), PostgreSQL at 127.0.0.1:5432 (trust, user postgres),
# /usr/sbin/mosquitto. Waits (up to WAIT_LOAD s) for a load average below MAX_LOAD. SKIP_BUILD=1 reuses
# the client's last build.
set -euo pipefail
log_tag=revocation
. "$(dirname "$0")/lib.sh"
N="${N:-100}"
OUTAGE="${OUTAGE:-10}"
CRL_N="${CRL_N:-20}"
CRL_REFRESH="${CRL_REFRESH:-30s}"
PACE_MS="${PACE_MS:-500}"
SCENARIOS="${SCENARIOS:-crl feed}"
MAX_LOAD="${MAX_LOAD:-3}"
WAIT_LOAD="${WAIT_LOAD:-600}"
DB_NAME="${DB_NAME:-gmtls_bench_revocation}"
work="$root/bench/work/revocation"
demo="$work"  # start_service (demo/lib.sh) records the pids there
out="$root/bench/results/revocation.md"
admin_db="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"
db_url="jdbc:postgresql://127.0.0.1:5432/$DB_NAME?user=postgres"

command -v /usr/sbin/mosquitto >/dev/null || die "/usr/sbin/mosquitto is needed"
require_jars "$jar_certs" "$jar_ca" "$jar_gateway"
client_cp="$(test_classpath tbox-sim)"

wait_for_quiet "$MAX_LOAD" "$WAIT_LOAD"
load_before="$(load_average)"
say "load average before: $load_before (waited ${waited}s)"

# ---- private copies of the jars: a rebuild during the run must not pull classes from under the JVMs
rm -rf "$work"
mkdir -p "$work/logs"
cp "$jar_ca" "$work/pki-ca.jar"
cp "$jar_gateway" "$work/gm-tls-proxy.jar"
: >"$work/pids"

stop_services_on_exit
drop_database() { (run_sql "$admin_db" "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)") >/dev/null 2>&1 || true; }
trap 'stop_services; drop_database' EXIT
drop_database
run_sql "$admin_db" "CREATE DATABASE $DB_NAME" >/dev/null

# stop_pid PID: SIGTERM, and wait for it (a gateway is restarted with another configuration)
stop_pid() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# ---- the broker behind the gateways, the PKI, the secrets
broker_port="$(free_port)"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker_port" >"$work/mosquitto.conf"
start_service mosquitto "$work/logs/mosquitto.log" /usr/sbin/mosquitto -c "$work/mosquitto.conf"
wait_until 20 port_open 127.0.0.1 "$broker_port"

vehicles=$((CRL_N + N + OUTAGE + 2))
java -jar "$jar_certs" --out "$work/pki" --vehicles "$vehicles" --model GMTDEV01 -q
(umask 077 && random_hex 24 >"$work/operator.key" && random_hex 24 >"$work/gateway-feed.key")
operator_sm3="$(sm3_hex "$(cat "$work/operator.key")")"
gateway_sm3="$(sm3_hex "$(cat "$work/gateway-feed.key")")"
export GMTLS_CA_KEY_PASSPHRASE
GMTLS_CA_KEY_PASSPHRASE="$(random_hex 16)"

# ---- two CA nodes on one database: node 1 imports the PKI (its vehicles become known), node 2 joins
case " $SCENARIOS " in *" feed "*) feed_wanted=1 ;; *) feed_wanted=0 ;; esac
ca_ports=("$(free_port)" "$(free_port)")
for n in 1 2; do
  args=(--server.port="${ca_ports[$((n - 1))]}" --server.address=127.0.0.1 --spring.main.banner-mode=off
    --gmtls.db.mode=external --gmtls.db.url="$db_url" --gmtls.db.pool-size=8 --gmtls.ca.key-dir="$work/ca-keys"
    "--gmtls.api-keys[0].name=bench-operator" "--gmtls.api-keys[0].role=operator" "--gmtls.api-keys[0].sm3=$operator_sm3")
  if [ "$feed_wanted" -eq 1 ]; then
    args+=("--gmtls.api-keys[1].name=bench-gateway" "--gmtls.api-keys[1].role=gateway" "--gmtls.api-keys[1].sm3=$gateway_sm3")
  fi
  if [ "$n" -eq 1 ]; then
    args+=(--gmtls.ca.bootstrap.mode=import --gmtls.ca.bootstrap.import-dir="$work/pki"
      --gmtls.ca.bootstrap.import-end-entities=true)
  else
    args+=(--gmtls.ca.bootstrap.mode=none)
  fi
  start_service "pki-ca-$n" "$work/logs/pki-ca-$n.log" java -Xmx384m -jar "$work/pki-ca.jar" "${args[@]}"
  wait_until 300 http_ok "${ca_ports[$((n - 1))]}" /actuator/health
done
ca_urls="http://127.0.0.1:${ca_ports[0]},http://127.0.0.1:${ca_ports[1]}"

# ---- the gateways: start_gateways CRL_REFRESH FEED(0|1); gateway 1's feed goes through the client's
# relay (relay_port → node 1), gateway 2's straight to node 2.
gateway_pids=()
start_gateways() {
  local n feed_base
  gateway_ports=("$(free_port)" "$(free_port)")
  admin_ports=("$(free_port)" "$(free_port)")
  relay_port="$(free_port)"
  for n in 1 2; do
    node_id="bench-$n" gateway_port="${gateway_ports[$((n - 1))]}" admin_port="${admin_ports[$((n - 1))]}"
    crl_base="http://127.0.0.1:${ca_ports[$((n - 1))]}" crl_refresh="$1" feed_yaml=""
    if [ "$2" -eq 1 ]; then
      if [ "$n" -eq 1 ]; then feed_base="http://127.0.0.1:$relay_port"; else feed_base="$crl_base"; fi
      feed_yaml="  feed:
    urls: [\"$feed_base/api/v1/revocations/feed\"]
    api-key-file: gateway-feed.key
    idle-timeout: 15s
    reconnect-backoff: 200ms"
    fi
    render bench/templates/revocation-gateway.yaml.tmpl >"$work/gateway-$n.yaml"
    start_service "gateway-$n" "$work/logs/gateway-$n.log" java -Xmx256m -jar "$work/gm-tls-proxy.jar" \
      --config "$work/gateway-$n.yaml"
    gateway_pids+=("${pids[-1]}")
    wait_until 120 http_ok "${admin_ports[$((n - 1))]}" /health
  done
}
stop_gateways() {
  local pid
  for pid in "${gateway_pids[@]}"; do stop_pid "$pid"; done
  gateway_pids=()
}

# client LABEL FIRST COUNT [JVM OPTION...]: the RevocationBench run; appends its rows to $work/rows.md
client() {
  local label="$1" first="$2" count="$3"
  shift 3
  java -Xmx1g -Dbench.pki="$work/pki" -Dbench.ca="$ca_urls" -Dbench.operator-key-file="$work/operator.key" \
    -Dbench.gateways="${gateway_ports[0]},${gateway_ports[1]}" -Dbench.label="$label" -Dbench.first="$first" \
    -Dbench.revocations="$count" -Dbench.pace="$PACE_MS" "$@" \
    -cp "$client_cp" io.gmtls.tboxsim.bench.RevocationBench "$work/rows.md" 2>"$work/logs/client-${label%% *}.log" \
    || { tail -n 30 "$work/logs/client-${label%% *}.log" >&2; die "the client failed ($label)"; }
}

: >"$work/rows.md"
first=0
for scenario in $SCENARIOS; do
  case "$scenario" in
    crl)
      say "CRL polling every $CRL_REFRESH, no feed: $CRL_N revocations"
      start_gateways "$CRL_REFRESH" 0
      refresh_s="${CRL_REFRESH%s}"
      # Spread over one polling interval, so that the revocations fall everywhere in it.
      client "CRL polling every $CRL_REFRESH, no feed" "$first" "$CRL_N" -Dbench.wait=$((refresh_s * 2 + 30)) \
        -Dbench.pace=$((refresh_s * 1000 / CRL_N))
      first=$((first + CRL_N))
      stop_gateways
      ;;
    feed)
      say "revocation feed (CRL hourly): $N revocations, then $OUTAGE during a cut of gateway 1's feed"
      start_gateways 1h 1
      client "feed" "$first" "$N" -Dbench.outage="$OUTAGE" -Dbench.relay="$relay_port:${ca_ports[0]}" -Dbench.wait=60
      for n in 1 2; do http_body "${admin_ports[$((n - 1))]}" /metrics >"$work/gateway-$n-metrics.txt" || true; done
      first=$((first + N + OUTAGE))
      stop_gateways
      ;;
    *) die "unknown scenario '$scenario' (crl, feed)" ;;
  esac
done

# ---- the report
rows="$(grep '^|' "$work/rows.md")"
notes="$(sed -n 's/^<!-- \(.*\) -->$/- Outage: \1./p' "$work/rows.md")"
body="$(cat <<EOF
Two pki-ca nodes (\`pki-ca.jar\`, one PostgreSQL database) and two gm-tls-proxy gateways as processes on
this machine, a private Mosquitto behind the gateways (no PPv2), and tbox-sim's \`RevocationBench\` holding
one live MQTT connection per vehicle through each gateway (even vehicles over TLCP with their SM2
certificates, odd ones over TLS 1.3 with their ECDSA certificates). Each vehicle's certificate is
revoked (keyCompromise) through a CA node's admin API, alternating nodes, one call every $PACE_MS ms; a
revocation is timed from the revoke call returning to the connection closed, on each gateway (the close
is stamped on the client connection's I/O thread). Gateway 1 streams the feed from node 1, gateway 2
from node 2, so half the revocations reach a gateway's feed through the other node (LISTEN/NOTIFY).
Percentiles are nearest-rank. A negative time means the connection closed before the revoke call's
answer reached the client: the CA commits the revocation (and its feed event) and then republishes the
CRL before it answers, so the feed usually wins. The column "from the call's start" times the same
closes from the moment the revoke request was sent, which bounds the whole path (HTTP call, commit,
NOTIFY to the other node, feed, gateway) from above.

| scenario | gateway | revocations | p50 | p90 | p99 | max | p99 / max from the call's start | not closed |
|---|---|---|---|---|---|---|---|---|
$rows

${notes:-}
- "CRL polling" is the gateways without the feed, refreshing the CRL every $CRL_REFRESH (the demo's
  setting), with the $CRL_N revocations spread over one interval: the time is wherever in the polling
  interval the revocation fell.
- "feed": the gateways stream \`/api/v1/revocations/feed\`; their CRL refresh is 1 h so that the feed alone
  is measured. Outage: the client cuts gateway 1's path to node 1 (its relay closes every connection
  and refuses new ones), revokes $OUTAGE more vehicles, restores the path; the gateway reconnects by its
  backoff (200 ms doubling to 5 s) with Last-Event-ID, and "reconnect → closed" is timed from the moment
  it reconnected (its "from the call's start" includes the time the path stayed cut).
EOF
)"
result_header "Revocation to closed connection: 2 CA nodes, 2 gateways" "$body" >"$out"
cat "$out"

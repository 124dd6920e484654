#!/usr/bin/env bash
# gmtls-demo.sh — the whole GM TLS stack on one machine, in the foreground, on embedded defaults:
#
#   PostgreSQL ─ pki-ca (CA, CRL/OCSP, broker auth endpoint) ─ cert-enrollment
#   gm-tls-proxy (MQTT over TLCP + TLS 1.3 on one port, enrollment on another)
#     └─PPv2─▶ broker-adapter auth gate ─▶ embedded MQTT broker (Moquette)
#
# First start: builds the jars if missing, generates a development PKI (certs-dev) into
# .gmtls-demo/pki, secrets and configuration files into .gmtls-demo/; the CA is bootstrapped from
# that PKI (its vehicles, model, revoked vehicle and gateway certificates become known to the CA).
# Later starts reuse all of it (PKI, database, CA keys). Ctrl-C stops every service, in order.
# The configuration files are made from demo/templates/; the helpers are in demo/lib.sh.
#
# Environment (all optional):
#   GMTLS_JDBC_URL         PostgreSQL to use (jdbc:postgresql://HOST:PORT/DB?user=U[&password=P]);
#                          default: the local one at 127.0.0.1:5432 (user postgres, database
#                          gmtls_demo, created if missing). If it does not answer, an embedded
#                          PostgreSQL is started (not as root: PostgreSQL refuses to run as root).
#   GMTLS_DEMO_DB          auto (default) | external | embedded
#   GMTLS_DEMO_DB_NAME     database made on the local PostgreSQL (gmtls_demo)
#   GMTLS_DEMO_BROKER      host:port of an MQTT broker to use instead of the embedded one
#   GMTLS_DEMO_DIR         where everything the demo makes is kept (.gmtls-demo)
#   GMTLS_DEMO_VEHICLES    vehicles in the generated PKI (10)
#   GMTLS_DEMO_BUILD=1     rebuild the jars even if they exist
#   GMTLS_DEMO_JAVA_OPTS   extra JVM options for every service
#   ports: GMTLS_DEMO_MQTT_PORT (8883), GMTLS_DEMO_ENROLL_PORT (8443), GMTLS_DEMO_PKI_PORT (18080),
#          GMTLS_DEMO_ENROLL_UPSTREAM_PORT (18090), GMTLS_DEMO_GATEWAY_ADMIN_PORT (18081),
#          GMTLS_DEMO_GATE_PORT (11884), GMTLS_DEMO_GATE_METRICS_PORT (19464),
#          GMTLS_DEMO_BROKER_PORT (11883), GMTLS_DEMO_PG_PORT (15432, embedded PostgreSQL)
#
# ./gmtls-demo.sh revoke VIN (in another terminal, the stack running): revokes the vehicle's certificates
# through pki-ca's admin API and shows its live session closed by the gateway (demo/revoke.sh).
set -euo pipefail

root="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = "revoke" ]; then
  shift
  exec "$root/demo/revoke.sh" "$@"
fi
[ $# -eq 0 ] || { echo "usage: $0            (start the stack)" >&2; echo "       $0 revoke VIN (on the running stack)" >&2; exit 2; }
. "$root/demo/lib.sh"
templates="$root/demo/templates"
demo="${GMTLS_DEMO_DIR:-$root/.gmtls-demo}"
case "$demo" in /*) ;; *) demo="$PWD/$demo" ;; esac
pki="$demo/pki"
logs="$demo/logs"
secrets="$demo/secrets"
ca_keys="$demo/ca-keys"
model="GMTDEV01"

mqtt_port="${GMTLS_DEMO_MQTT_PORT:-8883}"
enroll_port="${GMTLS_DEMO_ENROLL_PORT:-8443}"
pki_port="${GMTLS_DEMO_PKI_PORT:-18080}"
enroll_upstream_port="${GMTLS_DEMO_ENROLL_UPSTREAM_PORT:-18090}"
gateway_admin_port="${GMTLS_DEMO_GATEWAY_ADMIN_PORT:-18081}"
gate_port="${GMTLS_DEMO_GATE_PORT:-11884}"
gate_metrics_port="${GMTLS_DEMO_GATE_METRICS_PORT:-19464}"
broker_port="${GMTLS_DEMO_BROKER_PORT:-11883}"
pg_port="${GMTLS_DEMO_PG_PORT:-15432}"
vehicles="${GMTLS_DEMO_VEHICLES:-10}"
java_opts=(${GMTLS_DEMO_JAVA_OPTS:-})
stop_services_on_exit

# ---- 0. what this machine has
command -v java >/dev/null || die "java not found: install Java 17 (e.g. apt-get install openjdk-17-jdk-headless)"
java_major="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "Java 17 or newer needed (found ${java_major:-unknown})"
mkdir -p "$demo" "$logs"
chmod 700 "$demo"

# ---- 1. ports: fixed defaults, fail clearly when one is taken
require_free "$pki_port" "pki-ca" GMTLS_DEMO_PKI_PORT
require_free "$enroll_upstream_port" "cert-enrollment" GMTLS_DEMO_ENROLL_UPSTREAM_PORT
require_free "$mqtt_port" "gateway MQTT" GMTLS_DEMO_MQTT_PORT
require_free "$enroll_port" "gateway enrollment" GMTLS_DEMO_ENROLL_PORT
require_free "$gateway_admin_port" "gateway admin" GMTLS_DEMO_GATEWAY_ADMIN_PORT
require_free "$gate_port" "auth gate" GMTLS_DEMO_GATE_PORT
require_free "$gate_metrics_port" "auth gate metrics" GMTLS_DEMO_GATE_METRICS_PORT
if [ -z "${GMTLS_DEMO_BROKER:-}" ]; then
  require_free "$broker_port" "embedded MQTT broker" GMTLS_DEMO_BROKER_PORT
fi

# ---- 2. jars (first start only, or GMTLS_DEMO_BUILD=1)
missing=0
for j in "${all_jars[@]}"; do [ -f "$j" ] || missing=1; done
if [ "$missing" -eq 1 ] || [ "${GMTLS_DEMO_BUILD:-0}" = "1" ]; then
  command -v mvn >/dev/null || die "the jars are not built and mvn is not installed (apt-get install maven)"
  say "building the jars (mvn -B -q -DskipTests package; the first build downloads dependencies)…"
  (cd "$root" && mvn -B -q -DskipTests package) || die "the build failed (see above)"
fi

# ---- 3. development PKI, secrets
if [ ! -f "$pki/manifest.json" ]; then
  say "generating the development PKI ($vehicles vehicles, model $model) into $(rel "$pki")"
  java -jar "$jar_certs" --out "$pki" --vehicles "$vehicles" --model "$model" -q
else
  say "reusing the development PKI in $(rel "$pki")"
fi
mkdir -p "$secrets"
chmod 700 "$secrets"
for s in ca-key-passphrase operator-api-key broker-api-key gateway-feed-api-key; do
  [ -s "$secrets/$s" ] || (umask 077 && random_hex 24 >"$secrets/$s")
done
operator_key="$(cat "$secrets/operator-api-key")"
if [ ! -s "$secrets/api-key-hashes" ]; then
  { sm3_hex "$operator_key"; sm3_hex "$(cat "$secrets/broker-api-key")"; } >"$secrets/api-key-hashes"
fi
# The gateway's key for the revocation feed (role gateway); a demo folder made before it gets it now.
if [ "$(wc -l <"$secrets/api-key-hashes")" -lt 3 ]; then
  sm3_hex "$(cat "$secrets/gateway-feed-api-key")" >>"$secrets/api-key-hashes"
fi
operator_sm3="$(sed -n 1p "$secrets/api-key-hashes")"
broker_sm3="$(sed -n 2p "$secrets/api-key-hashes")"
gateway_sm3="$(sed -n 3p "$secrets/api-key-hashes")"

# ---- 4. the database: the configured one, else the local one, else embedded (chosen once, kept)
choose_database
claim_database "$pki/sm2/root-ca.crt"
if [ "$remember_db" -eq 1 ]; then
  printf 'db_mode=%q\ndb_url=%q\n' "$db_mode" "$db_url" >"$demo/database.env"
fi
if [ "$db_mode" = "embedded" ]; then
  # pki-ca starts it on this fixed port (gmtls.db.embedded-port); cert-enrollment connects to the same server.
  db_url="jdbc:postgresql://127.0.0.1:$pg_port/postgres?user=postgres"
fi
db_url_shown="${db_url%%\?*}"

# ---- 5. configuration files, from demo/templates
if [ -n "${GMTLS_DEMO_BROKER:-}" ]; then
  broker_yaml="  address: ${GMTLS_DEMO_BROKER}"
  broker_where="$GMTLS_DEMO_BROKER (GMTLS_DEMO_BROKER)"
else
  broker_yaml="  embedded:
    bind: 127.0.0.1:$broker_port"
  broker_where="127.0.0.1:$broker_port (embedded Moquette)"
fi
render "$templates/pki-ca.yml.tmpl" >"$demo/pki-ca.yml"
render "$templates/gate.yaml.tmpl" >"$demo/gate.yaml"
render "$templates/gateway.yaml.tmpl" >"$demo/gateway.yaml"

# ---- 6. the services, each waited for (their process ids also go to $demo/pids, for tools)
: >"$demo/pids"
export GMTLS_CA_KEY_PASSPHRASE
GMTLS_CA_KEY_PASSPHRASE="$(cat "$secrets/ca-key-passphrase")"
common_spring=(--spring.config.additional-location="file:$demo/pki-ca.yml")

ca_args=("${common_spring[@]}" --server.port="$pki_port")
if [ "$db_mode" = "embedded" ]; then
  ca_args+=(--gmtls.db.embedded-dir="$demo/postgres" --gmtls.db.embedded-port="$pg_port")
fi
start_service pki-ca "$logs/pki-ca.log" java "${java_opts[@]}" -Xmx384m -jar "$jar_ca" "${ca_args[@]}"
wait_until 300 http_ok "$pki_port" /actuator/health

start_service cert-enrollment "$logs/cert-enrollment.log" java "${java_opts[@]}" -Xmx384m -jar "$jar_enroll" \
  "${common_spring[@]}" --server.port="$enroll_upstream_port" --gmtls.db.mode=external --gmtls.db.url="$db_url" \
  --gmtls.ca.bootstrap.mode=none --gmtls.ca.bootstrap.import-end-entities=false --gmtls.enrollment.gateways=127.0.0.1
wait_until 300 port_open 127.0.0.1 "$enroll_upstream_port"

start_service auth-gate "$logs/gate.log" java "${java_opts[@]}" -Xmx256m -jar "$jar_gate" --config "$demo/gate.yaml"
wait_until 120 http_ok "$gate_metrics_port" /metrics

start_service gateway "$logs/gateway.log" java "${java_opts[@]}" -jar "$jar_gateway" --config "$demo/gateway.yaml"
wait_until 120 http_ok "$gateway_admin_port" /health

# ---- 7. VINs for the enrollment example (registered to the model, not yet enrolled); once
if [ ! -f "$demo/enroll-vins.registered" ]; then
  csv=""
  for i in $(seq 1 20); do csv+="$(printf 'LGMENR%011d' "$i")"$'\n'; done
  status="$(HTTP_API_KEY="$operator_key" http_status POST "$pki_port" "/api/v1/admin/vehicles/import?model=$model" text/csv "$csv")"
  case "$status" in
    201|409) touch "$demo/enroll-vins.registered" ;;
    *) say "warning: registering the enrollment VINs answered HTTP ${status:-nothing}; the enroll example will be refused" ;;
  esac
fi

# ---- 8. endpoints (endpoints.json for tools) and the next command to try
sim="java -jar $jar_sim"
try_connect="$sim connect --pki $pki --host localhost --port $mqtt_port -t tlcp -n 3 --messages 5 --publish-rate 2"
broker_hostport="${GMTLS_DEMO_BROKER:-127.0.0.1:$broker_port}"
try_subscribe="$sim subscribe -t plain --host ${broker_hostport%:*} --port ${broker_hostport##*:} --topic 'vehicle/+/telemetry'"
try_enroll="$sim enroll --pki $pki --host localhost --port $enroll_port --vin-prefix LGMENR -n 5 --out $demo/enrolled"
try_enrolled="$sim connect --pki $pki --credentials $demo/enrolled --host localhost --port $mqtt_port --messages 3"
try_revoke="$root/gmtls-demo.sh revoke LGMDEV00000000003"
try_tls13="$sim connect --pki $pki --host localhost --port $mqtt_port -t tls13 -n 3 --messages 5 --publish-rate 2"
render "$templates/endpoints.json.tmpl" json >"$demo/endpoints.json"
pki_rel="$(rel "$pki")" secrets_rel="$(rel "$secrets")" logs_rel="$(rel "$logs")" demo_rel="$(rel "$demo")"
render "$templates/next-steps.txt.tmpl"

# ---- 9. run until Ctrl-C, or until a service dies
run_until_one_stops

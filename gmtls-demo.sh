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
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
demo="${GMTLS_DEMO_DIR:-$here/.gmtls-demo}"
case "$demo" in /*) ;; *) demo="$PWD/$demo" ;; esac
pki="$demo/pki"
logs="$demo/logs"
secrets="$demo/secrets"
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

rel() { case "$1" in "$here"/*) printf '%s' "${1#"$here"/}" ;; *) printf '%s' "$1" ;; esac; }
say() { printf '[demo] %s\n' "$*" 2>/dev/null || true; }
die() { printf '[demo] ERROR: %s\n' "$*" >&2; exit 1; }

# ---- processes: each started in a session of its own (setsid), so that Ctrl-C reaches only this
# script, which then stops them in reverse order of start and waits for each.
command -v setsid >/dev/null || die "setsid not found (package util-linux)"
pids=()
names=()
stopping=0
stop_all() {
  [ "$stopping" -eq 1 ] && return
  stopping=1
  # Whatever happens to our output now (a closed terminal or pipe), the services still get stopped.
  set +e
  trap '' HUP
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      say "stopping ${names[$i]} (pid ${pids[$i]})"
      kill -TERM "${pids[$i]}" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.2; done
      if kill -0 "${pids[$i]}" 2>/dev/null; then
        say "${names[$i]} did not stop within 20 s: killing it"
        kill -KILL "${pids[$i]}" 2>/dev/null || true
      fi
      wait "${pids[$i]}" 2>/dev/null || true
    fi
  done
}
# Output may go to a pipe that dies with Ctrl-C (./gmtls-demo.sh | tee log): never let a write kill
# the script before it has stopped the services.
trap '' PIPE
trap 'stop_all' EXIT
trap 'printf "\n" 2>/dev/null; say "stopping (Ctrl-C)"; exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

start_service() { # NAME LOGFILE COMMAND...
  local name="$1" log="$2"
  shift 2
  : >"$log"
  setsid "$@" >>"$log" 2>&1 </dev/null &
  pids+=("$!")
  names+=("$name")
  echo "$name $!" >>"$demo/pids"
  say "started $name (pid $!, log $(rel "$log"))"
}

alive_or_die() { # NAME PID LOG
  if ! kill -0 "$2" 2>/dev/null; then
    printf '[demo] %s exited during startup; the end of %s:\n' "$1" "$3" >&2
    tail -n 25 "$3" >&2 || true
    exit 1
  fi
}

# ---- tiny network helpers (bash /dev/tcp: no curl needed on a fresh machine)
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

require_free() { # PORT WHAT ENVVAR
  if port_open 127.0.0.1 "$1"; then
    die "port $1 ($2) is in use on this machine; stop what listens there or choose another port: $3=PORT ./gmtls-demo.sh"
  fi
}

# http METHOD PORT PATH [CONTENT_TYPE BODY]: HTTP/1.0 to 127.0.0.1; prints the status line, headers
# and body. The API key (if any) comes from $HTTP_API_KEY, never from the command line.
http() {
  timeout 20 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    {
      printf "%s %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nAccept: application/json\r\n" "$0" "$2" "$1"
      [ -n "${HTTP_API_KEY:-}" ] && printf "X-API-Key: %s\r\n" "$HTTP_API_KEY"
      if [ -n "$3" ]; then
        printf "Content-Type: %s\r\nContent-Length: %s\r\n\r\n%s" "$3" "$(printf %s "$4" | wc -c)" "$4"
      else
        printf "\r\n"
      fi
    } >&3
    cat <&3' "$1" "$2" "$3" "${4:-}" "${5:-}"
}
http_status() { http "$@" 2>/dev/null | awk 'NR == 1 { print $2 }'; }  # awk reads everything: no SIGPIPE under pipefail

wait_until() { # NAME PID LOG SECONDS CHECK...
  local name="$1" pid="$2" log="$3" seconds="$4"
  shift 4
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    alive_or_die "$name" "$pid" "$log"
    [ "$SECONDS" -ge "$deadline" ] && die "$name not healthy after ${seconds}s; see $log"
    sleep 1
  done
  say "$name is up"
}
http_ok() { [ "$(http_status GET "$1" "$2")" = "200" ]; }

random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

json_string() { # a JSON string literal
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}

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
jar_certs="$here/certs-dev/target/certs-dev.jar"
jar_ca="$here/pki-ca/target/pki-ca.jar"
jar_enroll="$here/cert-enrollment/target/cert-enrollment.jar"
jar_gateway="$here/gm-tls-proxy/target/gm-tls-proxy.jar"
jar_gate="$here/broker-adapter/target/broker-adapter.jar"
jar_sim="$here/tbox-sim/target/tbox-sim.jar"
missing=0
for j in "$jar_certs" "$jar_ca" "$jar_enroll" "$jar_gateway" "$jar_gate" "$jar_sim"; do
  [ -f "$j" ] || missing=1
done
if [ "$missing" -eq 1 ] || [ "${GMTLS_DEMO_BUILD:-0}" = "1" ]; then
  command -v mvn >/dev/null || die "the jars are not built and mvn is not installed (apt-get install maven)"
  say "building the jars (mvn -B -q -DskipTests package; the first build downloads dependencies)…"
  (cd "$here" && mvn -B -q -DskipTests package) || die "the build failed (see above)"
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
for s in ca-key-passphrase operator-api-key broker-api-key; do
  if [ ! -s "$secrets/$s" ]; then
    (umask 077 && random_hex 24 >"$secrets/$s")
  fi
done
sm3_hex() { # the SM3 hash pki-ca expects for an API key
  if command -v openssl >/dev/null && openssl dgst -sm3 </dev/null >/dev/null 2>&1; then
    printf %s "$1" | openssl dgst -sm3 -r | cut -d' ' -f1
  else
    java -jar "$jar_ca" hash-key "$1" | tail -n 1
  fi
}
operator_key="$(cat "$secrets/operator-api-key")"
if [ ! -s "$secrets/api-key-hashes" ]; then
  { sm3_hex "$operator_key"; sm3_hex "$(cat "$secrets/broker-api-key")"; } >"$secrets/api-key-hashes"
fi
operator_sm3="$(sed -n 1p "$secrets/api-key-hashes")"
broker_sm3="$(sed -n 2p "$secrets/api-key-hashes")"

# ---- 4. the database: the configured one, else the local one, else embedded (chosen once, kept)
db_state="$demo/database.env"
db_mode=""
db_url=""
remember_db=0
jdbc_host_port() { # jdbc:postgresql://HOST[:PORT]/... -> "HOST PORT"
  local rest="${1#jdbc:postgresql://}"
  rest="${rest%%/*}"
  case "$rest" in
    \[*\]:*) echo "${rest%%]:*} ${rest##*]:}" | tr -d '[' ;;
    *:*) echo "${rest%%:*} ${rest##*:}" ;;
    *) echo "$rest 5432" ;;
  esac
}
jdbc_reachable() { local hp; hp="$(jdbc_host_port "$1")"; port_open ${hp}; }

# Runs SQL statements on a PostgreSQL server through JDBC (the driver from the Maven repository):
# psql may not be installed. Exit 0 and prints the first column of the last query's rows.
run_sql() { # JDBC_URL SQL...
  local driver
  driver="$(ls "${MAVEN_REPO:-$HOME/.m2/repository}"/org/postgresql/postgresql/*/postgresql-*.jar 2>/dev/null \
    | grep -v -e sources -e javadoc | sort -V | tail -n 1)"
  [ -n "$driver" ] || die "no PostgreSQL JDBC driver in ~/.m2 (it comes with the build)"
  mkdir -p "$demo/bin"
  cat >"$demo/bin/DemoSql.java" <<'JAVA'
import java.sql.*;
public class DemoSql {
    public static void main(String[] a) throws Exception {
        try (Connection c = DriverManager.getConnection(a[0]); Statement s = c.createStatement()) {
            for (int i = 1; i < a.length; i++) {
                if (s.execute(a[i])) {
                    try (ResultSet r = s.getResultSet()) { while (r.next()) System.out.println(r.getString(1)); }
                }
            }
        } catch (SQLException e) {
            System.err.println("PostgreSQL: " + e.getMessage());
            System.exit(1);
        }
    }
}
JAVA
  java -cp "$driver" "$demo/bin/DemoSql.java" "$@"
}

if [ -f "$db_state" ] && [ -z "${GMTLS_DEMO_DB:-}" ] && [ -z "${GMTLS_JDBC_URL:-}" ]; then
  # shellcheck disable=SC1090
  . "$db_state"
  say "reusing the $db_mode database of the first start ($db_state)"
  if [ "$db_mode" = "external" ] && ! jdbc_reachable "$db_url"; then
    die "the database of the first start ($db_url) does not answer. Start it, or delete $db_state to choose again"
  fi
else
  choice="${GMTLS_DEMO_DB:-auto}"
  candidate="${GMTLS_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}"
  case "$choice" in
    external) jdbc_reachable "$candidate" || die "GMTLS_DEMO_DB=external but $candidate does not answer"; db_mode=external ;;
    embedded) db_mode=embedded ;;
    auto) if jdbc_reachable "$candidate"; then db_mode=external; else db_mode=embedded; fi ;;
    *) die "GMTLS_DEMO_DB must be auto, external or embedded (was '$choice')" ;;
  esac
  if [ "$db_mode" = "external" ]; then
    if [ -n "${GMTLS_JDBC_URL:-}" ]; then
      db_url="$GMTLS_JDBC_URL"
      say "using the configured PostgreSQL (GMTLS_JDBC_URL)"
    else
      db_name="${GMTLS_DEMO_DB_NAME:-gmtls_demo}"
      [[ "$db_name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "GMTLS_DEMO_DB_NAME must be a lowercase SQL name"
      exists="$(run_sql "$candidate" "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" \
        || die "cannot use the PostgreSQL at 127.0.0.1:5432 as user postgres (see above); set GMTLS_JDBC_URL=jdbc:postgresql://HOST:PORT/DB?user=USER&password=PW"
      if [ -z "$exists" ]; then
        run_sql "$candidate" "CREATE DATABASE $db_name" >/dev/null
        say "created database $db_name on the local PostgreSQL (127.0.0.1:5432)"
      else
        say "using the existing database $db_name on the local PostgreSQL (127.0.0.1:5432)"
      fi
      db_url="jdbc:postgresql://127.0.0.1:5432/$db_name?user=postgres"
    fi
  else
    if [ "$(id -u)" -eq 0 ]; then
      die "no PostgreSQL answers (${candidate%%\?*}), and the embedded PostgreSQL cannot run as root (PostgreSQL refuses to). Either run ./gmtls-demo.sh as a normal user, or start a PostgreSQL server (e.g. pg_ctlcluster 15 main start) or point GMTLS_JDBC_URL at one: GMTLS_JDBC_URL='jdbc:postgresql://HOST:5432/DB?user=USER' ./gmtls-demo.sh"
    fi
    require_free "$pg_port" "embedded PostgreSQL" GMTLS_DEMO_PG_PORT
    if [ "$choice" = "embedded" ]; then
      say "using an embedded PostgreSQL (GMTLS_DEMO_DB=embedded; data in $(rel "$demo/postgres"), port $pg_port)"
    else
      say "no PostgreSQL answers at ${candidate%%\?*}: using an embedded one (data in $(rel "$demo/postgres"), port $pg_port)"
    fi
  fi
  remember_db=1
fi
if [ "$db_mode" = "embedded" ]; then
  [ "$(id -u)" -ne 0 ] || die "this demo folder uses the embedded PostgreSQL, which cannot run as root: run ./gmtls-demo.sh as the user who started it first (or delete $db_state)"
  require_free "$pg_port" "embedded PostgreSQL" GMTLS_DEMO_PG_PORT
fi
# The demo's database belongs to this demo folder's PKI: refuse one bootstrapped from another PKI.
pki_id="$(cksum <"$pki/sm2/root-ca.crt" | awk '{print $1}')"
if [ "$db_mode" = "external" ]; then
  owner="$(run_sql "$db_url" "CREATE TABLE IF NOT EXISTS gmtls_demo_owner (pki_root text NOT NULL)" \
    "INSERT INTO gmtls_demo_owner SELECT '$pki_id' WHERE NOT EXISTS (SELECT 1 FROM gmtls_demo_owner)" \
    "SELECT pki_root FROM gmtls_demo_owner")" || die "cannot use the database $db_url (see above)"
  [ "$owner" = "$pki_id" ] || die "the database ${db_url%%\?*} holds a CA bootstrapped from another demo folder's PKI. Drop it (DROP DATABASE …) or use another: GMTLS_DEMO_DB_NAME=gmtls_demo2 ./gmtls-demo.sh"
fi
if [ "$remember_db" -eq 1 ]; then
  printf 'db_mode=%q\ndb_url=%q\n' "$db_mode" "$db_url" >"$db_state"
fi
if [ "$db_mode" = "embedded" ]; then
  # pki-ca starts it on this fixed port (gmtls.db.embedded-port); cert-enrollment connects to the same server.
  db_url="jdbc:postgresql://127.0.0.1:$pg_port/postgres?user=postgres"
fi

# ---- 5. configuration files
ca_keys="$demo/ca-keys"
cat >"$demo/pki-ca.yml" <<EOF
# Generated by gmtls-demo.sh: pki-ca and cert-enrollment (the CA core runs in both, on one database).
server:
  address: 127.0.0.1
gmtls:
  db:
    mode: $db_mode
    url: "$db_url"
    pool-size: 8
  ca:
    key-dir: "$ca_keys"
    public-url: "http://127.0.0.1:$pki_port"
    bootstrap:
      mode: import
      import-dir: "$pki"
      import-end-entities: true
  api-keys:
    - {name: demo-operator, role: operator, sm3: "$operator_sm3"}
    - {name: demo-gate, role: broker, sm3: "$broker_sm3"}
EOF

if [ -n "${GMTLS_DEMO_BROKER:-}" ]; then
  broker_yaml="  address: ${GMTLS_DEMO_BROKER}"
  broker_where="$GMTLS_DEMO_BROKER (GMTLS_DEMO_BROKER)"
else
  broker_yaml="  embedded:
    bind: 127.0.0.1:$broker_port"
  broker_where="127.0.0.1:$broker_port (embedded Moquette)"
fi
cat >"$demo/gate.yaml" <<EOF
# Generated by gmtls-demo.sh: broker-adapter auth gate (README: broker-adapter/README.md).
listen: 127.0.0.1:$gate_port
gateways: [127.0.0.1]
broker:
$broker_yaml
  connect-timeout: 3s
ca:
  authn-url: http://127.0.0.1:$pki_port/api/v1/broker/authn
  api-key-file: $secrets/broker-api-key
  timeout: 5s
limits:
  max-connections: 20000
policy:
  enforce-acl: true
metrics:
  listen: 127.0.0.1:$gate_metrics_port
EOF

cat >"$demo/gateway.yaml" <<EOF
# Generated by gmtls-demo.sh: gm-tls-proxy (README: gm-tls-proxy/README.md).
nodeId: demo
listeners:
  - name: mqtt
    bind: "0.0.0.0:$mqtt_port"
    upstream: gate
    clientAuth: required
    tlcp:
      signCert: pki/sm2/gateway-sign-chain.pem
      signKey: pki/sm2/gateway-sign.key
      encCert: pki/sm2/gateway-enc.crt
      encKey: pki/sm2/gateway-enc.key
      trust: pki/sm2/trust.pem
    tls:
      certificates:
        - chain: pki/ecdsa/gateway-chain.pem
          key: pki/ecdsa/gateway.key
        - chain: pki/sm2/gateway-tls13-chain.pem
          key: pki/sm2/gateway-tls13.key
      trust: [pki/ecdsa/trust.pem, pki/sm2/trust.pem]
    limits:
      maxConnections: 20000
      idleTimeout: 5m
  - name: enroll
    bind: "0.0.0.0:$enroll_port"
    upstream: enrollment
    clientAuth: optional
    tlcp:
      signCert: pki/sm2/gateway-sign-chain.pem
      signKey: pki/sm2/gateway-sign.key
      encCert: pki/sm2/gateway-enc.crt
      encKey: pki/sm2/gateway-enc.key
      trust: pki/sm2/trust.pem
    tls:
      certificates:
        - chain: pki/ecdsa/gateway-chain.pem
          key: pki/ecdsa/gateway.key
        - chain: pki/sm2/gateway-tls13-chain.pem
          key: pki/sm2/gateway-tls13.key
      trust: [pki/ecdsa/trust.pem, pki/sm2/trust.pem]
upstreams:
  gate:
    servers: ["127.0.0.1:$gate_port"]
    healthCheck: {interval: 5s, timeout: 1s, rise: 1, fall: 3}
  enrollment:
    servers: ["127.0.0.1:$enroll_upstream_port"]
    healthCheck: {interval: 5s, timeout: 1s, rise: 1, fall: 3}
revocation:
  refreshInterval: 30s
  crls:
    - name: sm2-issuing
      source: http://127.0.0.1:$pki_port/crl/sm2-issuing.crl
      issuer: pki/sm2/issuing-ca.crt
    - name: ecdsa-issuing
      source: http://127.0.0.1:$pki_port/crl/ecdsa-issuing.crl
      issuer: pki/ecdsa/issuing-ca.crt
admin:
  bind: "127.0.0.1:$gateway_admin_port"
reload:
  watch: false
shutdown:
  drainTimeout: 5s
EOF

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
ca_pid="${pids[-1]}"
wait_until pki-ca "$ca_pid" "$logs/pki-ca.log" 300 http_ok "$pki_port" /actuator/health

start_service cert-enrollment "$logs/cert-enrollment.log" java "${java_opts[@]}" -Xmx384m -jar "$jar_enroll" \
  "${common_spring[@]}" --server.port="$enroll_upstream_port" --gmtls.db.mode=external --gmtls.db.url="$db_url" \
  --gmtls.ca.bootstrap.mode=none --gmtls.ca.bootstrap.import-end-entities=false --gmtls.enrollment.gateways=127.0.0.1
enroll_pid="${pids[-1]}"
wait_until cert-enrollment "$enroll_pid" "$logs/cert-enrollment.log" 300 port_open 127.0.0.1 "$enroll_upstream_port"

start_service auth-gate "$logs/gate.log" java "${java_opts[@]}" -Xmx256m -jar "$jar_gate" --config "$demo/gate.yaml"
gate_pid="${pids[-1]}"
wait_until auth-gate "$gate_pid" "$logs/gate.log" 120 http_ok "$gate_metrics_port" /metrics

start_service gateway "$logs/gateway.log" java "${java_opts[@]}" -jar "$jar_gateway" --config "$demo/gateway.yaml"
gateway_pid="${pids[-1]}"
wait_until gateway "$gateway_pid" "$logs/gateway.log" 120 http_ok "$gateway_admin_port" /health

# ---- 7. VINs for the enrollment example (registered to the model, not yet enrolled); once
enroll_vins="$demo/enroll-vins.registered"
if [ ! -f "$enroll_vins" ]; then
  csv=""
  for i in $(seq 1 20); do csv+="$(printf 'LGMENR%011d' "$i")"$'\n'; done
  status="$(HTTP_API_KEY="$operator_key" http_status POST "$pki_port" "/api/v1/admin/vehicles/import?model=$model" text/csv "$csv")"
  case "$status" in
    201|409) touch "$enroll_vins" ;;
    *) say "warning: registering the enrollment VINs answered HTTP ${status:-nothing}; the enroll example will be refused" ;;
  esac
fi

# ---- 8. endpoints
sim="java -jar $jar_sim"
try_connect="$sim connect --pki $pki --host localhost --port $mqtt_port -t tlcp -n 3 --messages 5 --publish-rate 2"
broker_hostport="${GMTLS_DEMO_BROKER:-127.0.0.1:$broker_port}"
try_subscribe="$sim subscribe -t plain --host ${broker_hostport%:*} --port ${broker_hostport##*:} --topic 'vehicle/+/telemetry'"
try_enroll="$sim enroll --pki $pki --host localhost --port $enroll_port --vin-prefix LGMENR -n 5 --out $demo/enrolled"
try_enrolled="$sim connect --pki $pki --credentials $demo/enrolled --host localhost --port $mqtt_port --messages 3"
try_tls13="$sim connect --pki $pki --host localhost --port $mqtt_port -t tls13 -n 3 --messages 5 --publish-rate 2"
{
  printf '{\n'
  printf '  "pki": %s,\n' "$(json_string "$pki")"
  printf '  "trust": {"sm2": %s, "ecdsa": %s},\n' "$(json_string "$pki/sm2/trust.pem")" "$(json_string "$pki/ecdsa/trust.pem")"
  printf '  "model": %s,\n' "$(json_string "$model")"
  printf '  "mqtt": {"host": "localhost", "port": %s, "protocols": ["TLCPv1.1", "TLSv1.3"], "clientAuth": "required"},\n' "$mqtt_port"
  printf '  "enrollment": {"host": "localhost", "port": %s, "rest": "/api/v1/enroll", "est": "/.well-known/est/"},\n' "$enroll_port"
  printf '  "pkiCa": {"url": "http://127.0.0.1:%s", "health": "/actuator/health", "openapi": "/v3/api-docs", "crl": "/crl/sm2-issuing.crl", "ocsp": "/ocsp", "operatorApiKeyFile": %s},\n' \
    "$pki_port" "$(json_string "$secrets/operator-api-key")"
  printf '  "certEnrollment": {"upstream": "127.0.0.1:%s"},\n' "$enroll_upstream_port"
  printf '  "gatewayAdmin": {"url": "http://127.0.0.1:%s", "health": "/health", "metrics": "/metrics"},\n' "$gateway_admin_port"
  printf '  "authGate": {"listen": "127.0.0.1:%s", "metrics": "http://127.0.0.1:%s/metrics"},\n' "$gate_port" "$gate_metrics_port"
  printf '  "broker": %s,\n' "$(json_string "$broker_where")"
  printf '  "database": {"mode": %s, "url": %s},\n' "$(json_string "$db_mode")" "$(json_string "${db_url%%\?*}")"
  printf '  "logs": %s,\n' "$(json_string "$logs")"
  printf '  "try": {\n'
  printf '    "connect": %s,\n' "$(json_string "$try_connect")"
  printf '    "connectTls13": %s,\n' "$(json_string "$try_tls13")"
  printf '    "subscribe": %s,\n' "$(json_string "$try_subscribe")"
  printf '    "enroll": %s,\n' "$(json_string "$try_enroll")"
  printf '    "connectEnrolled": %s\n' "$(json_string "$try_enrolled")"
  printf '  }\n}\n'
} >"$demo/endpoints.json"

cat <<EOF

  GM TLS demo stack is up.
    MQTT over TLCP / TLS 1.3   localhost:$mqtt_port   (client certificate required; trust: $(rel "$pki/sm2/trust.pem"))
    enrollment (REST, EST)     localhost:$enroll_port   (per-model certificate or token)
    pki-ca                     http://127.0.0.1:$pki_port   (operator API key: $(rel "$secrets/operator-api-key"))
    gateway admin              http://127.0.0.1:$gateway_admin_port/health  /metrics
    auth gate → broker         127.0.0.1:$gate_port → $broker_where
    database                   $db_mode ${db_url%%\?*}
    PKI, configs, logs         $(rel "$pki")  $(rel "$demo")/*.y*ml  $(rel "$logs")/
    all of it as JSON          $(rel "$demo/endpoints.json")

  Try, in another terminal (3 vehicles connect over TLCP and publish 5 messages each):

    $try_connect

  More: watch what reaches the broker (plain MQTT, straight to it; start it first)
    $try_subscribe
  the same vehicles over TLS 1.3 (ECDSA certificates)
    $try_tls13
  enroll 5 new vehicles with the per-model certificate, then connect them
    $try_enroll
    $try_enrolled

  Ctrl-C stops everything.
EOF

# ---- 9. run until Ctrl-C, or until a service dies
while true; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      wait "${pids[$i]}" 2>/dev/null && rc=0 || rc=$?
      printf '[demo] %s stopped (exit %s); the end of its log:\n' "${names[$i]}" "$rc" >&2
      case "${names[$i]}" in
        pki-ca) tail -n 15 "$logs/pki-ca.log" >&2 ;;
        cert-enrollment) tail -n 15 "$logs/cert-enrollment.log" >&2 ;;
        auth-gate) tail -n 15 "$logs/gate.log" >&2 ;;
        gateway) tail -n 15 "$logs/gateway.log" >&2 ;;
      esac
      exit 1
    fi
  done
  sleep 2
done

# demo/lib.sh — the helpers behind gmtls-demo.sh (bench/lib.sh uses them too): where the jars are,
# messages, services in the background, ports and HTTP over bash's /dev/tcp, templates, SQL.
# Sourced, not run; expects $root (the repository root). Nothing here needs more than bash, coreutils
# and Java: a fresh Debian has no curl, psql, python or envsubst.

# ---- the runnable jars, defined once (a module that moves its jar changes one line here)
jar_certs="$root/certs-dev/target/certs-dev.jar"
jar_ca="$root/pki-ca/target/pki-ca.jar"
jar_enroll="$root/cert-enrollment/target/cert-enrollment.jar"
jar_gateway="$root/gm-tls-proxy/target/gm-tls-proxy.jar"
jar_gate="$root/broker-adapter/target/broker-adapter.jar"
jar_sim="$root/tbox-sim/target/tbox-sim.jar"
all_jars=("$jar_certs" "$jar_ca" "$jar_enroll" "$jar_gateway" "$jar_gate" "$jar_sim")

# ---- messages
log_tag="${log_tag:-demo}"
say() { printf '[%s] %s\n' "$log_tag" "$*" 2>/dev/null || true; }
die() { printf '[%s] ERROR: %s\n' "$log_tag" "$*" >&2; exit 1; }
rel() { case "$1" in "$root"/*) printf '%s' "${1#"$root"/}" ;; *) printf '%s' "$1" ;; esac; }

# ---- services: each started in a session of its own (setsid), so that Ctrl-C reaches only the
# script, which then stops them in reverse order of start and waits for each.
pids=()
names=()
service_logs=()
stopping=0

# stop_services_on_exit: from now on the script's exit (Ctrl-C, TERM, HUP, an error, a service that
# died) stops every service it started.
stop_services_on_exit() {
  command -v setsid >/dev/null || die "setsid not found (package util-linux)"
  # Output may go to a pipe that dies with Ctrl-C (./gmtls-demo.sh | tee log): never let a write
  # kill the script before it has stopped the services.
  trap '' PIPE
  trap 'stop_services' EXIT
  trap 'printf "\n" 2>/dev/null; say "stopping (Ctrl-C)"; exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

stop_services() {
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

# start_service NAME LOGFILE COMMAND...: in the background; its pid also goes to $demo/pids (tools
# such as bench/e2e-load.sh read it).
start_service() {
  local name="$1" log="$2"
  shift 2
  : >"$log"
  setsid "$@" >>"$log" 2>&1 </dev/null &
  pids+=("$!")
  names+=("$name")
  service_logs+=("$log")
  echo "$name $!" >>"$demo/pids"
  say "started $name (pid $!, log $(rel "$log"))"
}

# wait_until SECONDS CHECK...: waits for the service started last to pass CHECK; stops the script
# if it exits first or is not healthy in time.
wait_until() {
  local seconds="$1" name="${names[-1]}" pid="${pids[-1]}" log="${service_logs[-1]}"
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      printf '[%s] %s exited during startup; the end of %s:\n' "$log_tag" "$name" "$log" >&2
      tail -n 25 "$log" >&2 || true
      exit 1
    fi
    [ "$SECONDS" -ge "$deadline" ] && die "$name not healthy after ${seconds}s; see $log"
    sleep 1
  done
  say "$name is up"
}

# run_until_one_stops: returns never; when a service exits, shows the end of its log and exits 1
# (which stops the others).
run_until_one_stops() {
  local i rc
  while true; do
    for i in "${!pids[@]}"; do
      if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        wait "${pids[$i]}" 2>/dev/null && rc=0 || rc=$?
        printf '[%s] %s stopped (exit %s); the end of its log:\n' "$log_tag" "${names[$i]}" "$rc" >&2
        tail -n 15 "${service_logs[$i]}" >&2
        exit 1
      fi
    done
    sleep 2
  done
}

# ---- network: bash /dev/tcp, no curl needed on a fresh machine
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
http_ok() { [ "$(http_status GET "$1" "$2")" = "200" ]; }  # PORT PATH
http_body() { http GET "$1" "$2" 2>/dev/null | awk 'body { print } /^\r?$/ { body = 1 }'; }  # PORT PATH

# ---- templates: ${name} is replaced by the value of the shell variable name (an unset one is an
# error, so a typo cannot yield an empty setting). Values are inserted as they are, never expanded
# again; with "json" they are escaped for a JSON string.
render() { # TEMPLATE [json] > OUTPUT
  local text out="" name value
  text="$(cat "$1")" || die "cannot read $1"
  while [[ $text =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
    name="${BASH_REMATCH[1]}"
    [[ -v $name ]] || die "$(rel "$1"): \${$name} is not set"
    value="${!name}"
    if [ "${2:-}" = json ]; then
      value="${value//\\/\\\\}"
      value="${value//\"/\\\"}"
    fi
    out+="${text%%"${BASH_REMATCH[0]}"*}$value"
    text="${text#*"${BASH_REMATCH[0]}"}"
  done
  printf '%s%s\n' "$out" "$text"
}

# ---- secrets
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

sm3_hex() { # the SM3 hash pki-ca expects for an API key
  if command -v openssl >/dev/null && openssl dgst -sm3 </dev/null >/dev/null 2>&1; then
    printf %s "$1" | openssl dgst -sm3 -r | cut -d' ' -f1
  else
    java -jar "$jar_ca" hash-key "$1" | tail -n 1
  fi
}

# ---- PostgreSQL
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

# run_sql JDBC_URL SQL...: through JDBC with the driver from the Maven repository (psql may not be
# installed) and demo/DemoSql.java; prints the first column of each query's rows.
run_sql() {
  local driver
  driver="$(ls "${MAVEN_REPO:-$HOME/.m2/repository}"/org/postgresql/postgresql/*/postgresql-*.jar 2>/dev/null \
    | grep -v -e sources -e javadoc | sort -V | tail -n 1)"
  [ -n "$driver" ] || die "no PostgreSQL JDBC driver in ~/.m2 (it comes with the build)"
  java -cp "$driver" "$root/demo/DemoSql.java" "$@"
}

# choose_database: sets db_mode (external|embedded) and db_url: the one chosen at the first start
# ($demo/database.env), else GMTLS_JDBC_URL, else the local PostgreSQL (its database made if missing),
# else an embedded one (never as root: PostgreSQL refuses to run as root). Sets remember_db=1 when
# the choice is new.
choose_database() {
  local db_state="$demo/database.env" choice candidate db_name exists
  remember_db=0
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
}

# claim_database PKI_ROOT_CERT: the demo's database belongs to this demo folder's PKI; refuses one
# bootstrapped from another PKI (an external database only: an embedded one lives in the folder).
claim_database() {
  [ "$db_mode" = "external" ] || return 0
  local pki_id owner
  pki_id="$(cksum <"$1" | awk '{print $1}')"
  owner="$(run_sql "$db_url" "CREATE TABLE IF NOT EXISTS gmtls_demo_owner (pki_root text NOT NULL)" \
    "INSERT INTO gmtls_demo_owner SELECT '$pki_id' WHERE NOT EXISTS (SELECT 1 FROM gmtls_demo_owner)" \
    "SELECT pki_root FROM gmtls_demo_owner")" || die "cannot use the database $db_url (see above)"
  [ "$owner" = "$pki_id" ] || die "the database ${db_url%%\?*} holds a CA bootstrapped from another demo folder's PKI. Drop it (DROP DATABASE …) or use another: GMTLS_DEMO_DB_NAME=gmtls_demo2 ./gmtls-demo.sh"
}

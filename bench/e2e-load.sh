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
# /usr/sbin/mosquitto, python3, curl. Waits (up to WAIT_LOAD s) for a load average below MAX_LOAD.
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$bench/.." && pwd)"
N="${N:-9000}"
RAMP="${RAMP:-40}"
HOLD="${HOLD:-120}"
PUBLISH_RATE="${PUBLISH_RATE:-0.05}"
BIND="${BIND:-127.0.0.2,127.0.0.3,127.0.0.4}"
MAX_LOAD="${MAX_LOAD:-2}"
WAIT_LOAD="${WAIT_LOAD:-1800}"
DB_NAME="${DB_NAME:-gmtls_e2e_load}"
work="$bench/work/e2e"
out="$bench/results/e2e.md"
ramp_seconds=$(( (N + RAMP - 1) / RAMP ))
duration=$(( ramp_seconds + HOLD ))

say() { printf '[e2e-load] %s\n' "$*"; }
die() { printf '[e2e-load] ERROR: %s\n' "$*" >&2; exit 1; }
for tool in python3 curl psql /usr/sbin/mosquitto; do command -v "$tool" >/dev/null || die "$tool is needed"; done
ulimit -n 20000 2>/dev/null || true
[ "$(ulimit -n)" -ge $((2 * N + 500)) ] || die "open-file limit $(ulimit -n) is too low for $N vehicles"

# ---- a quiet machine first (other jobs on these 2 cores would distort the figures)
load1() { cut -d' ' -f1 /proc/loadavg; }
waited=0
while python3 -c "import sys; sys.exit(0 if float('$(load1)') > float('$MAX_LOAD') else 1)"; do
  [ "$waited" -ge "$WAIT_LOAD" ] && die "load average still $(load1) after ${WAIT_LOAD}s (MAX_LOAD=$MAX_LOAD)"
  say "load average $(load1) > $MAX_LOAD: waiting"
  sleep 30
  waited=$((waited + 30))
done
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
say "load average before: $load_before (waited ${waited}s)"

# ---- private copies: a rebuild of the jars during the run must not pull classes from under the JVMs
rm -rf "$work"
mkdir -p "$work/root"
cp "$root/gmtls-demo.sh" "$work/root/"
for m in certs-dev pki-ca cert-enrollment gm-tls-proxy broker-adapter tbox-sim; do
  [ -f "$root/$m/target/$m.jar" ] || die "$m/target/$m.jar missing: mvn -B -q -DskipTests package"
  mkdir -p "$work/root/$m/target"
  cp "$root/$m/target/$m.jar" "$work/root/$m/target/"
done
sim="$work/root/tbox-sim/target/tbox-sim.jar"

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
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null

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
java -jar "$work/root/certs-dev/target/certs-dev.jar" --out "$work/demo/pki" --vehicles "$N" --model GMTDEV01 -q
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
      rss="$(awk '/VmRSS/ {print $2}' "/proc/${watch[$name]}/status" 2>/dev/null || echo 0)"
      line+=" $name=${rss:-0}"
    done
    sim_pid="$(cat "$work/sim.pid" 2>/dev/null || true)"
    if [ -n "$sim_pid" ]; then
      line+=" tbox-sim=$(awk '/VmRSS/ {print $2}' "/proc/$sim_pid/status" 2>/dev/null || echo 0)"
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
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
curl -s "http://127.0.0.1:28081/metrics" >"$work/gateway-metrics.txt" || true
curl -s "http://127.0.0.1:29464/metrics" >"$work/gate-metrics.txt" || true
# The subscriber ends by itself shortly after the run and then prints its count.
wait "$subscriber_pid" 2>/dev/null || true
say "tbox-sim exit $sim_exit after ${run_seconds}s; writing ${out#"$root"/}"

python3 - "$work" "$out" "$N" "$RAMP" "$HOLD" "$PUBLISH_RATE" "$BIND" "$load_before" "$load_after" \
  "$stack_seconds" "$sim_exit" "$waited" "$DB_NAME" "$pki_seconds" <<'PY'
import json, re, sys, pathlib, datetime
work, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n, ramp, hold, rate, bind, load_before, load_after, stack_s, sim_exit, waited, db_name, pki_s = sys.argv[3:15]
s = json.loads((work / "load.json").read_text())
c, lat, m = s["connections"], s["latencyMs"], s["messages"]
rss = {}
for line in (work / "rss.log").read_text().split("\n"):
    for part in line.split()[1:]:
        k, v = part.split("=")
        if v.isdigit():  # empty while a process is exiting
            rss.setdefault(k, []).append(int(v) // 1024)
sub = (work / "subscriber.out").read_text()
got = re.search(r"received (\d+) messages", sub)
received = int(got.group(1)) if got else None
def metric(text, name, **labels):
    total = 0.0
    for line in text.split("\n"):
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total
gw = (work / "gateway-metrics.txt").read_text() if (work / "gateway-metrics.txt").exists() else ""
gate = (work / "gate-metrics.txt").read_text() if (work / "gate-metrics.txt").exists() else ""
hs_ok = metric(gw, "gateway_handshakes_total", result="success")
hs_fail = metric(gw, "gateway_handshakes_total") - hs_ok
allow = metric(gate, "gate_decisions_total", decision="allow")
other = sum(metric(gate, "gate_decisions_total", decision=d) for d in ("deny", "unavailable", "busy"))
errors = s.get("errors", {})
refused_error = metric(gate, "gate_connections_refused_total", reason="error")
refused_closed = metric(gate, "gate_connections_refused_total", reason="closed")
probes = metric(gate, "gate_probe_connections_total")
if c["connectsPerSecond"] >= 0.95 * float(ramp):
    keep_up = (f"The stack kept up with the ramp: {c['connectsPerSecond']:.1f} connects/s for a RAMP of {ramp}/s "
               "(a higher RAMP measures the ceiling).")
else:
    keep_up = (f"The connect rate ({c['connectsPerSecond']:.1f}/s) stayed below the RAMP of {ramp}/s: the "
               "stack (or the client on the same cores) is the bound here.")
def row(name, key):
    v = lat[key]
    return f"| {name} | {v['p50']:.1f} | {v['p99']:.1f} | {v['max']:.1f} | {v['count']} |"
order = ["gateway", "auth-gate", "pki-ca", "cert-enrollment", "mosquitto", "tbox-sim"]
rss_rows = "\n".join(f"| {k} | {max(rss[k])} | {[v for v in rss[k] if v][-1]} |"
                     for k in order if k in rss and any(rss[k]))
text = f"""# End-to-end load: {int(n):,} vehicles over TLCP through the whole stack

`bench/e2e-load.sh` ({datetime.date.today().isoformat()}): N={n}, RAMP={ramp}/s, HOLD={hold}s,
PUBLISH_RATE={rate}/s per vehicle, source addresses {bind}. One 2-core machine runs everything,
the load client included:

```
tbox-sim ──TLCP ECC-SM2-SM4-GCM-SM3──▶ gm-tls-proxy :28883 ──PPv2──▶ auth gate (broker-adapter)
                                                                     │ POST /api/v1/broker/authn per CONNECT
                                                                     ├──▶ pki-ca ──▶ PostgreSQL (local, database {db_name})
                                                                     └──▶ Mosquitto (private) ◀── subscriber
```

The stack is started by `gmtls-demo.sh` itself (private copies of the jars, its own ports), with a
certs-dev PKI of {int(n):,} vehicles, as certs-dev wrote it, that pki-ca imports at bootstrap
(`gmtls.ca.bootstrap.import-end-entities`): every vehicle is known to the CA (certificate, VIN,
model) without {int(n):,} enrollments. cert-enrollment runs too (idle). The broker is a private
Mosquitto (`GMTLS_DEMO_BROKER`) rather than the gate's embedded Moquette: with it the gate's process
would hold three descriptors per vehicle, past the machine's 20,000 open files per process.

Load average before: {load_before} (waited {waited} s for it to drop below 2); after: {load_after}.
PKI generation (certs-dev, {3 * int(n) + 3:,} end-entity certificates): {pki_s} s; stack start (pki-ca
importing them, then the other services): {stack_s} s.

## Results

| | |
|---|---|
| vehicles connected | {c['established']:,} of {c['attempted']:,} attempts ({c['failed']} failed, {c['aborted']} aborted at the end, {c['neverConnected']} never connected) |
| connect rate | {c['connectsPerSecond']:.1f} connects/s (initial connections, start to last) |
| peak open | {c['peakOpen']:,} |
| publishes | {m['published']:,} ({m['publishesPerSecond']:.1f}/s), {m['acked']:,} acked, {m['unacked']} unacked, {m['throttled']} throttled |
| received by the subscriber on the broker | {received if received is not None else 'n/a'} |
| gateway handshakes (metrics) | {int(hs_ok):,} succeeded, {int(hs_fail)} failed |
| gate decisions (metrics) | {int(allow):,} allow, {int(other)} deny/unavailable/busy |
| errors | {', '.join(f'{k}: {v}' for k, v in errors.items()) if errors else 'none'} |
| tbox-sim exit | {sim_exit} |

Latencies seen by the vehicles (ms; they include queueing on the loaded 2 cores, client side too):

| | p50 | p99 | max | count |
|---|---|---|---|---|
{row('TCP connect', 'tcpConnect')}
{row('TLCP handshake', 'handshake')}
{row('CONNECT → CONNACK (gate + CA authn + broker)', 'connack')}
{row('PUBLISH → PUBACK', 'puback')}

Memory (RSS, MB; sampled every 5 s):

| process | peak | last sample |
|---|---|---|
{rss_rows}

PostgreSQL is the machine's shared server (not counted above).

## Notes

- {keep_up}
  Every connect costs a full TLCP handshake with client certificates on both ends (client and
  gateway share the 2 cores), a PPv2 header, an HTTP authn call to pki-ca and a database lookup.
- The latency tails (p99/max) come from moments when the 2 cores were saturated: the vehicles'
  own handshakes (client-side SM2) run on the same machine as the whole stack, and any other job
  there counts too (see the load averages above).
- The gate counted {int(probes)} probe connections (closed by the peer before sending a byte: the
  gateway's TCP health checks of the gate, one per interval), and refused {int(refused_error)} connections
  with an error and {int(refused_closed)} closed before CONNECT.
- Raw data of this run: `bench/work/e2e/` (load.json, rss.log, metrics, logs), not committed.
"""
out.write_text(text)
print(text)
PY

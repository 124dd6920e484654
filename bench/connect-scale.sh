#!/usr/bin/env bash
# Connect-path benchmark of tbox-sim per transport, against a private Mosquitto and the gm-tls-proxy
# jar on this machine: N vehicles started at RAMP/s, one QoS 1 message per second each, reconnect waves.
# Writes bench/results/connect-scale.md with each transport's numbers and ratios to the plain-TCP run
# measured in the same invocation. Needs: mvn -B -q -DskipTests package (certs-dev, gm-tls-proxy,
# tbox-sim jars), /usr/sbin/mosquitto, python3, jcmd.
#   N=1000 RAMP=100 DURATION=40s bench/connect-scale.sh   (the ramp must end well within DURATION)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
N="${N:-1000}"
RAMP="${RAMP:-100}"
DURATION="${DURATION:-40s}"
work="$(mktemp -d /tmp/tbox-sim-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# Private copies: a rebuild of the module jars during the run must not pull classes from under the JVMs.
cp "$root/gm-tls-proxy/target/gm-tls-proxy.jar" "$root/tbox-sim/target/tbox-sim.jar" "$work/"
java -jar "$root/certs-dev/target/certs-dev.jar" --out "$work/pki" --vehicles "$N" >/dev/null
broker_port="$(free_port)"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker_port" > "$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 & pids+=($!)
wait_port "$broker_port"

gateway_port="$(free_port)"
cat > "$work/gateway.yaml" <<YAML
nodeId: bench
listeners:
  - name: mqtt
    bind: "127.0.0.1:$gateway_port"
    upstream: brokers
    clientAuth: required
    tlcp:
      signCert: pki/sm2/gateway-sign-chain.pem
      signKey: pki/sm2/gateway-sign.key
      encCert: pki/sm2/gateway-enc.crt
      encKey: pki/sm2/gateway-enc.key
      trust: pki/sm2/trust.pem
    tls:
      certificates:
        - {chain: pki/ecdsa/gateway-chain.pem, key: pki/ecdsa/gateway.key}
        - {chain: pki/sm2/gateway-tls13-chain.pem, key: pki/sm2/gateway-tls13.key}
      trust: [pki/ecdsa/trust.pem, pki/sm2/trust.pem]
    limits: {maxConnections: 100000, handshakeTimeout: 30s, idleTimeout: 300s}
upstreams:
  brokers:
    servers: ["127.0.0.1:$broker_port"]
    healthCheck: {interval: 1s, timeout: 500ms, rise: 1, fall: 3}
    proxyProtocol: {enabled: false}
revocation:
  refreshInterval: 1h
  crls:
    - {name: sm2-issuing, source: pki/sm2/issuing-ca.crl, issuer: pki/sm2/issuing-ca.crt}
admin: {bind: "127.0.0.1:0"}
reload: {watch: false}
YAML
java -Xmx1g -jar "$work/gm-tls-proxy.jar" -c "$work/gateway.yaml" >"$work/gateway.log" 2>&1 & pids+=($!)
wait_port "$gateway_port"

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
  echo "[bench] $name done" >&2
}
run plain -t plain --host 127.0.0.1 --port "$broker_port"
run tls13 -t tls13 --pki "$work/pki" --port "$gateway_port"
run tls13-sm -t tls13-sm --pki "$work/pki" --port "$gateway_port"
run tlcp-ecc-gcm -t tlcp --suite ECC_SM4_GCM_SM3 --pki "$work/pki" --port "$gateway_port"
run tlcp-ecdhe-gcm -t tlcp --suite ECDHE_SM4_GCM_SM3 --pki "$work/pki" --port "$gateway_port"

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$root/bench/results"
python3 - "$work" "$root/bench/results/connect-scale.md" "$N" "$RAMP" "$DURATION" "$load_before" "$load_after" <<'PY'
import json, sys, datetime, os
work, out, n, ramp, duration, load_before, load_after = sys.argv[1:8]
names = ["plain", "tls13", "tls13-sm", "tlcp-ecc-gcm", "tlcp-ecdhe-gcm"]
rows = {}
for name in names:
    with open(os.path.join(work, name + ".json")) as f:
        s = json.load(f)
    text = open(os.path.join(work, name + ".heap")).read().strip()
    heap = int(text) / 1024 if text else float("nan")
    rows[name] = (s, heap)
base, base_heap = rows["plain"]
def ratio(a, b):
    return f"{a / b:.2f}×" if b else "n/a"
lines = [
    "# tbox-sim connect: transports compared with plain TCP",
    "",
    f"`bench/connect-scale.sh`, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, N={n} vehicles,"
    f" ramp {ramp}/s, 1 QoS 1 message/s per vehicle, {duration}, a 10 % reconnect wave every 5 s;"
    " client heap used after a full GC (jcmd) once the ramp is over, divided by N (includes the fixed part);"
    " client, gm-tls-proxy (TLS transports) and Mosquitto on the same 2-core machine, shared with other"
    " work: absolute numbers are noisy, ratios to the plain run of the same invocation less so."
    f" Load average (1/5/15 min) before: {load_before}, after: {load_after}.",
    "",
    "| transport | established | never connected | connects/s (× plain) | handshake p50 / p99 ms | CONNACK p50 ms | PUBACK p50 / p99 ms | resumed / reconnects | errors | client heap after GC MB | per vehicle KB (× plain) |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]
for name in names:
    s, heap = rows[name]
    c, l, m = s["connections"], s["latencyMs"], s["messages"]
    lines.append(
        f"| {name} | {c['established']} | {c['neverConnected']} | {c['connectsPerSecond']:.0f} ({ratio(c['connectsPerSecond'], base['connections']['connectsPerSecond'])})"
        f" | {l['handshake']['p50']:.1f} / {l['handshake']['p99']:.1f} | {l['connack']['p50']:.1f}"
        f" | {l['puback']['p50']:.1f} / {l['puback']['p99']:.1f} | {c['resumedHandshakes']} / {c['reconnects']}"
        f" | {s['errorTotal']} {json.dumps(s['errors']) if s['errors'] else ''} | {heap:.1f}"
        f" | {heap * 1024 / int(n):.1f} ({ratio(heap, base_heap)}) |")
lines.append("")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY

#!/usr/bin/env bash
# The edge at reconnect-storm speed (issue 16): the gateway's server-process CPU per handshake for each
# row of the issue's table — TLCP ECC and ECDHE full with client certificates, TLCP resumed by session
# ID, TLS 1.3 TLS_SM4_GCM_SM3 full, plus TLS 1.3 ECDSA with the system OpenSSL as client — warm (after
# ~3,000 earlier handshakes) and cold (the first 200 handshakes of a fresh process, without and with
# the start-up warm-up), next to the engines alone in the same run; then the storm scenario: tbox-sim
# connects N vehicles through the gateway to a private Mosquitto, all of them reconnect at once with
# resumption while new vehicles keep arriving beyond the full-handshake budget; last, SM4-GCM record
# throughput on one core (JMH: the engine's cipher sealing and opening 16 KiB records, BouncyCastle's
# GCMBlockCipher as the same run's baseline).
#
#   bench/edge.sh            (SKIP_BUILD=1 to use the jars and test classes as they are)
#   REPORT_ONLY=1 bench/edge.sh   writes the report again from bench/work/edge (e.g. of an interrupted run)
#   PARTS="storm" bench/edge.sh   runs only these parts (engine warm cold storm records), keeping the others' records
#   BASELINE_JAR=old/gm-tls-proxy.jar BASELINE_LABEL=a996191 bench/edge.sh   the warm rows also for that jar (its own
#                                 default warm-up), a second gateway measured alternately with this tree's, figure by
#                                 figure, in the same run: the report gets this tree / baseline ratios
#
# Env: MEASURE (handshakes per warm figure, 1000), PREWARM (handshakes of the same kind before each warm figure, 3000),
#      WARM_ROUNDS (warm figures per row and gateway, alternating with the baseline's; the median is reported: 5),
#      COLD (200), CONCURRENCY (4, the issue's 4 parallel loops), STORM_N (2000), STORM_BUDGET (full
#      handshakes/s during the storm; auto: half of what the machine serves, probed first), STORM_NEW_RATE
#      (2 × budget), STORM_NEW_SECONDS (10), STORM_RAMP, ENGINE_SECONDS (3 per kind), WARM_UP (the
#      gateway's default), PORT_BASE (the storm's ports from there; else random free ones).
# Writes bench/results/edge.md; raw output in bench/work/edge/ (git-ignored). Everything on 127.0.0.1.
set -euo pipefail
log_tag=edge
. "$(dirname "$0")/lib.sh"             # changes to the repository root
WORK=bench/work/edge
ALL_PARTS="engine warm cold storm records"
PARTS=${PARTS:-$ALL_PARTS}
part() { [[ " $PARTS " == *" $1 "* ]]; }
if [ -z "${REPORT_ONLY:-}" ] && [ "$PARTS" = "$ALL_PARTS" ]; then rm -rf "$WORK"; fi
mkdir -p "$WORK"
MEASURE=${MEASURE:-1000}
PREWARM=${PREWARM:-3000}
WARM_ROUNDS=${WARM_ROUNDS:-5}
COLD=${COLD:-200}
CONCURRENCY=${CONCURRENCY:-4}
STORM_N=${STORM_N:-2000}
STORM_BUDGET=${STORM_BUDGET:-auto}
ENGINE_SECONDS=${ENGINE_SECONDS:-3}
WARM_UP=${WARM_UP:-"{handshakes: 8000, max-time: 20s}"}   # the gateway's default
CLK_TCK=$(getconf CLK_TCK)
T0=$(date +%s)
RAW=$WORK/raw.txt
field() { sed -n "s/.*$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -n 1; }  # NAME LINE
if [ -z "${REPORT_ONLY:-}" ]; then

build package gm-tls-proxy,tbox-sim,certs-dev
require_jars "$jar_certs" "$jar_gateway" "$jar_sim"
# Private copies: a rebuild during the run must not pull classes from under the JVMs.
cp "$jar_gateway" "$WORK/gm-tls-proxy.jar"; cp "$jar_sim" "$WORK/tbox-sim.jar"
cp -r gm-tls-proxy/target/test-classes "$WORK/test-classes"
CP=$WORK/test-classes:$WORK/gm-tls-proxy.jar
[ -f "$WORK/pki/sm2/trust.pem" ] && [ "$(ls "$WORK/pki/sm2/vehicles" | grep -c -- '-sign.crt$')" -ge "$STORM_N" ] ||
  java -jar "$jar_certs" --out "$WORK/pki" --vehicles "$STORM_N" --force -q >/dev/null
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
touch "$RAW"
# A part run again replaces what an earlier run of it recorded.
part engine && sed -i '/^kind=/d' "$RAW"
part warm && sed -i '/^warm /d; /^baseline warm /d; /^baseline label /d' "$RAW"
part cold && sed -i '/^cold /d' "$RAW"
part storm && sed -i '/^storm/d' "$RAW"
part records && sed -i '/^records /d' "$RAW"
raw() { echo "$*" | tee -a "$RAW" >&2; }

# Ports are picked at random among free ones; another job on the machine may take one first: retried.
for attempt in 1 2 3; do
  upstream_port=$(free_port)
  java -Xmx256m -cp "$CP" io.gmtls.proxy.bench.BenchUpstream "$upstream_port" > "$WORK/upstream.log" 2>&1 &
  up_pid=$!
  if wait_port "$upstream_port" 300 && sleep 1 && kill -0 "$up_pid" 2>/dev/null; then PIDS+=($up_pid); break; fi
  kill "$up_pid" 2>/dev/null || true
  [ "$attempt" = 3 ] && die "the benchmark upstream did not start (see $WORK/upstream.log)"
done

# start_gateway NAME WARM_UP FULL_BUDGET UPSTREAM_PORT PPV2 -> GW_PID, GW_PORT, GW_ADMIN, GW_START_MS
start_gateway() {
  local name=$1 warm_up=$2 full_budget=$3 upstream_port=$4 ppv2=$5 listen_port admin_port t attempt
  for attempt in 1 2 3; do
    listen_port=$(free_port); admin_port=$(free_port)
    render bench/templates/edge-gateway.yaml.tmpl > "$WORK/$name.yaml"
    # "default": the jar's own default warm-up (a baseline jar of another commit has its own)
    [ "$warm_up" = default ] && sed -i '/^warm-up:/d' "$WORK/$name.yaml"
    t=$(date +%s%N)
    java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseSerialGC -jar "${GW_JAR:-$WORK/gm-tls-proxy.jar}" --config "$WORK/$name.yaml" \
        > "$WORK/$name.out" 2> "$WORK/$name.err" &
    GW_PID=$!; GW_PORT=$listen_port; GW_ADMIN=$admin_port
    # Up to 5 minutes: the warm-up's time budget, the first health check, a loaded machine.
    for _ in $(seq 1 3000); do
      http_ok "$admin_port" /health && break
      kill -0 "$GW_PID" 2>/dev/null || break     # exited: a port taken meanwhile, try others
      sleep 0.1
    done
    if http_ok "$admin_port" /health; then
      PIDS+=($GW_PID)
      GW_START_MS=$(( ($(date +%s%N) - t) / 1000000 ))
      return 0
    fi
    kill "$GW_PID" 2>/dev/null || true; wait "$GW_PID" 2>/dev/null || true
  done
  die "gateway $name did not become healthy (see $WORK/$name.err)"
}
stop_gateway() { kill "$GW_PID" 2>/dev/null || true; wait "$GW_PID" 2>/dev/null || true; }

load() { java -Xmx512m -cp "$CP" io.gmtls.proxy.bench.LoadClient "$@" 2>>"$WORK/load-errors.log"; }
# hs PROTO COUNT [more LoadClient options]: handshakes through the current gateway, the LoadClient line
hs() { local proto=$1 count=$2; shift 2
  load handshake --port "$GW_PORT" --pki "$WORK/pki" --proto "$proto" --count "$count" --concurrency "$CONCURRENCY" \
      --gateway-pid "$GW_PID" --clk-tck "$CLK_TCK" --warmup-seconds 0 "$@"; }

# TLS 1.3 ECDSA with the system OpenSSL: COUNT handshakes in CONCURRENCY loops of s_client processes.
openssl_hs() { # COUNT -> "handshakes=N errors=E gateway_cpu_ms_per_handshake=X"
  local count=$1 per=$(( $1 / CONCURRENCY )) vin c0 c1 ok
  for vin in "$WORK"/pki/ecdsa/vehicles/*.crt; do vin=$(basename "$vin" .crt); break; done   # no pipe: pipefail
  c0=$(cpu_ticks "$GW_PID")
  for l in $(seq 1 "$CONCURRENCY"); do
    ( n=0; for _ in $(seq 1 "$per"); do
        # -brief, not -quiet (which implies -ign_eof and would wait for the server to close)
        timeout 60 openssl s_client -connect "127.0.0.1:$GW_PORT" -servername localhost -tls1_3 -brief -verify_return_error \
          -CAfile "$WORK/pki/ecdsa/trust.pem" -cert "$WORK/pki/ecdsa/vehicles/$vin.crt" \
          -key "$WORK/pki/ecdsa/vehicles/$vin.key" </dev/null >/dev/null 2>&1 && n=$((n + 1))
      done; echo "$n" > "$WORK/openssl-$l.count" ) &
  done
  wait_children
  c1=$(cpu_ticks "$GW_PID")
  ok=$(cat "$WORK"/openssl-*.count | awk '{ s += $1 } END { print s + 0 }')
  awk -v ok="$ok" -v n="$((per * CONCURRENCY))" -v d="$((c1 - c0))" -v hz="$CLK_TCK" 'BEGIN {
    printf "handshakes=%d errors=%d gateway_cpu_ms_per_handshake=%.2f\n", ok, n - ok, ok ? d * 1000 / hz / ok : 0 }'
}
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
wait_children() { for j in $(jobs -p); do [[ " ${PIDS[*]} " == *" $j "* ]] || wait "$j" || true; done; }

say "machine: $(machine_info)"
say "load average at start: $(load_average)"

# ---- engines alone (in memory, one thread, server engine CPU)
if part engine; then
log "engines alone"
java -Xmx512m -cp "$CP" io.gmtls.proxy.bench.EngineAloneBench --pki "$WORK/pki" --seconds "$ENGINE_SECONDS" \
    > "$WORK/engine.txt" 2>>"$WORK/load-errors.log"
cat "$WORK/engine.txt" >> "$RAW"
fi

# ---- warm figures: one gateway (default warm-up), per row PREWARM earlier handshakes of its kind, then WARM_ROUNDS
# figures of MEASURE handshakes, the median reported. With BASELINE_JAR a second gateway of that jar (its own default
# warm-up) runs beside it and the two are measured alternately, figure by figure: this machine's speed drifts by
# ±20 % within minutes, so a baseline measured before or after the tree measured a drift as often as a change.
if part warm; then
warm_gateways=warm
if [ -n "${BASELINE_JAR:-}" ]; then
  cp "$BASELINE_JAR" "$WORK/baseline.jar"; warm_gateways="baseline warm"
  raw "baseline label ${BASELINE_LABEL:-$BASELINE_JAR}"
fi
declare -A WARM GW_PIDS GW_PORTS
prefix_of() { if [ "$1" = baseline ]; then echo "baseline warm"; else echo warm; fi; }
use_gateway() { GW_PID=${GW_PIDS[$1]}; GW_PORT=${GW_PORTS[$1]}; prefix=$(prefix_of "$1"); }
# median_line FILE: of LoadClient lines, the one with the median gateway CPU per handshake
median_line() {
  awk '{ v = $0; sub(/.*gateway_cpu_ms_per_handshake=/, "", v); sub(/ .*/, "", v); print v "\t" $0 }' "$1" |
    sort -n | awk -F'\t' '{ l[NR] = $2 } END { print l[int((NR + 1) / 2)] }'
}
for gw in $warm_gateways; do
  if [ "$gw" = baseline ]; then GW_JAR=$WORK/baseline.jar; gw_warm_up=default
  else GW_JAR=$WORK/gm-tls-proxy.jar; gw_warm_up=$WARM_UP; fi
  log "$(prefix_of "$gw") gateway"
  start_gateway "$gw" "$gw_warm_up" 0 "$upstream_port" true
  GW_PIDS[$gw]=$GW_PID; GW_PORTS[$gw]=$GW_PORT
  raw "$(prefix_of "$gw") gateway started in ${GW_START_MS} ms: $(grep -o 'warm-up: .* ms' "$WORK/$gw.err" | head -n 1)"
done
for row in tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm tls13-ecdsa-openssl; do
  # PREWARM handshakes of the row's own kind right before it: "warmed by ~3,000 earlier handshakes" for
  # every row, the resumed one included (a kind never served before still runs partly interpreted code).
  for gw in $warm_gateways; do
    use_gateway "$gw"; log "$prefix $row: prewarm"; : > "$WORK/$gw-$row.lines"
    case $row in
      tlcp-resumed) hs tlcp-ecc "$PREWARM" --resume id >/dev/null ;;
      tls13-ecdsa-openssl) openssl_hs 200 >/dev/null ;;
      *) hs "$row" "$PREWARM" >/dev/null ;;
    esac
  done
  for round in $(seq 1 "$WARM_ROUNDS"); do
    for gw in $warm_gateways; do
      use_gateway "$gw"; log "$prefix $row: round $round"
      case $row in
        tlcp-resumed) line=$(hs tlcp-ecc "$MEASURE" --resume id) ;;
        tls13-ecdsa-openssl) line=$(openssl_hs "$MEASURE") ;;
        *) line=$(hs "$row" "$MEASURE") ;;
      esac
      raw "$prefix $row round $round: $line"; echo "$line" >> "$WORK/$gw-$row.lines"
    done
  done
  for gw in $warm_gateways; do
    use_gateway "$gw"; line=$(median_line "$WORK/$gw-$row.lines"); raw "$prefix $row: $line"
    [ "$gw" = warm ] && WARM[$row]=$line
  done
done
for gw in $warm_gateways; do use_gateway "$gw"; stop_gateway; done
GW_JAR=$WORK/gm-tls-proxy.jar
fi

# ---- cold figures: a fresh process per row, its first COLD handshakes; without and with the warm-up
declare -A COLD_OFF COLD_ON START_OFF START_ON
part cold && for mode in off on; do
  for row in tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm; do
    log "cold ($mode) $row"
    if [[ $mode == off ]]; then start_gateway "cold-$mode-$row" off 0 "$upstream_port" true
    else start_gateway "cold-$mode-$row" "$WARM_UP" 0 "$upstream_port" true; fi
    case $row in
      tlcp-resumed) line=$(hs tlcp-ecc "$COLD" --resume id) ;;
      *) line=$(hs "$row" "$COLD") ;;
    esac
    raw "cold warm-up=$mode $row (started in ${GW_START_MS} ms): $line"
    if [[ $mode == off ]]; then COLD_OFF[$row]=$line; START_OFF[$row]=$GW_START_MS
    else COLD_ON[$row]=$line; START_ON[$row]=$GW_START_MS; fi
    stop_gateway
  done
done

# ---- the storm: N vehicles over TLCP to Mosquitto, then all reconnect at once (resuming), while new
# vehicles arrive with full handshakes at twice the budget
if part storm; then
log "storm: $STORM_N vehicles"
storm_load_before=$(load_average)
# PORT_BASE: the storm's ports (Mosquitto, gateway, admin) from PORT_BASE up, for a machine shared with
# other jobs that keep to port ranges of their own; without it, random free ones as elsewhere.
# The next port to try is kept in a file: free_port runs in $(...) subshells.
if [ -n "${PORT_BASE:-}" ]; then
  echo "$PORT_BASE" > "$WORK/next-port"
  free_port() { local p; p=$(cat "$WORK/next-port")
    while port_open 127.0.0.1 "$p"; do p=$((p + 1)); done
    [ "$p" -lt $((PORT_BASE + 500)) ] || die "no free port in $PORT_BASE..$((PORT_BASE + 499))"
    echo $((p + 1)) > "$WORK/next-port"; echo "$p"; }
fi
broker_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_connections -1\n' "$broker_port" > "$WORK/mosquitto.conf"
/usr/sbin/mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 & mq=$!
wait_port "$broker_port" 300 && sleep 1 && kill -0 "$mq" 2>/dev/null || die "Mosquitto did not start (port taken?)"
PIDS+=($mq)
# What this machine serves now, full handshakes (client and gateway on the same cores, as in the storm):
# 8 s of LoadClient against a gateway without a budget (after 5 s of warming it up). A budget above it
# sheds nothing — the machine, not the budget, is then the limit, and the wave waits behind the full
# handshakes the budget let in — and a ramp above it only queues (its queueing would be the handshake
# latency of the run). So the budget (auto) is half of it and the ramp 80 % of the budget.
start_gateway storm-probe off 0 "$broker_port" false
probe_line=$(load handshake --port "$GW_PORT" --pki "$WORK/pki" --proto tlcp-ecc --seconds 8 --concurrency 8 \
    --echo false --warmup-seconds 5)
stop_gateway
probe_rate=$(field rate_per_s "$probe_line"); probe_rate=${probe_rate:-0}
raw "storm probe: $probe_line"
if [ "$STORM_BUDGET" = auto ]; then
  STORM_BUDGET=$(awk -v r="$probe_rate" 'BEGIN { b = int(r * 0.5 + 0.5); print b < 10 ? 10 : b }')
fi
start_gateway storm "$WARM_UP" "$STORM_BUDGET" "$broker_port" false
ramp=${STORM_RAMP:-$(awk -v b="$STORM_BUDGET" -v r="$probe_rate" 'BEGIN {
  x = b * 0.8; if (r > 0 && r * 0.4 < x) x = r * 0.4; x = int(x); print x < 1 ? 1 : x }')}
# One wave, WAVE_AFTER s after every vehicle had its first connection (tbox-sim waits for that, however
# slowly the ramp goes); tbox-sim's duration is only a bound: it is stopped (SIGTERM: it still writes its
# summary) once the newcomers are done and every vehicle resumed, or 60 s after the newcomers.
wave_after=10
max_duration=$(awk -v n="$STORM_N" -v ramp="$ramp" 'BEGIN { printf "%d", n / ramp * 3 + 300 }')
# Newcomers: STORM_NEW_RATE new vehicles per second (twice the budget) for STORM_NEW_SECONDS from 2 s
# before the wave, as open arrivals (each on time, whatever the gateway does with the earlier ones), each
# done at its handshake's end (Mosquitto does not echo). Beyond the budget the gateway sheds them: a
# close before any reply, which LoadClient counts apart from real errors (closed_before_reply).
new_rate=${STORM_NEW_RATE:-$(( 2 * STORM_BUDGET ))}
new_seconds=${STORM_NEW_SECONDS:-10}
# A vehicle whose connection fails (e.g. shed by the budget when the ramp bunches up on a stalled
# machine) tries again after 1 s, as a vehicle would; counted in the retries.
sim_start=$(date +%s%N)
java -Xmx1g -jar "$WORK/tbox-sim.jar" connect --pki "$WORK/pki" --port "$GW_PORT" -t tlcp --suite ECC_SM4_GCM_SM3 \
    -n "$STORM_N" --ramp "$ramp" --publish-rate 0 --duration "${max_duration}s" --reconnect-interval "${wave_after}s" \
    --reconnect-waves 1 --reconnect-after-connected --reconnect-fraction 1.0 --handshake-timeout 60s \
    --connect-timeout 30s --connack-timeout 30s --retries 3 --retry-delay 1s \
    --json "$WORK/storm.json" -q > "$WORK/sim.out" 2> "$WORK/sim.err" &
sim=$!; PIDS+=($sim)
# kind_totals: "full resumed refused" handshakes so far, from one scrape of the gateway's metrics (curl
# and one awk: a few processes, so that a loaded machine still takes samples about every 0.2 s). A scrape
# that times out (a gateway busy with the wave) must not end the script (set -e, pipefail): nothing is
# printed then, and no sample taken.
kind_totals() { { curl -s --max-time 5 "http://127.0.0.1:$GW_ADMIN/metrics" || true; } | awk '/^gateway_handshakes_total[{]/ {
    if (/kind="full"/) f += $NF; else if (/kind="resumed"/) r += $NF; else if (/kind="refused"/) x += $NF }
  END { if (NR) printf "%.0f %.0f %.0f\n", f, r, x }'; }
# The gateway's handshake counts by kind every 0.2 s while tbox-sim runs: the wave as the gateway saw it.
# Every vehicle is connected when the gateway counted N full handshakes (nobody else makes any before the
# newcomers; a vehicle that gave up would leave the count short: then after twice the ramp's time).
: > "$WORK/storm-samples.txt"
connected_at=""; newcomers=""; stop_after=""
give_up_at=$(( sim_start + $(awk -v n="$STORM_N" -v ramp="$ramp" 'BEGIN { printf "%d", n / ramp * 2 + 60 }') * 1000000000 ))
while kill -0 "$sim" 2>/dev/null; do
  totals=$(kind_totals); t=$(date +%s%N)
  if [ -n "$totals" ]; then echo "$t $totals" >> "$WORK/storm-samples.txt"; read -r full res _ <<<"$totals"; fi
  if [ -z "$connected_at" ] && { [ "${full:-0}" -ge "$STORM_N" ] || [ "$t" -gt "$give_up_at" ]; }; then
    connected_at=$t
    ( sleep $(( wave_after - 2 )); echo "$(date +%s%N) $(kind_totals)" > "$WORK/storm-new-start.txt"
      load handshake --port "$GW_PORT" --pki "$WORK/pki" --proto tlcp-ecc --rate "$new_rate" --seconds "$new_seconds" \
        --max-inflight 1024 --threads 2 --echo false --warmup-seconds 0 > "$WORK/storm-new.txt" ) &
    newcomers=$!
  fi
  if [ -n "$newcomers" ] && [ -z "$stop_after" ] && ! kill -0 "$newcomers" 2>/dev/null; then
    stop_after=$(( t + 60000000000 ))
  fi
  if [ -n "$stop_after" ] && { [ "${res:-0}" -ge "$STORM_N" ] || [ "$t" -gt "$stop_after" ]; }; then
    sleep 5; kill -TERM "$sim" 2>/dev/null || true; break
  fi
  sleep 0.2
done
# When the wave was due, in seconds from tbox-sim's start.
wave_at=$(awk -v c="${connected_at:-0}" -v s="$sim_start" -v a="$wave_after" 'BEGIN {
  if (c == 0) print "n/a"; else printf "%d", (c - s) / 1e9 + a }')
[ -n "$newcomers" ] && { wait "$newcomers" || true; }
wait "$sim" || true
http_body "$GW_ADMIN" /metrics > "$WORK/storm-metrics.txt"
stop_gateway
storm_metrics=$(cat "$WORK/storm-metrics.txt")
# Wave: from the sample before the first resumed handshake to the one where the count stopped growing
# (only the vehicles resume: the newcomers and the initial connections are full handshakes).
read -r wave_ms wave_resumed <<<"$(awk '
  NR == 1 { base = $3 }
  { t = $1 / 1e6; v = $3 - base; if (v > 0 && start == "") start = prev_t; if (v > last) { end = t; last = v } prev_t = t }
  END { if (start == "") print "n/a 0"; else printf "%.0f %d\n", end - start, last }' "$WORK/storm-samples.txt")"
read -r _ full0 resumed0 refused0 < "$WORK/storm-new-start.txt" || true
refused=$(metric_sum "$storm_metrics" gateway_handshakes_refused_total reason=full_handshake_budget)
full_total=$(metric_sum "$storm_metrics" gateway_handshakes_total kind=full)
new_line=$(cat "$WORK/storm-new.txt" 2>/dev/null || true)
# "Logged once per period": the gateway's refusal lines for the budget, and the refusals they stand for
# (each line: one, plus the "N more like this" left out since the line before).
budget_log=$({ grep -h 'full_handshake_budget' "$WORK/storm.out" "$WORK/storm.err" 2>/dev/null || true; } |
  awk '{ n++; c++; if (match($0, /\([0-9]+ more like this/)) c += substr($0, RSTART + 1) + 0 }
       END { printf "%d %d\n", n, c }')
raw "storm: $(tr '\n' ' ' < "$WORK/sim.out" | tr -s ' ' | head -c 900)"
raw "storm wave: ${wave_ms} ms for ${wave_resumed} resumed handshakes; refused (budget) ${refused} (${refused0:-n/a} before the newcomers); budget log lines / refusals they stand for: ${budget_log}; newcomers: ${new_line}"
printf 'probe_rate=%s\nramp=%s\nwave_at=%s\nrefused=%s\nrefused0=%s\nfull0=%s\nwave_ms=%s\nwave_resumed=%s\nfull_total=%s\nstorm_budget=%s\nstorm_n=%s\nnew_rate=%s\nnew_seconds=%s\nbudget_log="%s"\nstorm_load="%s"\n' \
    "$probe_rate" "$ramp" "$wave_at" "$refused" "${refused0:-n/a}" "${full0:-n/a}" "$wave_ms" "$wave_resumed" "$full_total" \
    "$STORM_BUDGET" "$STORM_N" "$new_rate" "$new_seconds" "$budget_log" \
    "$(date -u '+%H:%M') UTC, before $storm_load_before, after $(load_average)" > "$WORK/storm.env"
fi
# ---- SM4-GCM records on one core: JMH (tlcp/bench, built by bench/pom.xml), ops/s of 16 KiB records
if part records; then
log "SM4-GCM records (JMH)"
[ -n "${SKIP_BUILD:-}" ] || mvn -B -q -f bench/pom.xml package -DskipTests >&2 || die "the JMH benchmarks did not build"
java -jar tlcp/bench/target/tlcp-benchmarks.jar 'Sm4GcmBench' ${RECORDS_JMH:--f 1 -wi 2 -w 2s -i 4 -r 3s} \
    > "$WORK/records.txt" 2>&1 || die "the SM4-GCM benchmark failed (see $WORK/records.txt)"
awk '$1 ~ /^Sm4GcmBench\./ && $2 == "thrpt" { sub(/^Sm4GcmBench\./, "", $1); printf "records %s ops_per_s=%s error=%s\n", $1, $4, $6 }' \
    "$WORK/records.txt" | while read -r l; do raw "$l"; done
fi
# Seconds of measurement, summed over the invocations of PARTS runs.
before=0
[ "$PARTS" = "$ALL_PARTS" ] || before=$(cat "$WORK/elapsed" 2>/dev/null || echo 0)
echo "$(( $(date +%s) - T0 + before ))" > "$WORK/elapsed"
measurement_facts > "$WORK/measured.env"
fi   # measurements
# A report written again (REPORT_ONLY=1) states when and under what load the run measured, not its own.
[ -n "${REPORT_ONLY:-}" ] && [ -f "$WORK/measured.env" ] && . "$WORK/measured.env"

# ---- the report
# Numbers or n/a: a row an interrupted run did not reach shows n/a.
cores() { awk -v ms="$1" 'BEGIN { if (ms !~ /^[0-9.]+$/) print "n/a"; else printf "%.1f", 16700 * ms / 1000 }'; }
met() { awk -v v="$1" -v t="$2" 'BEGIN { if (v !~ /^[0-9.]+$/) print "n/a"; else print (v <= t ? "**met**" : "not met") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) print "n/a"; else printf "%.2f", a - b }'; }
cpu() { local v; v=$(field gateway_cpu_ms_per_handshake "$1"); echo "${v:-n/a}"; }
# What the run recorded (raw.txt), so that an interrupted run can be reported: REPORT_ONLY=1.
engine() { local v; v=$(field server_cpu_ms_per_handshake "$(grep "^kind=$1 " "$RAW" || true)"); echo "${v:-n/a}"; }
warm_line() { grep "^warm $1: " "$RAW" | head -n 1 || true; }
cold_line() { grep "^cold warm-up=$1 $2 " "$RAW" | head -n 1 || true; }
started_ms() { sed -n 's/.*(started in \([0-9]*\) ms).*/\1/p' <<<"$(cold_line "$1" "$2")"; }
declare -A WARM COLD_OFF COLD_ON START_OFF START_ON
for row in tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm; do
  WARM[$row]=$(warm_line "$row"); COLD_OFF[$row]=$(cold_line off "$row"); COLD_ON[$row]=$(cold_line on "$row")
  START_OFF[$row]=$(started_ms off "$row"); START_ON[$row]=$(started_ms on "$row")
done
WARM[tls13-ecdsa]=$(warm_line tls13-ecdsa-openssl)
probe_rate=n/a; ramp=n/a; wave_at=n/a; refused=n/a; refused0=n/a; full0=n/a; wave_ms=n/a; wave_resumed=n/a; full_total=n/a
new_rate=n/a; new_seconds=n/a; budget_log="n/a n/a"; storm_load=n/a
storm_budget=$STORM_BUDGET; storm_n=$STORM_N
[ -f "$WORK/storm.env" ] && . "$WORK/storm.env"
STORM_BUDGET=$storm_budget; STORM_N=$storm_n
storm_flat=""
[ -s "$WORK/storm.json" ] && storm_flat=$(json_flat "$WORK/storm.json")
new_line=$(cat "$WORK/storm-new.txt" 2>/dev/null || true)
elapsed=$(cat "$WORK/elapsed" 2>/dev/null || echo "$(( $(date +%s) - T0 )) (interrupted run)")
declare -A TARGET=([tlcp-ecc]=0.9 [tlcp-ecdhe]=1.1 [tlcp-resumed]=0.15 [tls13-sm]=1.2)
declare -A TODAY=([tlcp-ecc]="2.5–2.8" [tlcp-ecdhe]="1.9–2.7" [tlcp-resumed]="1.30" [tls13-sm]="8.1")
declare -A TONGSUO=([tlcp-ecc]="2.8–3.0 / 1.80" [tlcp-ecdhe]="3.4–3.6 / 2.17" [tlcp-resumed]="0.20 / 0.22" [tls13-sm]="– / 1.66")
declare -A LABEL=([tlcp-ecc]="TLCP ECC_SM4_GCM_SM3, full, mTLS" [tlcp-ecdhe]="TLCP ECDHE_SM4_GCM_SM3, full, mTLS"
  [tlcp-resumed]="TLCP resumed (session ID)" [tls13-sm]="TLS 1.3 TLS_SM4_GCM_SM3, full, mTLS")
declare -A ENGINE_KIND=([tlcp-ecc]=tlcp-ecc [tlcp-ecdhe]=tlcp-ecdhe [tlcp-resumed]=tlcp-resumed [tls13-sm]=tls13-sm)
{
  result_header "The edge at reconnect-storm speed (issue 16)" "Gateway = \`java -jar gm-tls-proxy.jar\` (512 MiB heap, SerialGC,
epoll), one TLCP + TLS 1.3 listener, client certificate required and checked against the CRLs, upstream
connect with a PPv2 header (BenchUpstream, echo) for the handshake rows, Mosquitto (no PPv2) for the
storm. **Gateway CPU per handshake** = utime + stime of the gateway process (\`/proc/<pid>/stat\`) over
the measured handshakes, divided by their number; client = LoadClient (Netty, TLCP and TLS 1.3 SM, one
thread, $CONCURRENCY connections in flight, its own process) or the system \`openssl s_client\`
($CONCURRENCY loops of processes) for TLS 1.3 ECDSA. Each connection: handshake, one byte echoed end to
end, close. **Warm**: one gateway, after its start-up warm-up and, before each row, $PREWARM earlier handshakes of that row's kind, $MEASURE
handshakes per row. **Cold**: a fresh gateway process per row, its first $COLD handshakes, started
with \`warm-up: off\` and with the default warm-up. **Engine alone**: the same certificates, client and
server engine in memory on one thread, server engine thread CPU per handshake
(\`EngineAloneBench\`, ${ENGINE_SECONDS} s per kind after ${ENGINE_SECONDS} s of warm-up), same run.
Client, upstream and gateway share the machine's $(nproc) cores. Whole run: ${elapsed} s."
  echo
  echo "## Server CPU per handshake (ms)"
  echo
  echo "| per handshake | gateway warm | gateway cold, first $COLD, \`warm-up: off\` | cold with warm-up (ratio to warm) | engine alone | gateway − engine | cores for 16,700/s (warm) | target | met? | issue: gateway before | issue: Tongsuo default / optimized SM2 |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for row in tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm; do
    w=$(cpu "${WARM[$row]}"); co=$(cpu "${COLD_OFF[$row]}"); cw=$(cpu "${COLD_ON[$row]}"); e=$(engine "${ENGINE_KIND[$row]}")
    d=$(minus "$w" "$e")
    echo "| ${LABEL[$row]} | **$w** | $co | $cw ($(ratio "$cw" "$w")×) | $e | $d | $(cores "$w") | ≤ ${TARGET[$row]} | $(met "$w" "${TARGET[$row]}") | ${TODAY[$row]} | ${TONGSUO[$row]} |"
  done
  w=$(cpu "${WARM[tls13-ecdsa]}"); e=$(engine tls13-ecdsa)
  echo "| TLS 1.3 ECDSA P-256 (BoringSSL), full, mTLS — system \`openssl s_client\` | **$w** | – | – | $e | $(minus "$w" "$e") | $(cores "$w") | – | – | 1.85 (gateway.md) | – |"
  ecc_w=$(cpu "${WARM[tlcp-ecc]}"); ecc_off=$(cpu "${COLD_OFF[tlcp-ecc]}"); ecc_on=$(cpu "${COLD_ON[tlcp-ecc]}")
  echo "| **cold process: first $COLD ECC handshakes** | – | $ecc_off ($(ratio "$ecc_off" "$ecc_w")× warm) | **$ecc_on ($(ratio "$ecc_on" "$ecc_w")× warm)** | – | – | – | ≤ 1.5 × warm | $(met "$(ratio "$ecc_on" "$ecc_w")" 1.5) | 11.5 | 2.85 (Tongsuo default) |"
  echo
  echo "### Where the warm gateway's CPU goes (ms per handshake, by thread, same measurement)"
  echo
  echo 'From `/proc/<pid>/task/*/stat` before and after each row, grouped by thread name: the Netty event loops'
  echo "(handshakes, relaying, syscalls), HotSpot's JIT compiler threads, the collector and VM thread, the rest"
  echo "(access-log writer, timers, admin). A thread that ended within the row (HotSpot stops idle compiler"
  echo "threads) takes its ticks with it, so a group can come out low, even negative; the process figure is exact."
  echo
  echo "| per handshake | process | event loops | JIT compilers | GC + VM | other threads | process less JIT | target |"
  echo "|---|---|---|---|---|---|---|---|"
  for row in tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm; do
    l=${WARM[$row]}; w=$(cpu "$l"); j=$(field jit_cpu_ms_per_handshake "$l")
    echo "| ${LABEL[$row]} | $w | $(field event_loop_cpu_ms_per_handshake "$l") | ${j:-n/a} | $(field gc_cpu_ms_per_handshake "$l") | $(field other_threads_cpu_ms_per_handshake "$l") | $(minus "$w" "${j:-n/a}") | ≤ ${TARGET[$row]} |"
  done
  echo
  if grep -q '^baseline warm ' "$RAW"; then
    base_label=$(sed -n 's/^baseline label //p' "$RAW" | head -n 1)
    echo "### This tree against a baseline jar, same run"
    echo
    echo "The warm rows above, measured the same way in the same run on a second gateway, the jar of \`${base_label}\`"
    echo "(with its own default warm-up), running beside this tree's: the two were measured alternately, figure by figure"
    echo "(${WARM_ROUNDS:-5} figures of ${MEASURE} handshakes each per row, the median shown), so that the machine's drift in"
    echo "speed falls on both alike. Gateway process CPU and event-loop CPU per handshake (ms), and this tree's figure as"
    echo "a fraction of the baseline's (below 1: cheaper)."
    echo
    echo "| per handshake | baseline process | baseline event loops | this tree process | this tree event loops | process ratio | event-loop ratio |"
    echo "|---|---|---|---|---|---|---|"
    for row in tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm tls13-ecdsa-openssl; do
      b=$(grep "^baseline warm $row: " "$RAW" | head -n 1 || true); t=$(grep "^warm $row: " "$RAW" | head -n 1 || true)
      bp=$(cpu "$b"); tp=$(cpu "$t"); be=$(field event_loop_cpu_ms_per_handshake "$b"); te=$(field event_loop_cpu_ms_per_handshake "$t")
      label=${LABEL[$row]:-TLS 1.3 ECDSA P-256, full, mTLS (openssl s_client)}
      echo "| $label | $bp | ${be:-–} | $tp | ${te:-–} | $(ratio "$tp" "$bp") | $(ratio "${te:-n/a}" "${be:-n/a}") |"
    done
    echo
  fi
  echo "**Why the gateway's ECC row can cost more than its ECDHE row** although the engine alone does less for ECC"
  echo "(one SM2 decryption instead of an ephemeral key and an SM2 key exchange): the ECC row is the first one measured"
  echo "after start-up, and HotSpot's optimising compiler — one C2 thread on this 2-core machine — is still compiling what"
  echo "real traffic made hot: the JIT column; until a method's C2 version is ready the event loops run its slower"
  echo "first-tier version, so in some runs even the event-loop column is higher for ECC. That tail is paid once per"
  echo "process, over its first few thousand connections, and varies from run to run (0.2–1.9 ms per handshake over this"
  echo "row in runs of this script). A log of the compilations (\`-XX:+LogCompilation\`, one run): ~2,200 methods compiled by"
  echo "C2 for the first time (~20 s of C2 time) and ~200 compiled again; after the port opened, 140 first-time"
  echo "compilations (3.6 s) — per-handshake code the warm-up ran only a few hundred times (the SM2 decryption of the ECC"
  echo "key exchange), per-connection code whose C2 threshold HotSpot had raised while its queue was long — and ~80"
  echo "recompilations (6.6 s), after type checks that the warm-up's traffic let C2 assume failed on real traffic. The TLS 1.3"
  echo "SM row's 1,000 handshakes fall where C2 first compiles the code run once per TLS 1.3 handshake (another log: 158"
  echo "methods between the 3,000th and the 7,000th), so that row's JIT and event-loop columns vary by ±20 % between runs."
  echo "What a fleet pays in steady state is the \"process less JIT\" column."
  echo
  echo "**The TLS 1.3 SM row is a single vehicle's, and that flatters it.** LoadClient presents one certificate (as the"
  echo "issue's \`s_client\` loops did), and the gateway's TLS 1.3 crypto keeps the public keys it verified with (an LRU of"
  echo "1,024, \`Sm2TlsCrypto\`), building a key's fixed-window table after its 8th verification: this row's vehicle"
  echo "CertificateVerify is checked with that table (~60 µs) where a fleet's vehicle, each arriving with its own key,"
  echo "costs a fresh-key verification (~160 µs, \`bench/results/sm2.md\`): about 0.1 ms more per handshake than this row."
  echo "The TLCP rows do not have this bias: the TLCP engine decodes the vehicle's key afresh in every full handshake."
  echo
  echo "Cores for 16,700 handshakes/s = 16,700 × warm CPU per handshake (full: the ECC or ECDHE row; resumed:"
  echo "the resumed row). Errors (all rows): $(grep -E '^(warm|cold) ' "$RAW" | grep -o 'errors=[0-9]*' | awk -F= '{ s += $2 } END { print s + 0 }')."
  echo "CPU time per handshake depends less on other load than rates do, but not nothing: cache and core"
  echo "sharing inflate it, and a starved process compiles its hot code late. Compare figures within one run on"
  echo "an otherwise idle machine (load averages in the header; gateway CPU use per row in the raw lines)."
  echo "Start-up with the warm-up (time to /health, per cold row): $(for r in tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm; do printf '%s %s ms; ' "$r" "${START_ON[$r]}"; done)"
  echo "without: $(for r in tlcp-ecc tlcp-ecdhe tlcp-resumed tls13-sm; do printf '%s %s ms; ' "$r" "${START_OFF[$r]}"; done)"
  echo "The warm gateway's log: $(grep -o 'warm-up: [0-9]* handshakes in [0-9]* ms' "$WORK/warm.err" 2>/dev/null | head -n 1)."
  echo
  echo "## Storm: $STORM_N vehicles reconnect at once"
  echo
  echo "tbox-sim \`connect -t tlcp --suite ECC_SM4_GCM_SM3 -n $STORM_N --ramp $ramp --publish-rate 0 --retries 3\`, one reconnect"
  echo "wave of every vehicle (\`--reconnect-fraction 1.0 --reconnect-waves 1 --reconnect-after-connected --reconnect-interval 10s\`:"
  echo "10 s after the last vehicle connected, at ${wave_at} s from the start), each resuming its TLCP session by session ID,"
  echo "through a gateway with \`full-handshakes-per-second: $STORM_BUDGET\` to Mosquitto. The budget and the ramp come from"
  echo "what the machine served just before (LoadClient, 8 full handshakes in flight against a gateway without a budget:"
  echo "${probe_rate}/s): budget half of it (STORM_BUDGET=auto), ramp 80 % of the budget. **Newcomers**: LoadClient, ${new_rate}"
  echo "new vehicles per second (open arrivals: each on time whatever the gateway does) for ${new_seconds} s from 2 s before"
  echo "the wave, full TLCP ECC handshakes, each done at its handshake's end (Mosquitto does not echo). A newcomer the"
  echo "gateway closes before any reply is a shed (LoadClient's \`closed_before_reply\`); other failures are errors."
  echo "Storm measured (ended) at, and load average (1/5/15 min) of the machine — shared with other jobs — around it: ${storm_load}."
  sim_json() { json_get "$storm_flat" "$1"; }
  new_field() { local v; v=$(field "$1" "$new_line"); echo "${v:-n/a}"; }
  new_errors=$(new_field errors); new_shed=$(new_field closed_before_reply)
  read -r log_lines _ <<<"$budget_log"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| vehicles connected (initial) / never connected | $(sim_json connections.initial) / $(sim_json connections.neverConnected) |"
  echo "| reconnects in the wave | $(sim_json connections.reconnects) |"
  echo "| **wave duration** (first to last resumed handshake, gateway metrics, 0.2 s samples) | **${wave_ms} ms** |"
  echo "| resumed handshakes in the wave (gateway) / reconnects (tbox-sim) | ${wave_resumed} / $(sim_json connections.reconnects) |"
  wave_hs=$(awk -v f="$(sim_json connections.fullHandshakes)" -v r="$(sim_json connections.resumedHandshakes)" -v i="$(sim_json connections.initial)" \
    'BEGIN { if (f !~ /^[0-9]+$/ || r !~ /^[0-9]+$/ || i !~ /^[0-9]+$/) print "n/a"; else print f + r - i }')
  echo "| **resumed share** of the wave's handshakes (tbox-sim: resumed / all but the initial full ones; retries included) | **$(ratio "$(sim_json connections.resumedHandshakes)" "$wave_hs")** |"
  echo "| tbox-sim handshakes full / resumed; retries | $(sim_json connections.fullHandshakes) / $(sim_json connections.resumedHandshakes); $(sim_json connections.retries) |"
  echo "| tbox-sim handshake latency p50 / p99 / max (ms; initial and wave connections together) | $(sim_json latencyMs.handshake.p50) / $(sim_json latencyMs.handshake.p99) / $(sim_json latencyMs.handshake.max) |"
  echo "| **tbox-sim errors** (by cause below) | **$(sim_json errorTotal)** |"
  echo "| newcomers offered (arrivals due) / not started (client's in-flight cap) | $(new_field offered) / $(new_field not_started_inflight_cap) |"
  echo "| **newcomers served** (full handshake done) | **$(new_field handshakes)** |"
  echo "| **newcomers shed** (closed before any reply) | **${new_shed}** |"
  echo "| **newcomers' real errors** (errors less the sheds) | **$(minus "$new_errors" "$new_shed" | sed 's/\.00$//')** |"
  echo "| gateway full handshakes since the newcomers started (\`gateway_handshakes_total{kind=full}\`) | $(minus "$full_total" "$full0" | sed 's/\.00$//') |"
  echo "| **refused by the budget** (\`gateway_handshakes_refused_total{reason=full_handshake_budget}\`): all / before the newcomers | **${refused}** / ${refused0} |"
  echo "| **vehicles refused** (refusals since the newcomers started less the newcomers' sheds; a resuming vehicle is never refused) | **$(minus "$(minus "$refused" "$refused0")" "$new_shed" | sed 's/\.00$//')** |"
  echo "| refusal log lines for the budget (\`io.gmtls.proxy.refusals\`: one per 10 s per reason, the next one counting those left out) | ${log_lines} line(s) for ${refused} refusals |"
  echo
  echo "tbox-sim errors by cause: $(grep '^errors\.' <<<"$storm_flat" | sed 's/^errors\.//' |
    awk -F'\t' '{ printf "%s× %s; ", $2, $1; n++ } END { if (!n) print "none" }')"
  echo "The gateway's access log, connections by how they ended: $({ grep -o 'close=[a-z_]*' "$WORK/storm.out" 2>/dev/null || true; } |
    sort | uniq -c | sort -rn | awk '{ sub(/close=/, "", $2); printf "%s× %s; ", $1, $2 }')"
  echo "(\`client_closed_during_handshake\` includes the sheds; \`no_upstream\`: the gateway's connect to the broker failed"
  echo "within its 3 s connect timeout, e.g. with Mosquitto's accept backlog overflowing when every vehicle reconnects"
  echo "at once — tbox-sim sees \"closed by server before connack\" and retries after 1 s.)"
  echo
  echo "Handshakes per second by kind (gateway metrics; per second from tbox-sim's start, i.e. its first sample; the"
  echo "newcomers run from $(awk -v w="$wave_at" 'BEGIN { if (w ~ /^[0-9]+$/) print w - 2; else print "n/a" }') s to $(awk -v w="$wave_at" -v n="$new_seconds" 'BEGIN { if (w ~ /^[0-9]+$/) print w - 2 + n; else print "n/a" }') s, the wave is due at ${wave_at} s by the gateway's count — tbox-sim"
  echo "starts its 10 s when the last CONNACK is in, a little later. A second without a sample (a scrape the busy"
  echo "gateway answered late) is folded into the next row, whose rates are then the average over the seconds shown):"
  echo
  echo "| s | full/s | resumed/s | refused/s |"
  echo "|---|---|---|---|"
  # Rows from 4 s before the wave to 2 s after the last change of any count.
  [ -s "$WORK/storm-samples.txt" ] && awk -v w="$wave_at" '
    NR == 1 { t0 = $1 }
    { s = int(($1 - t0) / 1e9); f[s] = $2; r[s] = $3; x[s] = $4; if (s > max) max = s
      if (NR > 1 && ($2 != pf || $3 != pr || $4 != px)) changed = s; pf = $2; pr = $3; px = $4 }
    END {
      from = (w ~ /^[0-9]+$/) ? w - 4 : 0; to = changed + 2; if (to > max) to = max
      p = ""; for (s = from - 30; s < from; s++) if (s in f) p = s
      for (s = from; s <= to; s++) {
        if (!(s in f)) continue
        if (p != "") {
          d = s - p; label = d > 1 ? sprintf("%d–%d", p + 1, s) : s
          printf "| %s | %.0f | %.0f | %.0f |\n", label, (f[s] - f[p]) / d, (r[s] - r[p]) / d, (x[s] - x[p]) / d
        }
        p = s
      }
    }' "$WORK/storm-samples.txt"
  echo
  echo "Handshakes by kind and suite over the whole storm (\`gateway_handshakes_total\`; refused ones have no suite:"
  echo "they are closed before the engine, so before any suite is chosen):"
  echo
  echo "| kind | protocol | suite | result | count |"
  echo "|---|---|---|---|---|"
  [ -f "$WORK/storm-metrics.txt" ] && awk '/^gateway_handshakes_total\{/ {
      k = $0; label = ""; split("kind protocol suite result", names, " ")
      for (i = 1; i <= 4; i++) { v = "n/a"; if (match(k, names[i] "=\"[^\"]*\"")) v = substr(k, RSTART + length(names[i]) + 2, RLENGTH - length(names[i]) - 3); label = label " | " v }
      printf "%s | %.0f |\n", label, $NF }' "$WORK/storm-metrics.txt" | sed 's/^ //' | sort
  echo
  echo "## SM4-GCM records, one core"
  echo
  echo "JMH \`Sm4GcmBench\` (tlcp/bench; ${RECORDS_JMH:--f 1 -wi 2 -w 2s -i 4 -r 3s}), same run: 16 KiB records, one direction at a"
  echo "time — the form of \`openssl speed -evp sm4-gcm\`'s 16384-byte column the issue quotes for Tongsuo. The engine's"
  echo "cipher is the default \`TlcpCrypto\`'s SM4-GCM as a connection uses it (key fixed, a nonce per record); the"
  echo "baseline is BouncyCastle's \`GCMBlockCipher\` with its default multiplier (4 KiB of tables per key, which the"
  echo "engine does not keep: memory per connection). MB/s = records/s × 16,384 / 10^6."
  echo
  echo "| 16 KiB records | seal MB/s | open MB/s |"
  echo "|---|---|---|"
  mbs() { awk -v v="$(field ops_per_s "$(grep "^records $1 " "$RAW" | head -n 1)")" 'BEGIN { if (v !~ /^[0-9.]+$/) print "n/a"; else printf "%.1f", v * 16384 / 1e6 }'; }
  echo "| engine (\`CompactSm4Gcm\`) | **$(mbs engineSeal)** | **$(mbs engineOpen)** |"
  echo "| BouncyCastle \`GCMBlockCipher\`, 4 KiB tables | $(mbs bouncyCastleSeal) | $(mbs bouncyCastleOpen) |"
  echo "| engine / BouncyCastle | $(ratio "$(mbs engineSeal)" "$(mbs bouncyCastleSeal)") | $(ratio "$(mbs engineOpen)" "$(mbs bouncyCastleOpen)") |"
  echo "| issue: Tongsuo 8.4 (its machine) | 156 | – |"
  echo
  echo "The engine's SM4 runs two CTR blocks per loop (two independent round chains the processor overlaps) and"
  echo "XORs the key stream a word at a time; GHASH takes two blocks per step, (s ⊕ X1)·H² ⊕ X2·H, with Shoup 4-bit"
  echo "tables of H and H² built per record (2 × 256 B, dropped after it: nothing more is kept per connection)."
  echo "Tongsuo's figure was measured on another machine; the ratio to BouncyCastle is this run's."
  echo
  echo "## Raw"
  echo
  echo '```'
  cat "$RAW"
  echo '```'
} > bench/results/edge.md
say "wrote bench/results/edge.md in ${elapsed} s"

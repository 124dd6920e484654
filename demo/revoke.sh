#!/usr/bin/env bash
# demo/revoke.sh VIN — on a running ./gmtls-demo.sh stack: the vehicle VIN holds a live MQTT session over
# TLCP through the gateway (tbox-sim subscribe, with the vehicle's own certificates), an operator revokes
# every valid certificate of that VIN through pki-ca's admin API, and the script shows the session
# closed by the gateway, how long after the revoke call returned, the gateway's access-log line, and
# that a new connection of the vehicle is refused. Also: ./gmtls-demo.sh revoke VIN.
#
#   ./demo/revoke.sh LGMDEV00000000003
# Reads the demo's folder (GMTLS_DEMO_DIR, default .gmtls-demo) and ports (GMTLS_DEMO_PKI_PORT,
# GMTLS_DEMO_MQTT_PORT) as gmtls-demo.sh does; the operator API key from its secrets folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
log_tag=revoke
. "$root/demo/lib.sh"
demo="${GMTLS_DEMO_DIR:-$root/.gmtls-demo}"
case "$demo" in /*) ;; *) demo="$PWD/$demo" ;; esac
pki_port="${GMTLS_DEMO_PKI_PORT:-18080}"
mqtt_port="${GMTLS_DEMO_MQTT_PORT:-8883}"

[ $# -eq 1 ] || die "usage: $0 VIN   (e.g. LGMDEV00000000003, a vehicle of $(rel "$demo")/pki/sm2/vehicles)"
vin="$1"
[[ "$vin" =~ ^[A-HJ-NPR-Z0-9]{17}$ ]] || die "'$vin' is not a VIN (17 characters, no I, O or Q)"
[ -f "$demo/pki/sm2/vehicles/$vin-sign.crt" ] || die "no vehicle $vin in $(rel "$demo")/pki/sm2/vehicles"
[ -f "$demo/endpoints.json" ] && http_ok "$pki_port" /actuator/health \
  || die "the demo stack is not running (start ./gmtls-demo.sh first; other ports: GMTLS_DEMO_PKI_PORT, GMTLS_DEMO_MQTT_PORT)"
[ -f "$jar_sim" ] || die "$(rel "$jar_sim") missing: run ./gmtls-demo.sh once"
HTTP_API_KEY="$(cat "$demo/secrets/operator-api-key")"
export HTTP_API_KEY
now_ms() { date +%s%3N; }

# ---- 1. the vehicle's live session through the gateway (its own signing and encryption certificates)
session_log="$(mktemp)"
subscribe=(java -jar "$jar_sim" subscribe -t tlcp --pki "$demo/pki" --host localhost --port "$mqtt_port"
  --vin "$vin" --topic "vehicle/$vin/#" -q)
"${subscribe[@]}" >/dev/null 2>"$session_log" &
session=$!
trap 'kill "$session" 2>/dev/null || true; rm -f "$session_log"' EXIT
for _ in $(seq 1 300); do
  grep -q "subscribed" "$session_log" && break
  kill -0 "$session" 2>/dev/null || { cat "$session_log" >&2; die "$vin could not connect (revoked already?)"; }
  sleep 0.1
done
grep -q "subscribed" "$session_log" || die "$vin did not connect within 30 s"
say "$vin is connected over TLCP through the gateway (localhost:$mqtt_port): $(grep subscribed "$session_log" | sed 's/^tbox-sim: //')"

# ---- 2. the operator revokes the certificate the session presents: the VIN's SM2 signing certificate
listing="$(http GET "$pki_port" "/api/v1/admin/certificates?vin=$vin&status=valid" | awk 'body { print } /^\r?$/ { body = 1 }')"
# "serial usage ca" per certificate, the SM2 signing one first
certificates="$(printf '%s\n' "$listing" | awk -f "$root/bench/json-flat.awk" | awk -F'\t' '
  { split($1, p, "."); if (p[2] == "serial" || p[2] == "usage" || p[2] == "ca") c[p[1], p[2]] = $2; if (p[1] + 1 > n) n = p[1] + 1 }
  END { for (i = 0; i < n; i++) printf "%s %s %s %d\n", c[i, "serial"], c[i, "usage"], c[i, "ca"],
          !(c[i, "usage"] == "VEHICLE_SIGNING" && c[i, "ca"] ~ /^sm2/) }' | sort -k4,4n)"
signing="$(awk '$2 == "VEHICLE_SIGNING" && $3 ~ /^sm2/ { print $1; exit }' <<<"$certificates")"
[ -n "$signing" ] || die "pki-ca lists no valid SM2 signing certificate of $vin"
revoke() { # SERIAL
  local status
  status="$(http_status POST "$pki_port" "/api/v1/admin/certificates/$1/revoke" application/json '{"reason":"keyCompromise"}')"
  [ "$status" = "200" ] || die "revoking $1 answered HTTP ${status:-nothing}"
}
revoke "$signing"
revoked_at="$(now_ms)"
say "revoked $vin's signing certificate $signing (keyCompromise) through pki-ca's admin API"

# ---- 3. the session ends: the gateway closes it (the revocation feed; without it, the next CRL fetch)
# (tbox-sim prints "connection ended" within 20 ms of the close; the JVM's exit takes longer)
for _ in $(seq 1 1200); do
  grep -q "connection ended" "$session_log" && break
  kill -0 "$session" 2>/dev/null || break
  sleep 0.025
done
grep -q "connection ended" "$session_log" || die "$vin's session is still open 30 s after the revocation"
ended_at="$(now_ms)"
say "$vin's session ended $((ended_at - revoked_at)) ms after the revoke call returned ($(grep -m 1 'connection ended' "$session_log" | sed 's/^tbox-sim: //'))"
access="$(grep "$vin" "$demo/logs/gateway.log" 2>/dev/null | grep -i revoked | tail -n 1 || true)"
[ -z "$access" ] || say "gateway log: $access"
# The vehicle's other certificates (encryption, ECDSA) go too: the vehicle is out.
for serial in $(awk -v s="$signing" '$1 != s { print $1 }' <<<"$certificates"); do
  revoke "$serial"
  say "revoked certificate $serial too"
done

# ---- 4. and the vehicle cannot come back
if again="$("${subscribe[@]}" --duration 5s 2>&1 >/dev/null)"; then
  die "$vin connected again after its revocation"
fi
say "a new connection of $vin is refused: $(printf '%s\n' "$again" | grep -m 1 -o 'certificate_revoked\|cannot subscribe.*' || printf '%s' "$again" | tail -n 1)"

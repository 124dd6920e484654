# tlcp-report.awk: the body of bench/results/tlcp.md from JMH's JSON results, flattened by
# json-flat.awk (bench/tlcp-bench.sh writes the header). A benchmark left out of the run shows as nan.
BEGIN { FS = "\t" }
{
  split($1, p, ".")
  i = p[1]
  rest = substr($1, length(i) + 2)
  if (rest == "benchmark") { n = split($2, b, "."); name[i] = b[n - 1] "." b[n] }
  else if (rest == "params.suite") suite[i] = $2
  else if (rest == "params.chainCache") cache[i] = $2
  else if (rest == "primaryMetric.score") score[i] = $2
  else if (rest == "primaryMetric.scoreError") error[i] = $2
  else if (rest ~ /^secondaryMetrics\.[^.]*\.score$/) { split(rest, s, "."); aux[i, s[2]] = $2 }
  if (i > last) last = i
}
END {
  for (i = 0; i <= last; i++) {
    key = name[i] SUBSEP suite[i] SUBSEP cache[i]
    res[key] = score[i]; err[key] = error[i]
    for (k in aux) { split(k, ik, SUBSEP); if (ik[1] == i) auxres[key, ik[2]] = aux[k] }
  }
  sign = ops("RawCryptoBench.sm2Sign"); verify = ops("RawCryptoBench.sm2Verify")
  fresh = ops("RawCryptoBench.sm2VerifyFreshKey"); dec = ops("RawCryptoBench.sm2Decrypt")
  kx = ops("RawCryptoBench.sm2KeyExchange")

  print "## BouncyCastle baselines (same run)"
  print ""
  print "| operation | ops/s | ms/op |"
  print "|---|---:|---:|"
  baseline("SM2 sign (SM2Signer, initialised once)", "sm2Sign")
  baseline("SM2 verify, same key object every time (BC caches its multiplication tables: a CA key)", "sm2Verify")
  baseline("SM2 verify, key decoded for each signature (a peer's key)", "sm2VerifyFreshKey")
  baseline("SM2 decrypt (48-byte pre-master, SM2Engine C1C3C2)", "sm2Decrypt")
  baseline("SM2 key exchange, one side (ephemeral keygen + SM2KeyExchange, peer keys decoded)", "sm2KeyExchange")
  print ""
  print "| cipher, 16 KiB seal + open | MB/s |"
  print "|---|---:|"
  print "| SM4-GCM, BC default multiplier (4 KiB tables) | " f(mb(ops("RawCryptoBench.sm4Gcm16k")), 1) " |"
  print "| SM4-GCM, BC table-free multiplier (what the engine uses) | " f(mb(ops("RawCryptoBench.sm4GcmBasic16k")), 1) " |"
  print "| SM4-CBC + HMAC-SM3 | " f(mb(ops("RawCryptoBench.sm4CbcHmacSm316k")), 1) " |"
  print ""
  print "## Handshakes (client authentication, 2-level chains: root → issuing CA → leaf; both CAs are anchors)"
  print ""
  print "Target: server time per full handshake ≤ the sum of the SM2 operations it needs. Counted: ECC ="
  print "1 sign (ServerKeyExchange) + 1 decrypt (ClientKeyExchange) + 1 verify with the client's key"
  print "(CertificateVerify; a key seen for the first time) + 2 verifies with the issuing CA's key (the"
  print "client's signing and encryption certificates); ECDHE = 1 sign + 1 key exchange side (ephemeral"
  print "key + SM2 key exchange) + the same 3 verifies."
  print "With the certificate cache on (default; the same vehicle reconnecting) the 2 chain verifies are"
  print "skipped, and the sum counts only the 3 operations performed; off = a vehicle seen for the first time."
  print ""
  print "| suite | certificate cache | handshakes/s (both sides, one thread) | server ms/handshake (elapsed) | server CPU ms/handshake | SM2 sum ms (operations performed) | ratio elapsed / sum | ratio CPU / sum |"
  print "|---|---|---:|---:|---:|---:|---:|---:|"
  handshakes("ECC_SM4_GCM_SM3", add(add(ms(sign), ms(dec)), ms(fresh)))
  handshakes("ECDHE_SM4_GCM_SM3", add(add(ms(sign), ms(kx)), ms(fresh)))
  print ""
  print ""
  print "Thread CPU time is the steadier figure on a shared machine (elapsed time also counts time the"
  print "thread waited for a core); the baselines are elapsed time and carry the error bars above. A JFR"
  print "profile of the server side (ECC, cache off; see tlcp/README.md) puts about 92 % of its samples"
  print "inside the SM2 operations and 8 % in the engine's own work (SM3 transcript and PRF, HMAC,"
  print "certificate parsing and dates, records). The ratios above 1 are mostly the SM2 operations"
  print "themselves running 10–30 % slower inside a handshake than in the isolated baseline loops (the"
  print "same BouncyCastle calls, mostly SM2P256V1Field.multiply), plus that 8 %: reaching ≤ 1 needs SM2"
  print "arithmetic faster than BouncyCastle's, which TlcpCrypto leaves room for."
  print ""
  print "| suite | resumed handshakes/s (both sides) | server CPU µs/handshake |"
  print "|---|---:|---:|"
  resumed("ECC_SM4_GCM_SM3")
  resumed("ECDHE_SM4_GCM_SM3")
  print ""
  print "## Records (16 KiB application records: client wrap + server unwrap)"
  print ""
  print "Target: ≥ 90 % of the raw cipher baseline (seal + open of the same size)."
  print ""
  print "| suite | MB/s | baseline | baseline MB/s | ratio |"
  print "|---|---:|---|---:|---:|"
  gcm = mb(ops("RecordBench.record16k", "ECC_SM4_GCM_SM3"))
  cbc = mb(ops("RecordBench.record16k", "ECC_SM4_CBC_SM3"))
  record("ECC_SM4_GCM_SM3", gcm, "SM4-GCM table-free (same primitive)", mb(ops("RawCryptoBench.sm4GcmBasic16k")))
  record("ECC_SM4_GCM_SM3", gcm, "SM4-GCM 4 KiB tables (BC default)", mb(ops("RawCryptoBench.sm4Gcm16k")))
  record("ECC_SM4_CBC_SM3", cbc, "SM4-CBC + HMAC-SM3", mb(ops("RawCryptoBench.sm4CbcHmacSm316k")))
  print ""
}
# A missing value is "" and stays "" through the arithmetic below; f() and g() print it (and JMH's
# NaN, the error of a single iteration) as nan.
function ops(bench, s, c) { return res[bench, s, c] }
function ms(rate) { return rate == "" || rate <= 0 ? "" : 1000.0 / rate }
function mb(o) { return o == "" ? "" : o * 16384 / 1e6 }
function add(a, b) { return a == "" || b == "" ? "" : a + b }
function div(a, b) { return a == "" || b == "" || b == 0 ? "" : a / b }
function f(x, d) { return x == "" || x ~ /NaN/ ? "nan" : sprintf("%." d "f", x) }
function g(x, d,   s, whole, frac, i) { # with thousands separators
  if (x == "" || x ~ /NaN/) return "nan"
  s = sprintf("%." d "f", x); i = index(s, ".")
  whole = i ? substr(s, 1, i - 1) : s; frac = i ? substr(s, i) : ""
  while (length(whole) > 3 && substr(whole, length(whole) - 3, 1) ~ /[0-9]/) {
    frac = "," substr(whole, length(whole) - 2) frac; whole = substr(whole, 1, length(whole) - 3)
  }
  return whole frac
}
function baseline(label, n,   o) {
  o = ops("RawCryptoBench." n)
  print "| " label " | " g(o, 0) " ± " g(err["RawCryptoBench." n, "", ""], 0) " | " f(ms(o), 3) " |"
}
function handshakes(s, performed,   c, cache_on, need, key, cpu, wall, n, server, elapsed) {
  for (c = 1; c <= 2; c++) {
    cache_on = c == 1 ? "on" : "off"
    # The cache skips the two chain verifications: the sum counts what the handshake performs.
    need = cache_on == "on" ? performed : add(performed, ms(verify) == "" ? "" : 2 * ms(verify))
    key = "HandshakeBench.fullHandshake" SUBSEP s SUBSEP cache_on
    cpu = auxres[key, "serverCpuNanos"]; wall = auxres[key, "serverWallNanos"]; n = auxres[key, "handshakes"]
    server = cpu == "" || n == "" || cpu == 0 || n == 0 ? "" : cpu / n / 1e6
    elapsed = wall == "" || n == "" || wall == 0 || n == 0 ? "" : wall / n / 1e6
    print "| " s " | " cache_on " | " g(res[key], 1) " | " f(elapsed, 2) " | " f(server, 2) " | " f(need, 2) \
      " | " f(div(elapsed, need), 2) " | " f(div(server, need), 2) " |"
  }
}
function resumed(s,   key, cpu, n, server) {
  key = "ResumeBench.resumedHandshake" SUBSEP s SUBSEP ""
  cpu = auxres[key, "serverCpuNanos"]; n = auxres[key, "handshakes"]
  server = cpu == "" || n == "" || cpu == 0 || n == 0 ? "" : cpu / n / 1e3
  print "| " s " | " g(res[key], 0) " | " f(server, 0) " |"
}
function record(s, val, label, base) {
  print "| " s " | " f(val, 1) " | " label " | " f(base, 1) " | " f(div(val, base), 2) " |"
}

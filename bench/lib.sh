# bench/lib.sh — what the benchmark scripts share: the machine and its load, building with the Maven
# reactor (nothing is installed into ~/.m2), a module's test classpath, free ports, reading the JSON
# our tools and JMH write. Sourced, not run: sets $root (the repository root) and changes to it. The
# jar locations, templates, HTTP and process helpers come from demo/lib.sh (the demo's stack is what
# several benchmarks measure). Needs bash, coreutils and awk (mawk or gawk); no python, no curl.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log_tag="${log_tag:-bench}"
# shellcheck source=../demo/lib.sh
. "$root/demo/lib.sh"
cd "$root"

# ---- the machine
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
# "steal total" CPU ticks of the machine since boot (/proc/stat): on a virtual machine, time the host gave the
# CPUs to someone else while they had work — the load average does not show it, and CPU-time figures grow with it.
cpu_ticks_steal() { awk '/^cpu / { print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat; }
steal_share() { # "steal total" at the start -> the stolen share of CPU time since then
  local s0 t0 s1 t1; read -r s0 t0 <<<"$1"; read -r s1 t1 < <(cpu_ticks_steal)
  awk -v s="$((s1 - s0))" -v t="$((t1 - t0))" 'BEGIN { if (t > 0) printf "%.1f %%", 100 * s / t; else print "n/a" }'
}
cpu_model() { awk -F': *' '/model name/ { print $2; exit }' /proc/cpuinfo; }
jdk_version() { java -version 2>&1 | head -n 2 | tr '\n' ' '; }
machine_info() { # one line: cores, CPU, memory, kernel, JDK
  printf '%s cores, %s, %s GiB, kernel %s, %s' "$(nproc)" "$(cpu_model)" \
    "$(awk '/^MemTotal/ { printf "%d", $2 / 1048576 }' /proc/meminfo)" "$(uname -r)" "$(java -version 2>&1 | head -n 1)"
}
load_above() { awk -v a="$(cut -d' ' -f1 /proc/loadavg)" -v max="$1" 'BEGIN { exit !(a > max) }'; }  # MAX

# wait_for_quiet MAX SECONDS: waits (30 s at a time) for a 1-minute load average at or below MAX,
# since other jobs on the cores distort the figures; sets $waited. Fails after SECONDS.
wait_for_quiet() {
  waited=0
  while load_above "$1"; do
    [ "$waited" -ge "$2" ] && die "load average still $(cut -d' ' -f1 /proc/loadavg) after ${2}s (limit $1)"
    say "load average $(cut -d' ' -f1 /proc/loadavg) > $1: waiting"
    sleep 30
    waited=$((waited + 30))
  done
}

# result_header TITLE DESCRIPTION: the opening of a results file: the title, when, with which
# command and on which machine it was measured, the load average before ($load_before) and now,
# then what was measured and how. A report written again from an earlier run's records sets
# MEASURED_AT, LOAD_AFTER and STEAL_TEXT (and load_before) to that run's (measurement_facts).
result_header() {
  printf '# %s\n\n' "$1"
  printf 'Measured %s UTC with `%s` on %s.\n' "${MEASURED_AT:-$(date -u '+%Y-%m-%d %H:%M')}" "$bench_command" "$(machine_info)"
  printf 'Load average (1/5/15 min) before: %s, after: %s. CPU time stolen by the host (virtual machine) during the run: %s.\n\n%s\n' \
    "$load_before" "${LOAD_AFTER:-$(load_average)}" "${STEAL_TEXT:-$(steal_share "$steal_before")}" "$2"
}
# measurement_facts: what result_header says of the measurement just ended, as lines to source later
measurement_facts() {
  printf 'MEASURED_AT=%q\nload_before=%q\nLOAD_AFTER=%q\nSTEAL_TEXT=%q\n' \
    "$(date -u '+%Y-%m-%d %H:%M')" "$load_before" "$(load_average)" "$(steal_share "$steal_before")"
}
bench_command="bench/$(basename "$0")${*:+ $*}"
load_before="$(load_average)"
steal_before="$(cpu_ticks_steal)"

# ---- building: the reactor builds the modules a benchmark needs and those they depend on, so
# nothing has to be installed into the local Maven repository first. SKIP_BUILD=1 skips it.
build() { # GOAL MODULE,... [MORE MAVEN ARGUMENTS]
  [ -n "${SKIP_BUILD:-}" ] && return 0
  local goal="$1" modules="$2"
  shift 2
  say "building $modules (mvn $goal)" >&2
  mvn -B -q -pl "$modules" -am "$goal" -DskipTests "$@" >&2 || die "the build failed (see above)"
}

# test_classpath MODULE: builds MODULE's test classes and prints its test classpath (classes,
# test classes, dependencies; the other modules as their target/classes).
test_classpath() {
  if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$1/target/bench.classpath" ]; then
    SKIP_BUILD= build test-compile "$1" dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/bench.classpath
  fi
  printf '%s:%s:%s' "$1/target/classes" "$1/target/test-classes" "$(cat "$1/target/bench.classpath")"
}

require_jars() { # JAR...: made by mvn -B -q -DskipTests package
  local j
  for j in "$@"; do [ -f "$j" ] || die "$(rel "$j") missing: mvn -B -q -DskipTests package"; done
}

# ---- ports and processes
# free_port: a TCP port nothing listens on (a random one above the usual service ports and below
# Linux's ephemeral range, 32768 and up, so that no outgoing connection takes it before it is bound).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 12000))
    port_open 127.0.0.1 "$port" || { echo "$port"; return 0; }
  done
  die "no free port found"
}
wait_port() { for _ in $(seq 1 "${2:-100}"); do port_open 127.0.0.1 "$1" && return 0; sleep 0.1; done; return 1; }  # PORT [TENTHS]
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }  # PID

# ---- JSON, Prometheus metrics
# json_flat FILE: every scalar as "path<TAB>value" (bench/json-flat.awk).
json_flat() { awk -f "$root/bench/json-flat.awk" "$1"; }
# json_get FLAT PATH: the value at PATH in the output of json_flat (empty if absent).
json_get() { awk -F'\t' -v p="$2" '$1 == p { print $2; exit }' <<<"$1"; }
# metric_sum TEXT NAME [LABEL=VALUE...]: the sum of a Prometheus metric over the lines with these labels.
metric_sum() {
  local text="$1" name="$2"
  shift 2
  awk -v name="$name" -v labels="$*" '
    index($0, name) == 1 && substr($0, length(name) + 1, 1) ~ /[{ ]/ {
      n = split(labels, want, " ")
      for (i = 1; i <= n; i++) { split(want[i], kv, "="); if (index($0, kv[1] "=\"" kv[2] "\"") == 0) next }
      sum += $NF
    }
    END { printf "%.0f\n", sum }' <<<"$text"
}
# thousands NUMBER [DECIMALS]: 12345.6 -> 12,346 (or 12,345.6 with 1 decimal); "n/a" if not a number.
thousands() {
  awk -v x="$1" -v d="${2:-0}" 'BEGIN {
    if (x !~ /^-?[0-9.eE+-]+$/) { print "n/a"; exit }
    s = sprintf("%." d "f", x); sign = ""; if (substr(s, 1, 1) == "-") { sign = "-"; s = substr(s, 2) }
    i = index(s, "."); whole = i ? substr(s, 1, i - 1) : s; frac = i ? substr(s, i) : ""
    while (length(whole) > 3) { frac = "," substr(whole, length(whole) - 2) frac; whole = substr(whole, 1, length(whole) - 3) }
    print sign whole frac }'
}

# ---- java
# run_bench_main MODULE HEAP MAIN_CLASS RESULT_FILE [JVM OPTION...]: a benchmark written in Java,
# in MODULE's test classes, run on its test classpath; it writes RESULT_FILE itself.
run_bench_main() {
  local module="$1" heap="$2" main="$3" result="$4" cp
  shift 4
  cp="$(test_classpath "$module")"
  java -Xmx"$heap" "$@" -cp "$cp" "$main" "$result"
}

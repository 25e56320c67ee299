#!/usr/bin/env bash
# Runs the same StatsD load against Hollerith and its peers in one run and prints a markdown table.
#
#   bench/compare.sh [--quick] [--targets etsy,collectd,hollerith,bare] [--settings default,8m]
#                    [--out DIR] [--no-memory] [--no-load]
#
# Targets:
#   etsy       Etsy StatsD statsd@0.9.0: $ETSY_DIR (the repository's .peers/etsy-statsd when present,
#              else installed from the npm registry under $PEERS_DIR/etsy), no backend, flushInterval
#              1 h; counted through its management port (`counters`).
#   collectd   collectd's statsd plugin (Debian collectd-core, apt-get installed when missing),
#              Interval 1 s, counted from the csv plugin (StoreRates false: cumulative derive values).
#   hollerith  java -jar $HOLLERITH_JAR serve --config <generated>, flush_interval $HOLLERITH_FLUSH
#              (10s by default, as in production); counted from the cumulative
#              messages.samples_parsed of its management `stats` (every sample of every type
#              parsed), with trials of the flush interval + 1 s and a warm-up of two intervals + 5 s
#              at 1,000,000/s by default, so every trial contains a flush and the flush's own work is
#              part of the measurement. HOLLERITH_FLUSH=1h keeps flushes out of the trials and
#              counts from `counters`, like Etsy (the figures before 2026-12-07 evening); the memory
#              measurement always uses 1h. Skipped with a message when the jar is missing or does
#              not start.
#   bare       io.hollerith.bench.load.BareReceiver: the same Netty epoll UDP set-up, counting only.
# Settings (kernel socket buffers, via sysctl; the originals are restored on exit):
#   default    the machine's net.core.rmem_max / rmem_default as found
#   8m         both set to 8 MiB (8388608)
# Type mixes ($MIXES, space-separated): the even mix c=25,ms=25,g=25,s=25, the realistic
# c=40,ms=30,g=20,s=10 and counters only (c=100) by default; each is its own table row, measured on a
# freshly started server. Loss is judged on each mix's counters and the kernel's drop counter.
#
# For each setting, target and mix: the highest lossless metrics/s at each of $LINES metrics per
# packet (every counter counted and the socket's /proc/net/udp drop counter unchanged; median of 3
# searches), CPU seconds per million metrics at each of $CPU_RATES metrics/s (1 per packet; 0 skips)
# and at each of $CPU_RATE_PACKED metrics/s in packets of 20 (the server's own cost where the
# generator, not the server, caps the lossless search; 0 skips), and, once (under the last setting,
# counters only), resident memory per idle counter series. Below the table, Hollerith against each
# peer of the same setting and mix (ratio of lossless rates, ratio of CPU per metric at the same
# rate), and Hollerith's receive capacity as a share of the bare receiver's: their CPU per metric at
# the same packed rate, divided (the bare receiver rests after a read that emptied its socket, as
# Hollerith does by default, so both figures measure the receive path rather than wake-ups).
# The server runs on core $SERVER_CORE, the generator (io.hollerith.bench.load.Measure) on $GEN_CORE.
# All traffic goes to 127.0.0.1. Every process this script starts is stopped by its pid.
#
# Load generator ($GENERATOR): by default the native one, hollerith-bench/src/main/c/statsd_blast.c,
# compiled here with cc (gcc is apt-get installed when no cc is found) into the output directory and
# run by Measure for every trial (--generator native:PATH; it inherits Measure's core). It sends the
# same prebuilt packets as the Java generator with sendmmsg and no JVM, so it needs less CPU below
# its ceiling; on loopback that ceiling is the kernel's work per datagram on the sending core, the
# same for both (BENCHMARKS.md, "2026-12-07 afternoon"). GENERATOR=java uses the in-process Java
# generator; so does a machine where no C compiler can be had, with a warning. The generator used is
# printed with the machine details and below the table.
#
# Parameters (environment): MIXES, LINES, CPU_RATES, CPU_RATE_PACKED, TRIAL, PRECISION, SEARCHES,
# CPU_DURATION, CPU_REPS, NAMES, SERIES, MEM_RATE, SERVER_CORE, GEN_CORE, UDP_PORT, MGMT_PORT,
# PEERS_DIR, ETSY_DIR, HOLLERITH_JAR, HOLLERITH_JAVA_OPTS, HOLLERITH_FLUSH, SERVER_THREADS,
# GENERATOR (native|java), WARMUP and WARMUP_RATE (each search's warm-up before its trials, the same
# for every target: with HOLLERITH_FLUSH under 1h, two flush intervals + 5 s at 1,000,000/s by
# default, which warms a JIT-compiled server's flush code as a server that has been running has it;
# with 1h, 3s at 20,000/s). TRIAL defaults to the flush interval + 1 s under 1h, else 2s (--quick) or
# 5s: with the default 10 s flush a --quick run of two targets and two mixes at 20 per packet takes
# about 25 minutes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
TARGETS=etsy,collectd,hollerith,bare
SETTINGS=default,8m
OUT=""
MEMORY=1
LOAD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --targets) TARGETS=$2; shift ;;
    --settings) SETTINGS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --no-memory) MEMORY=0 ;;
    --no-load) LOAD=0 ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

: "${HOLLERITH_FLUSH:=10s}"
# seconds of a duration written as Hollerith's configuration takes it (500ms, 10s, 1m, 1h)
seconds_of() {
  case "$1" in
    *ms) echo $(( (${1%ms} + 999) / 1000 )) ;;
    *s) echo "${1%s}" ;;
    *m) echo $(( ${1%m} * 60 )) ;;
    *h) echo $(( ${1%h} * 3600 )) ;;
    *) echo "HOLLERITH_FLUSH: a duration such as 10s, 1m or 1h, got '$1'" >&2; exit 2 ;;
  esac
}
FLUSH_SECONDS=$(seconds_of "$HOLLERITH_FLUSH")
if [ "$FLUSH_SECONDS" -lt 3600 ]; then
  # every trial contains a flush, and the warm-up spans two at a high rate, so the flush's work is
  # measured with its code compiled as in a server that has been running
  : "${TRIAL:=$((FLUSH_SECONDS + 1))s}" "${WARMUP:=$((2 * FLUSH_SECONDS + 5))s}" "${WARMUP_RATE:=1000000}"
fi
if [ "$QUICK" = 1 ]; then
  : "${TRIAL:=2s}" "${PRECISION:=0.10}" "${CPU_DURATION:=5s}" "${SERIES:=100000}"
else
  : "${TRIAL:=5s}" "${PRECISION:=0.05}" "${CPU_DURATION:=10s}" "${SERIES:=1000000}"
fi
: "${SEARCHES:=3}" "${CPU_REPS:=3}" "${NAMES:=1000}" "${MEM_RATE:=50000}"
: "${SERVER_CORE:=0}" "${GEN_CORE:=1}" "${UDP_PORT:=18125}" "${MGMT_PORT:=18126}"
: "${PEERS_DIR:=/tmp/hollerith-peers}" "${HOLLERITH_JAR:=$ROOT/hollerith-server/target/hollerith.jar}"
: "${HOLLERITH_JAVA_OPTS:=}" "${SERVER_THREADS:=1}" "${CPU_RATE_PACKED:=2000000,6000000}"
: "${MIXES:=c=25,ms=25,g=25,s=25 c=40,ms=30,g=20,s=10 c=100}" "${LINES:=1 20}" "${CPU_RATES:=20000,200000}"
: "${GENERATOR:=native}" "${WARMUP:=3s}" "${WARMUP_RATE:=}"
case "$GENERATOR" in native|java) ;; *) echo "GENERATOR: native or java, got '$GENERATOR'" >&2; exit 2 ;; esac
if [ -z "${ETSY_DIR:-}" ]; then
  if [ -f "$ROOT/.peers/etsy-statsd/node_modules/statsd/stats.js" ]; then ETSY_DIR=$ROOT/.peers/etsy-statsd; else ETSY_DIR=$PEERS_DIR/etsy; fi
fi
[ -n "$OUT" ] || OUT="$PEERS_DIR/run-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT" "$PEERS_DIR"
RESULTS="$OUT/results.jsonl"
BENCH_JAR="$ROOT/hollerith-bench/target/hollerith-bench.jar"
CLK_TCK=$(getconf CLK_TCK)

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/compare.log" >&2; }

# ------------------------------------------------------------------ machine and tools
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(lscpu | grep 'Model name' | sed 's/.*: *//')"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "node: $(node --version 2>/dev/null || echo missing)"
  echo "collectd: $(dpkg-query -W -f '${Version}' collectd-core 2>/dev/null || echo missing)"
  echo "etsy: $(node -p "require('$ETSY_DIR/node_modules/statsd/package.json').version" 2>/dev/null || echo "missing (installed on first use)")"
  echo "mixes: $MIXES; metrics per packet: $LINES"
  echo "rmem_max (found): $(sysctl -n net.core.rmem_max)  rmem_default (found): $(sysctl -n net.core.rmem_default)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
  log "WARNING: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: other work competes with the pinned server and generator; lossless rates will be lower than on a quiet machine (CPU and memory figures are less affected)"
fi
if [ "$(nproc)" -lt 2 ]; then
  echo "need at least 2 cores to pin server and generator apart" >&2; exit 1
fi
if [ ! -f "$BENCH_JAR" ]; then
  log "building $BENCH_JAR"
  (cd "$ROOT" && mvn -B -q package -pl hollerith-bench -am -DskipTests)
fi

# ------------------------------------------------------------------ load generator
GENERATOR_ARGS=()
GENERATOR_USED="java (in-process LoadGenerator)"
if [ "$GENERATOR" = native ]; then
  if ! command -v cc >/dev/null; then
    log "no C compiler: installing gcc from Debian for the native generator"
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gcc) >> "$OUT/compare.log" 2>&1 || true
  fi
  BLAST="$OUT/statsd_blast"
  if command -v cc >/dev/null \
    && cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$BLAST" "$ROOT/hollerith-bench/src/main/c/statsd_blast.c" 2>> "$OUT/compare.log"; then
    GENERATOR_ARGS=(--generator "native:$BLAST")
    GENERATOR_USED="native ($BLAST, statsd_blast.c built with $(cc --version | head -1))"
  else
    log "WARNING: no C compiler could be had, or statsd_blast.c did not compile (see $OUT/compare.log):" \
      "falling back to the Java generator"
  fi
fi
echo "generator: $GENERATOR_USED" >> "$OUT/machine.txt"
log "generator: $GENERATOR_USED"
echo "hollerith flush_interval (load): $HOLLERITH_FLUSH" >> "$OUT/machine.txt"

install_etsy() {
  if [ ! -f "$ETSY_DIR/node_modules/statsd/stats.js" ]; then
    log "installing statsd@0.9.0 from the npm registry into $ETSY_DIR"
    mkdir -p "$ETSY_DIR"
    (cd "$ETSY_DIR" && npm install --no-audit --no-fund --silent statsd@0.9.0)
  fi
}
install_collectd() {
  if ! command -v collectd >/dev/null; then
    log "installing collectd-core from Debian"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q collectd-core
  fi
}

# ------------------------------------------------------------------ kernel socket settings
ORIG_RMEM_MAX=$(sysctl -n net.core.rmem_max)
ORIG_RMEM_DEFAULT=$(sysctl -n net.core.rmem_default)
if [ "$ORIG_RMEM_DEFAULT" = 8388608 ]; then
  log "WARNING: rmem_default is already 8388608, this script's '8m' value (left by hand or by a killed run?):" \
    "the 'default' setting measures what it finds, so its rows will not show the distribution's defaults"
fi
SYSCTL_OK=1
if ! sysctl -q -w net.core.rmem_max="$ORIG_RMEM_MAX" 2>/dev/null; then
  SYSCTL_OK=0
  log "sysctl writes are not allowed here: only the 'default' setting can run"
fi
restore_sysctl() {
  if [ "$SYSCTL_OK" = 1 ]; then
    sysctl -q -w net.core.rmem_max="$ORIG_RMEM_MAX" net.core.rmem_default="$ORIG_RMEM_DEFAULT" || true
  fi
}
apply_setting() {
  case "$1" in
    default) restore_sysctl ;;
    8m)
      if [ "$SYSCTL_OK" != 1 ]; then return 1; fi
      sysctl -q -w net.core.rmem_max=8388608 net.core.rmem_default=8388608 ;;
    *) echo "unknown setting $1" >&2; return 1 ;;
  esac
  log "setting $1: rmem_max=$(sysctl -n net.core.rmem_max) rmem_default=$(sysctl -n net.core.rmem_default)"
  echo "setting $1: rmem_max=$(sysctl -n net.core.rmem_max) rmem_default=$(sysctl -n net.core.rmem_default)" >> "$OUT/machine.txt"
}

# ------------------------------------------------------------------ targets
PID=""
COUNT_ARGS=()
EXTRA_ARGS=()

wait_tcp() { # port timeout_s
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    if [ -n "$PID" ] && ! kill -0 "$PID" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}
wait_file() { # path timeout_s
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    [ -e "$1" ] && return 0
    if [ -n "$PID" ] && ! kill -0 "$PID" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}

write_collectd_conf() { # dir with_csv interval
  cat > "$1/collectd.conf" <<EOF
Hostname "bench"
FQDNLookup false
Interval $3
BaseDir "$1"
PIDFile "$1/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin statsd
LoadPlugin unixsock
<Plugin statsd>
  Host "127.0.0.1"
  Port "$UDP_PORT"
</Plugin>
<Plugin unixsock>
  SocketFile "$1/collectd.sock"
</Plugin>
EOF
  if [ "$2" = 1 ]; then
    cat >> "$1/collectd.conf" <<EOF
LoadPlugin csv
<Plugin csv>
  DataDir "$1/csv"
  StoreRates false
</Plugin>
EOF
  fi
}

# start_target NAME PURPOSE(load|memory) -> sets PID, COUNT_ARGS, EXTRA_ARGS; returns 1 to skip
start_target() {
  local name=$1 purpose=$2 dir="$OUT/$1-$(date -u +%H%M%S)"
  mkdir -p "$dir"
  COUNT_ARGS=(--mgmt "127.0.0.1:$MGMT_PORT")
  EXTRA_ARGS=(--settle-stable 1s)
  case "$name" in
    etsy)
      install_etsy
      cat > "$dir/config.js" <<EOF
{ port: $UDP_PORT, address: "127.0.0.1", mgmt_port: $MGMT_PORT, mgmt_address: "127.0.0.1",
  flushInterval: 3600000, backends: [] }
EOF
      taskset -c "$SERVER_CORE" node "$ETSY_DIR/node_modules/statsd/stats.js" "$dir/config.js" > "$dir/out.log" 2>&1 &
      PID=$!
      wait_tcp "$MGMT_PORT" 20 || { log "etsy did not start: $(tail -5 "$dir/out.log")"; stop_target; return 1; }
      ;;
    collectd)
      install_collectd
      if [ "$purpose" = memory ]; then
        # no csv (a million files), and a 10 s Interval: every Interval the plugin walks all its
        # series under a lock, which with 1 s and a million series starves its receive thread
        write_collectd_conf "$dir" 0 10
        COUNT_ARGS=(--collectd-unixsock "$dir/collectd.sock")
        EXTRA_ARGS=(--stable-reads 25)
      else
        write_collectd_conf "$dir" 1 1
        COUNT_ARGS=(--collectd-csv "$dir/csv")
      fi
      [ "$purpose" = memory ] || EXTRA_ARGS=(--settle-stable 2.5s)
      taskset -c "$SERVER_CORE" collectd -f -C "$dir/collectd.conf" > "$dir/out.log" 2>&1 &
      PID=$!
      wait_file "$dir/collectd.sock" 20 || { log "collectd did not start: $(tail -5 "$dir/out.log")"; stop_target; return 1; }
      ;;
    hollerith)
      if [ ! -f "$HOLLERITH_JAR" ]; then
        log "SKIPPING hollerith: $HOLLERITH_JAR not found (build it with: mvn -B -q package -pl hollerith-server -am -DskipTests)"
        return 1
      fi
      local flush=$HOLLERITH_FLUSH
      [ "$purpose" = memory ] && flush=1h
      cat > "$dir/hollerith.yml" <<EOF
data_dir: $dir/data
listeners:
  udp: {address: 127.0.0.1, port: $UDP_PORT, threads: $SERVER_THREADS}
  tcp: {enabled: false}
  management: {address: 127.0.0.1, port: $MGMT_PORT}
http: {enabled: false}
aggregation: {flush_interval: $flush, max_metrics: 2000000}
storage: {retention: "1h:30d"}
EOF
      # shellcheck disable=SC2086
      # the script's own HOLLERITH_JAR / HOLLERITH_JAVA_OPTS / HOLLERITH_FLUSH would read as unknown configuration keys
      taskset -c "$SERVER_CORE" env -u HOLLERITH_JAR -u HOLLERITH_JAVA_OPTS -u HOLLERITH_FLUSH java $HOLLERITH_JAVA_OPTS -jar "$HOLLERITH_JAR" serve --config "$dir/hollerith.yml" > "$dir/out.log" 2>&1 &
      PID=$!
      wait_tcp "$MGMT_PORT" 30 || { log "SKIPPING hollerith: it did not open its management port: $(tail -5 "$dir/out.log")"; stop_target; return 1; }
      if [ "$flush" = 1h ]; then
        # it flushes (and resets counters) at wall-clock multiples of flush_interval: trials avoid that instant
        EXTRA_ARGS+=(--avoid-period 3600)
      else
        COUNT_ARGS=(--mgmt-stats "127.0.0.1:$MGMT_PORT" --count-key messages.samples_parsed)
      fi
      ;;
    bare)
      # --read-delay-us: Hollerith's listeners.udp.read_delay, left at its default (10 ms) above
      taskset -c "$SERVER_CORE" java -cp "$BENCH_JAR" io.hollerith.bench.load.BareReceiver --port "$UDP_PORT" \
        --mgmt-port "$MGMT_PORT" --threads "$SERVER_THREADS" --read-delay-us 10000 > "$dir/out.log" 2>&1 &
      PID=$!
      wait_tcp "$MGMT_PORT" 20 || { log "bare receiver did not start: $(tail -5 "$dir/out.log")"; stop_target; return 1; }
      COUNT_ARGS+=(--count-key bare.metrics_received)
      ;;
    *) echo "unknown target $name" >&2; return 1 ;;
  esac
  log "started $name (pid $PID, core $SERVER_CORE) for $purpose; UDP sockets on $UDP_PORT: $(cat /proc/net/udp /proc/net/udp6 2>/dev/null | awk -v p=":$(printf '%04X' "$UDP_PORT")" 'substr($2, length($2)-4)==p' | wc -l); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  sleep 1
}

stop_target() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID" 2>/dev/null && kill -9 "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  PID=""
}
trap 'stop_target; restore_sysctl' EXIT
trap 'exit 130' INT TERM

measure() { # subcommand target setting args...
  local sub=$1 name=$2 setting=$3
  shift 3
  taskset -c "$GEN_CORE" java -cp "$BENCH_JAR" io.hollerith.bench.load.Measure "$sub" --name "$name" --setting "$setting" \
    --target "127.0.0.1:$UDP_PORT" --results "$RESULTS" "${GENERATOR_ARGS[@]}" "${COUNT_ARGS[@]}" "${EXTRA_ARGS[@]}" "$@" 2>&1 | tee -a "$OUT/compare.log" >&2
}

# ------------------------------------------------------------------ the run
IFS=, read -r -a SETTING_LIST <<< "$SETTINGS"
IFS=, read -r -a TARGET_LIST <<< "$TARGETS"
START=$(date +%s)
log "output in $OUT; mixes $MIXES; $LINES per packet; trial $TRIAL, precision $PRECISION, $SEARCHES searches, cpu $CPU_DURATION x $CPU_REPS, $NAMES names"
read -r -a MIX_LIST <<< "$MIXES"
read -r -a LINES_LIST <<< "$LINES"
for setting in "${SETTING_LIST[@]}"; do
  [ "$LOAD" = 1 ] || break
  apply_setting "$setting" || { log "skipping setting $setting"; continue; }
  for t in "${TARGET_LIST[@]}"; do
    for mix in "${MIX_LIST[@]}"; do
      start_target "$t" load || continue
      for lines in "${LINES_LIST[@]}"; do
        measure search "$t" "$setting" --mix "$mix" --lines "$lines" --names "$NAMES" --trial "$TRIAL" \
          --precision "$PRECISION" --searches "$SEARCHES" --start $((lines == 1 ? 50000 : 400000)) \
          --warmup "$WARMUP" ${WARMUP_RATE:+--warmup-rate "$WARMUP_RATE"} \
          || log "search $t $mix $lines/packet failed"
      done
      if [ "$CPU_RATES" != 0 ]; then
        measure cpu "$t" "$setting" --mix "$mix" --pid "$PID" --rates "$CPU_RATES" --lines 1 --names "$NAMES" \
          --duration "$CPU_DURATION" --reps "$CPU_REPS" --clk-tck "$CLK_TCK" || log "cpu $t $mix failed"
      fi
      if [ "$CPU_RATE_PACKED" != 0 ]; then
        measure cpu "$t" "$setting" --mix "$mix" --pid "$PID" --rates "$CPU_RATE_PACKED" --lines 20 --names "$NAMES" \
          --duration "$CPU_DURATION" --reps "$CPU_REPS" --clk-tck "$CLK_TCK" || log "cpu $t $mix 20/packet failed"
      fi
      stop_target
    done
  done
done
if [ "$MEMORY" = 1 ]; then
  setting=${SETTING_LIST[${#SETTING_LIST[@]} - 1]}
  [ "$LOAD" = 1 ] || apply_setting "$setting"
  for t in "${TARGET_LIST[@]}"; do
    [ "$t" = bare ] && continue
    start_target "$t" memory || continue
    measure memory "$t" "$setting" --pid "$PID" --series "$SERIES" --lines 20 --rate "$MEM_RATE" || log "memory $t failed"
    stop_target
  done
fi
restore_sysctl
log "done in $(( $(date +%s) - START )) s; kernel settings restored to rmem_max=$(sysctl -n net.core.rmem_max) rmem_default=$(sysctl -n net.core.rmem_default)"
java -cp "$BENCH_JAR" io.hollerith.bench.load.Measure report --results "$RESULTS" | tee "$OUT/table.md"
echo
cat "$OUT/machine.txt"

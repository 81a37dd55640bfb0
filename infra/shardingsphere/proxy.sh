#!/usr/bin/env bash
# Apache ShardingSphere-Proxy 5.1.0 assembled from Maven Central (pom.xml next to this file), for
# the sharding-engine comparison (bench/shards.bench.ts, docs/decisions/0020).
#
#   bash infra/shardingsphere/proxy.sh fetch    copy the jars into the cache (once; ~80 s the first time)
#   bash infra/shardingsphere/proxy.sh up       start with the config in $SHARDINGSPHERE_CONF_DIR, wait for the port
#   bash infra/shardingsphere/proxy.sh down     SIGTERM, SIGKILL after SV_STOP_TIMEOUT
#   bash infra/shardingsphere/proxy.sh status   exit 0 only if the proxy runs and listens
#
# Settings (environment):
#   SHARDINGSPHERE_PORT      MySQL-protocol port of the proxy (required)
#   SHARDINGSPHERE_CONF_DIR  folder with server.yaml and config-*.yaml (required for up), e.g. written
#                            by infra/shardingsphere/config.ts
#   SV_STATE_DIR             pid file, log and the proxy's classpath root go under $SV_STATE_DIR/shardingsphere
#   SV_CACHE_DIR             jars under $SV_CACHE_DIR/shardingsphere/<hash of pom.xml>/lib
#   SHARDINGSPHERE_JVM_OPTS  default: -Xms256m -Xmx512m
# The proxy binds 0.0.0.0 (5.1.0 has no bind-address setting): the users in server.yaml carry
# non-trivial passwords (config.ts refuses short ones).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$HERE/../.." && pwd)
abs_path() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
SV_STATE_DIR=$(abs_path "${SV_STATE_DIR:-$REPO_DIR/.state}")
SV_CACHE_DIR=$(abs_path "${SV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sport-venue}")
SV_START_TIMEOUT=${SV_START_TIMEOUT:-90}
SV_STOP_TIMEOUT=${SV_STOP_TIMEOUT:-30}
SHARDINGSPHERE_JVM_OPTS=${SHARDINGSPHERE_JVM_OPTS:--Xms256m -Xmx512m}
DIR=$SV_STATE_DIR/shardingsphere
LOG=$DIR/proxy.log
PID_FILE=$DIR/proxy.pid

note() { printf 'shardingsphere: %s\n' "$*" >&2; }
die() { printf 'shardingsphere: ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

lib_dir() { echo "$SV_CACHE_DIR/shardingsphere/$(sha256sum <"$HERE/pom.xml" | cut -c1-16)/lib"; }
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

require_port() {
  [[ ${SHARDINGSPHERE_PORT:-} =~ ^[0-9]+$ ]] || die "SHARDINGSPHERE_PORT must be set to a port number"
}

fetch() {
  local lib; lib=$(lib_dir)
  [[ -d $lib ]] && return 0
  command -v java >/dev/null || die "java not found (apt-get install openjdk-17-jre-headless)"
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  mkdir -p "$(dirname "$lib")"
  # One fetch at a time per cache (parallel benches on a fresh machine).
  exec 8>"$(dirname "$lib")/.lock"
  flock 8
  [[ -d $lib ]] && return 0
  note "fetching ShardingSphere-Proxy jars from Maven Central into $lib"
  local t0 tmp="$lib.tmp.$$" blog; t0=$(now_ms); blog="$(dirname "$lib")/fetch.log"
  if ! mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$blog" 2>&1; then
    rm -rf "$tmp"; tail -n 20 "$blog" >&2; die "mvn dependency:copy-dependencies failed (log: $blog)"
  fi
  mv -T "$tmp" "$lib" # atomic: a half-copied folder is never used
  note "jars fetched in $(( ($(now_ms) - t0) / 1000 )) s"
}

running_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # Guards against pid reuse: the command line names this state dir.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -F -- "$DIR" || return 1
  echo "$pid"
}

up() {
  require_port
  [[ -n ${SHARDINGSPHERE_CONF_DIR:-} && -f $SHARDINGSPHERE_CONF_DIR/server.yaml ]] ||
    die "SHARDINGSPHERE_CONF_DIR must name a folder with server.yaml (got '${SHARDINGSPHERE_CONF_DIR:-}')"
  fetch
  if running_pid >/dev/null; then note "already running (pid $(running_pid))"; return 0; fi
  port_open "$SHARDINGSPHERE_PORT" && die "port $SHARDINGSPHERE_PORT is already in use"
  mkdir -p "$DIR"
  # The proxy loads its config folder as a classpath resource (/conf/) and logback.xml from the
  # classpath root: both are copied into the state dir, which goes first on the classpath.
  rm -rf "$DIR/conf"; cp -r "$SHARDINGSPHERE_CONF_DIR" "$DIR/conf"
  cp "$HERE/logback.xml" "$DIR/logback.xml"
  [[ -f $LOG ]] && mv -f "$LOG" "$LOG.prev"
  local -a jvm; read -r -a jvm <<<"$SHARDINGSPHERE_JVM_OPTS"
  local t0; t0=$(now_ms)
  # Its own session, stdio to the log only (a caller waiting for this script's output must not wait
  # for the proxy); the inner shell writes its pid before exec'ing java.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'cd "$1" && echo $$ >"$2" && shift 2 && exec "$@"' _ "$DIR" "$PID_FILE" \
    java "${jvm[@]}" -XX:+ExitOnOutOfMemoryError -cp "$DIR:$(lib_dir)/*" \
    org.apache.shardingsphere.proxy.Bootstrap "$SHARDINGSPHERE_PORT" /conf/ \
    </dev/null >>"$LOG" 2>&1 &
  while ! port_open "$SHARDINGSPHERE_PORT"; do
    local pid; pid=$(cat "$PID_FILE" 2>/dev/null || true)
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG" >&2; die "the proxy exited during start-up (log: $LOG)"
    fi
    if (($(now_ms) - t0 > SV_START_TIMEOUT * 1000)); then
      tail -n 30 "$LOG" >&2; down >/dev/null; die "not listening after ${SV_START_TIMEOUT}s (log: $LOG)"
    fi
    sleep 0.2
  done
  printf 'shardingsphere 0.0.0.0:%s ready in %d.%02ds log %s\n' "$SHARDINGSPHERE_PORT" \
    $((($(now_ms) - t0) / 1000)) $((($(now_ms) - t0) % 1000 / 10)) "$LOG"
}

down() {
  local pid t0; t0=$(now_ms)
  pid=$(running_pid) || { rm -f "$PID_FILE"; echo 'shardingsphere not running'; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if (($(now_ms) - t0 > SV_STOP_TIMEOUT * 1000)); then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.1
  done
  rm -f "$PID_FILE"
  echo "shardingsphere stopped (pid $pid)"
}

status() {
  require_port
  local pid
  pid=$(running_pid) || { echo 'shardingsphere DOWN'; return 1; }
  port_open "$SHARDINGSPHERE_PORT" || { echo "shardingsphere pid $pid, not listening"; return 1; }
  echo "shardingsphere up 0.0.0.0:$SHARDINGSPHERE_PORT pid $pid"
}

case ${1:-} in
  fetch) fetch ;;
  up) up ;;
  down | stop) down ;;
  status) status ;;
  lib) lib_dir ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac

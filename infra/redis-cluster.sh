#!/usr/bin/env bash
# A local Redis Cluster of three masters (no replicas) from Debian's redis-server, for the
# clustered topology (docs/decisions/0012) and its tests.
#
#   bash infra/redis-cluster.sh up       start the nodes, form the cluster once, wait for cluster_state:ok
#   bash infra/redis-cluster.sh down     stop the nodes (their state stays in $SV_STATE_DIR/redis-cluster)
#   bash infra/redis-cluster.sh reset    down, then delete the state (the next up forms a new cluster)
#   bash infra/redis-cluster.sh status   exit 0 only if every node answers and the cluster is ok
#   bash infra/redis-cluster.sh url      prints REDIS_URL for it: redis+cluster://127.0.0.1:P1,…
#
# Ports: REDIS_CLUSTER_PORT (first node, default 7100) and the next two. State: $SV_STATE_DIR.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SV_STATE_DIR=${SV_STATE_DIR:-$REPO_DIR/.state}
case $SV_STATE_DIR in /*) ;; *) SV_STATE_DIR=$PWD/$SV_STATE_DIR ;; esac
BASE=${REDIS_CLUSTER_PORT:-7100}
PORTS=("$BASE" "$((BASE + 1))" "$((BASE + 2))")
DIR=$SV_STATE_DIR/redis-cluster
TIMEOUT=${SV_START_TIMEOUT:-90}

note() { printf 'redis-cluster: %s\n' "$*" >&2; }
die() { printf 'redis-cluster: ERROR: %s\n' "$*" >&2; exit 1; }
cli() { timeout 5 redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

ensure_installed() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return
  note "installing redis-server (Debian) without starting the system service"
  local sudo=; ((EUID == 0)) || sudo=sudo
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  $sudo apt-get install -y -q redis-server redis-tools >/dev/null
  $sudo rm -f /usr/sbin/policy-rc.d
}

node_pid() {
  local pid
  pid=$(cat "$DIR/$1/redis.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "redis-server" || return 1
  echo "$pid"
}

cluster_ok() { [[ $(cli "${PORTS[0]}" cluster info 2>/dev/null | tr -d '\r' | grep cluster_state) == cluster_state:ok ]]; }

up() {
  ensure_installed
  local p
  for p in "${PORTS[@]}"; do
    mkdir -p "$DIR/$p"
    node_pid "$p" >/dev/null && continue
    # No persistence (like the single dev node): the cluster layout in nodes.conf is all we keep.
    redis-server --bind 127.0.0.1 --port "$p" --dir "$DIR/$p" --cluster-enabled yes \
      --cluster-config-file nodes.conf --cluster-node-timeout 5000 --save '' --appendonly no \
      --daemonize yes --pidfile "$DIR/$p/redis.pid" --logfile "$DIR/$p/redis.log"
  done
  local deadline=$((SECONDS + TIMEOUT))
  for p in "${PORTS[@]}"; do
    until [[ $(cli "$p" ping 2>/dev/null) == PONG ]]; do
      ((SECONDS < deadline)) || die "node $p not answering (log: $DIR/$p/redis.log)"
      sleep 0.1
    done
  done
  if ! cluster_ok && [[ $(cli "${PORTS[0]}" cluster info | tr -d '\r' | grep cluster_known_nodes) == cluster_known_nodes:1 ]]; then
    note "forming the cluster on ${PORTS[*]}"
    redis-cli --cluster create "${PORTS[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 \
      || die "cluster create failed (see $DIR/create.log)"
  fi
  until cluster_ok; do
    ((SECONDS < deadline)) || die "cluster_state not ok after ${TIMEOUT}s"
    sleep 0.2
  done
  note "ok: $(url)"
}

down() {
  local p pid
  for p in "${PORTS[@]}"; do
    pid=$(node_pid "$p") || continue
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  done
  return 0
}

url() {
  local IFS=,
  local nodes=("${PORTS[@]/#/127.0.0.1:}")
  echo "redis+cluster://${nodes[*]}"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  reset) down; rm -rf "$DIR" ;;
  status) for p in "${PORTS[@]}"; do [[ $(cli "$p" ping 2>/dev/null) == PONG ]] || exit 1; done; cluster_ok ;;
  url) url ;;
  *) die "usage: redis-cluster.sh up|down|reset|status|url" ;;
esac

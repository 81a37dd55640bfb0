#!/usr/bin/env bash
# Project-local MariaDB, Redis, Kafka (KRaft) and FerretDB (MongoDB wire protocol)
# for development and tests, without Docker.
#
#   bash infra/infra.sh up     [service...]   install what is missing, start, wait until ready
#   bash infra/infra.sh down   [service...]   SIGTERM, wait, SIGKILL after a timeout
#   bash infra/infra.sh status [service...]   real protocol probe per service; exit 0 only if all up
#   bash infra/infra.sh logs   <service> [-f] last lines of a service's log (follow with -f)
#   bash infra/infra.sh env                   connection settings for the current configuration
#
# Services: mariadb (Spider front + shard0..shardN-1) redis kafka ferretdb opensearch prometheus (default: all). Everything is configured by
# environment variables (see infra/README.md), so a second, independent instance is just
#   SV_STATE_DIR=/tmp/sv-fault KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 bash infra/infra.sh up kafka
set -euo pipefail

INFRA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$INFRA_DIR")
BASE_SERVICES=(mariadb redis kafka ferretdb opensearch prometheus)

# Absolute paths: the state dir ends up in server configs and in pid-file ownership checks.
abs_path() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

SV_STATE_DIR=$(abs_path "${SV_STATE_DIR:-$REPO_DIR/.state}")
SV_CACHE_DIR=$(abs_path "${SV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sport-venue}")
MYSQL_PORT=${MYSQL_PORT:-3306}
# Sharded MySQL (docs/decisions/0021): MYSQL_PORT is the Spider front; shard i listens on
# MYSQL_SHARD_PORT+i. Starting or stopping `mariadb` starts or stops its shards too.
MYSQL_SHARDS=${MYSQL_SHARDS:-2}
MYSQL_SHARD_PORT=${MYSQL_SHARD_PORT:-$((MYSQL_PORT + 1))}
# Seconds until the front gives up on a shard that does not answer (Spider's default: 600 s). A
# shard's own lock waits end sooner (3/4 of it, as lock-wait timeouts the application retries or
# sheds), so a statement that legitimately waits is never mistaken for a hung shard.
MYSQL_SHARD_TIMEOUT=${MYSQL_SHARD_TIMEOUT:-20}
MYSQL_USER=${MYSQL_USER:-sportvenue}
MYSQL_PASSWORD=${MYSQL_PASSWORD:-sportvenue} # local development only
REDIS_PORT=${REDIS_PORT:-6379}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
MONGO_PORT=${MONGO_PORT:-27017}
OPENSEARCH_PORT=${OPENSEARCH_PORT:-9200}
OPENSEARCH_TRANSPORT_PORT=${OPENSEARCH_TRANSPORT_PORT:-9300}
OPENSEARCH_HEAP=${OPENSEARCH_HEAP:-512m}
# Like Kafka's: start-up over peak throughput (C1 only, serial GC, no heap pre-touch).
OPENSEARCH_JVM_OPTS=${OPENSEARCH_JVM_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-AlwaysPreTouch}
OPENSEARCH_USER=${OPENSEARCH_USER:-sv-opensearch} # OpenSearch refuses to run as root
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
PROMETHEUS_SCRAPE_INTERVAL=${PROMETHEUS_SCRAPE_INTERVAL:-5s}
SV_START_TIMEOUT=${SV_START_TIMEOUT:-90} # seconds until a starting service must be ready
SV_STOP_TIMEOUT=${SV_STOP_TIMEOUT:-30}   # seconds between SIGTERM and SIGKILL
# Fast-start defaults for a test broker (C1 JIT only, serial GC): about 40% quicker to ready
# than the JVM defaults. Override for throughput work, e.g. KAFKA_JVM_OPTS='-Xmx1g -Xms1g'.
KAFKA_JVM_OPTS=${KAFKA_JVM_OPTS:--Xmx512m -Xms256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}

[[ $MYSQL_SHARDS =~ ^[1-9][0-9]?$ ]] || { echo "infra: ERROR: MYSQL_SHARDS must be 1..99" >&2; exit 1; }
SHARD_SERVICES=()
for ((i = 0; i < MYSQL_SHARDS; i++)); do SHARD_SERVICES+=("shard$i"); done
ALL_SERVICES=(mariadb "${SHARD_SERVICES[@]}" "${BASE_SERVICES[@]:1}")

LOG_DIR=$SV_STATE_DIR/logs
RUN_DIR=$SV_STATE_DIR/run

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

note() { printf 'infra: %s\n' "$*" >&2; }
die() { printf 'infra: ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
fmt_ms() { printf '%d.%02ds' $(($1 / 1000)) $(($1 % 1000 / 10)); }
since() { fmt_ms $(($(now_ms) - $1)); }

log_file() { echo "$LOG_DIR/$1.log"; }
pid_file() { echo "$RUN_DIR/$1.pid"; }

is_service() { local s; for s in "${ALL_SERVICES[@]}"; do [[ $s == "$1" ]] && return 0; done; return 1; }

# A pid counts as alive unless it is gone or a zombie: detached servers are reparented to
# PID 1, which may not reap them promptly, and `kill -0` succeeds on zombies.
pid_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# Guards against pid reuse (e.g. after a reboot) before we ever signal a pid from a pid file.
pid_is_ours() {
  local svc=$1 pid=$2 cmd
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  case $svc in
    mariadb) [[ $cmd == *mariadbd* && $cmd == *"$SV_STATE_DIR/mariadb/"* ]] ;;
    shard*) [[ $cmd == *mariadbd* && $cmd == *"$SV_STATE_DIR/$svc/"* ]] ;;
    redis) [[ $cmd == *redis-server* && $cmd == *"$SV_STATE_DIR/redis"* ]] ;;
    kafka) [[ $cmd == *kafka.Kafka* && $cmd == *"$SV_STATE_DIR/kafka"* ]] ;;
    ferretdb) [[ $cmd == *sv-ferretdb* && $cmd == *"$SV_STATE_DIR/ferretdb"* ]] ;;
    opensearch) [[ $cmd == *org.opensearch.bootstrap.OpenSearch* && $cmd == *"$SV_STATE_DIR/opensearch"* ]] ;;
    prometheus) [[ $cmd == *prometheus* && $cmd == *"$SV_STATE_DIR/prometheus"* ]] ;;
  esac
}

# Prints the pid of this state dir's instance of a service, if it is running.
managed_pid() {
  local svc=$1 pid
  pid=$(cat "$(pid_file "$svc")" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid" && pid_is_ours "$svc" "$pid" || return 1
  echo "$pid"
}

# True if something accepts TCP connections on 127.0.0.1:port.
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

sha_of() { cat "$@" | sha256sum | cut -c1-16; }

# Runs "$@" in its own session (so Ctrl-C or a closing terminal in the caller does not reach
# it), stdin from /dev/null, stdout+stderr appended to the service log. The inner shell writes
# its own pid before exec'ing, so the pid file holds the server's pid whatever setsid does.
spawn() {
  local svc=$1; shift
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$(pid_file "$svc")" "$@" \
    </dev/null >>"$(log_file "$svc")" 2>&1 &
}

# Keeps the previous run's log as <service>.log.prev so a crash is still there to read.
rotate_log() {
  local log; log=$(log_file "$1")
  [[ -f $log ]] && mv -f "$log" "$log.prev"
  : >"$log"
}

# ---------------------------------------------------------------------------------------------
# Installing prerequisites (only what is missing; everything built is cached)
# ---------------------------------------------------------------------------------------------

APT_UPDATED=0
apt_install() {
  (($# == 0)) && return 0
  note "installing Debian packages: $*"
  local t0; t0=$(now_ms)
  [[ $(id -u) == 0 ]] || die "need root to apt-get install $* (or install them yourself)"
  # The mariadb-server/redis-server packages would start system services on ports 3306/6379,
  # which our own instances need: a policy-rc.d that denies service starts prevents that.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from sport-venue infra.sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
  fi
  local rc=0
  {
    if ((APT_UPDATED == 0)); then apt-get update -q && APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
  } >>"$LOG_DIR/install.log" 2>&1 || rc=$?
  ((own_policy)) && rm -f "$policy"
  ((rc == 0)) || { tail -n 20 "$LOG_DIR/install.log" >&2; die "apt-get install $* failed (log: $LOG_DIR/install.log)"; }
  note "installed in $(since "$t0")"
}

spider_installed() {
  local dir; dir=$(mariadbd --verbose --help 2>/dev/null | sed -n 's/^plugin-dir *//p')
  [[ -f ${dir:-/usr/lib/mysql/plugin}/ha_spider.so ]]
}

java_major() {
  local java_home
  command -v java >/dev/null || { echo 0; return; }
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release" 2>/dev/null | grep . || echo 0
}

# Installs the Debian packages the requested services need, in one apt-get run.
ensure_packages() {
  local svc pkgs=()
  for svc in "$@"; do
    case $svc in
      mariadb)
        command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null || pkgs+=(mariadb-server)
        command -v mariadb >/dev/null && command -v mariadb-admin >/dev/null || pkgs+=(mariadb-client)
        spider_installed || pkgs+=(mariadb-plugin-spider)
        ;;
      redis)
        command -v redis-server >/dev/null || pkgs+=(redis-server)
        command -v redis-cli >/dev/null || pkgs+=(redis-tools)
        ;;
      kafka)
        (($(java_major) >= 17)) || pkgs+=(openjdk-17-jre-headless)
        [[ -d $(kafka_libs_dir) ]] || command -v mvn >/dev/null || pkgs+=(maven)
        ;;
      opensearch)
        (($(java_major) >= 17)) || pkgs+=(openjdk-17-jre-headless)
        [[ -d $(opensearch_dist_dir) ]] || command -v mvn >/dev/null || pkgs+=(maven)
        command -v unzip >/dev/null || pkgs+=(unzip)
        command -v curl >/dev/null || pkgs+=(curl)
        ;;
      prometheus)
        command -v prometheus >/dev/null && command -v promtool >/dev/null || pkgs+=(prometheus)
        command -v curl >/dev/null || pkgs+=(curl)
        ;;
    esac
  done
  apt_install "${pkgs[@]}"
  if [[ " $* " == *" redis "* ]]; then
    local v; v=$(redis-server --version | sed -n 's/.* v=\([0-9]*\)\..*/\1/p')
    ((${v:-0} >= 7)) || die "redis-server major version ${v:-?} found, need >= 7"
  fi
  if [[ " $* " == *" kafka "* || " $* " == *" opensearch "* ]]; then
    (($(java_major) >= 17)) || die "java 17+ needed for Kafka and OpenSearch, found: $(java -version 2>&1 | head -1)"
  fi
}

# Kafka: the jars of infra/kafka/pom.xml, cached by the pom's content hash.
kafka_libs_dir() { echo "$SV_CACHE_DIR/kafka/$(sha_of "$INFRA_DIR/kafka/pom.xml")/libs"; }

ensure_kafka_libs() {
  local libs; libs=$(kafka_libs_dir)
  [[ -d $libs ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  note "fetching Kafka jars from Maven Central into $libs"
  local t0; t0=$(now_ms)
  local tmp="$libs.tmp.$$" blog="$LOG_DIR/kafka-build.log"
  mkdir -p "$(dirname "$libs")"
  if ! mvn -B -q -Dstyle.color=never -f "$INFRA_DIR/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$blog" 2>&1; then
    rm -rf "$tmp"; tail -n 20 "$blog" >&2; die "kafka: mvn dependency:copy-dependencies failed (log: $blog)"
  fi
  mv -T "$tmp" "$libs" # atomic: a half-copied directory is never used
  note "Kafka jars fetched in $(since "$t0")"
}

# FerretDB: a tiny Go main (infra/ferretdb) embedding the FerretDB package, cached by the
# hash of its sources; Go's module cache makes rebuilds after a source change cheaper.
ferretdb_bin() {
  echo "$SV_CACHE_DIR/ferretdb/$(sha_of "$INFRA_DIR"/ferretdb/{go.mod,go.sum,main.go})/sv-ferretdb"
}

ensure_ferretdb_bin() {
  local bin; bin=$(ferretdb_bin)
  [[ -x $bin ]] && return 0
  command -v go >/dev/null || die "ferretdb: 'go' not found; FerretDB 1.24 needs Go >= 1.24 (Debian 12's golang is 1.19: install a newer Go, e.g. under /usr/local/go)"
  local gv; gv=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  ((${gv:-0} >= 24)) || die "ferretdb: $(go env GOVERSION) is too old; FerretDB 1.24 needs Go >= 1.24 (Debian 12's golang package is 1.19)"
  note "building FerretDB (Go, first time only, ~1-2 min) into $bin"
  local t0; t0=$(now_ms)
  local blog="$LOG_DIR/ferretdb-build.log"
  mkdir -p "$(dirname "$bin")"
  # go.sum is committed and enforced (-mod=readonly), so the checksum database is not needed:
  # it is unreachable from this machine (only the module proxy is).
  if ! (cd "$INFRA_DIR/ferretdb" && CGO_ENABLED=0 GOSUMDB=off GOFLAGS='' \
    go build -mod=readonly -trimpath -buildvcs=false -ldflags='-s -w' -o "$bin.tmp.$$" .) >"$blog" 2>&1; then
    rm -f "$bin.tmp.$$"; tail -n 20 "$blog" >&2; die "ferretdb: go build failed (log: $blog)"
  fi
  mv -f "$bin.tmp.$$" "$bin"
  note "FerretDB built in $(since "$t0")"
}

# Everything that needs root, the network or minutes runs here, once, under a lock shared by
# all state dirs (parallel isolated instances on a fresh machine must not build twice).
ensure_prerequisites() {
  mkdir -p "$SV_CACHE_DIR"
  exec 8>"$SV_CACHE_DIR/.lock"
  flock 8
  ensure_packages "$@"
  if [[ " $* " == *" mariadb "* ]]; then ensure_mariadb_template; fi
  if [[ " $* " == *" kafka "* ]]; then ensure_kafka_libs; ensure_kafka_format_template; fi
  if [[ " $* " == *" ferretdb "* ]]; then ensure_ferretdb_bin; fi
  if [[ " $* " == *" opensearch "* ]]; then ensure_opensearch_dist; ensure_opensearch_user; fi
  exec 8>&-
}

# ---------------------------------------------------------------------------------------------
# MariaDB
# ---------------------------------------------------------------------------------------------

# One function set serves the Spider front (`mariadb`, MYSQL_PORT) and every shard (`shardN`,
# MYSQL_SHARD_PORT+N): $1 names the instance (default: the front).
mariadb_dir() { echo "$SV_STATE_DIR/${1:-mariadb}"; }
mariadb_socket() { echo "$(mariadb_dir "${1:-}")/mysqld.sock"; }
mariadb_port() {
  case ${1:-mariadb} in
    mariadb) echo "$MYSQL_PORT" ;;
    shard*) echo $((MYSQL_SHARD_PORT + ${1#shard})) ;;
  esac
}
mariadb_addr() { echo "127.0.0.1:$MYSQL_PORT"; }

# Root: only OS user root, only through the unix socket (unix_socket authentication).
mariadb_root() {
  local inst=mariadb
  [[ ${1:-} == --instance=* ]] && { inst=${1#--instance=}; shift; }
  mariadb --no-defaults --protocol=socket --socket="$(mariadb_socket "$inst")" --user=root "$@"
}

# Readiness = the application user can log in over TCP and run a query.
mariadb_probe() {
  MYSQL_PWD=$MYSQL_PASSWORD timeout 5 mariadb --no-defaults --protocol=tcp --host=127.0.0.1 \
    --port="$(mariadb_port "${1:-}")" --user="$MYSQL_USER" --connect-timeout=2 -N -e 'SELECT 1' >/dev/null 2>&1
}

# The server accepts connections (before the application user exists).
mariadb_socket_ping() {
  timeout 5 mariadb-admin --no-defaults --socket="$(mariadb_socket "${1:-}")" --user=root \
    --connect-timeout=2 ping >/dev/null 2>&1
}

# mariadbd drops to user mysql, which must be able to reach and write its state dir.
mariadb_prepare_dir() {
  local dir; dir=$(mariadb_dir "${1:-}")
  mkdir -p "$dir"
  chown mysql:mysql "$dir"
  chmod go+x "$SV_STATE_DIR"
  runuser -u mysql -- test -w "$dir" ||
    die "mariadb: user mysql cannot write $dir (is a parent directory not traversable by others?)"
}

# mariadb-install-db takes ~2.5 s, copying its result ~0.1 s: the system tables are created
# once per MariaDB version into the cache and copied into every new state dir. Root is
# root@localhost authenticated by unix_socket only (no password can work).
MARIADB_INSTALL_OPTS=(--auth-root-authentication-method=socket --skip-test-db --innodb-log-file-size=48M)
mariadb_template() {
  echo "$SV_CACHE_DIR/mariadb/$(printf '%s\n' "$(mariadbd --version)" "${MARIADB_INSTALL_OPTS[*]}" | sha256sum | cut -c1-16)/data"
}

ensure_mariadb_template() {
  local tpl tmp
  tpl=$(mariadb_template)
  [[ -d $tpl/mysql ]] && return 0
  mariadb_prepare_dir
  # Built inside the state dir: the cache under $HOME is usually not reachable by user mysql.
  tmp="$(mariadb_dir)/template.tmp.$$"
  local t0; t0=$(now_ms)
  rm -rf "$tmp"
  if ! mariadb-install-db --no-defaults --user=mysql --datadir="$tmp" "${MARIADB_INSTALL_OPTS[@]}" \
    >>"$LOG_DIR/mariadb-install.log" 2>&1; then
    rm -rf "$tmp"; tail -n 20 "$LOG_DIR/mariadb-install.log" >&2
    die "mariadb: mariadb-install-db failed (log: $LOG_DIR/mariadb-install.log)"
  fi
  mkdir -p "$(dirname "$tpl")"
  rm -rf "$tpl"; mv -T "$tmp" "$tpl"
  note "MariaDB system tables created (mariadb-install-db, cached) in $(since "$t0")"
}

mariadb_launch() {
  local inst=${1:-mariadb} dir
  dir=$(mariadb_dir "$inst")
  (($(printf '%s' "$(mariadb_socket "$inst")" | wc -c) < 108)) || die "$inst: socket path too long (>107 bytes): $(mariadb_socket "$inst"); use a shorter SV_STATE_DIR"
  mariadb_prepare_dir "$inst"
  if [[ ! -d $dir/data/mysql ]]; then
    rm -rf "$dir/data"
    cp -a "$(mariadb_template)" "$dir/data"
    chown -R mysql:mysql "$dir/data"
  fi
  mkdir -p "$dir/tmp"
  chown mysql:mysql "$dir/tmp"
  local -a opts=(
    --no-defaults --user=mysql
    --datadir="$dir/data" --tmpdir="$dir/tmp"
    --socket="$(mariadb_socket "$inst")" --pid-file="$dir/mariadbd.pid"
    --port="$(mariadb_port "$inst")" --bind-address=127.0.0.1 --skip-name-resolve
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
    --default-time-zone=+00:00
    # small footprint for a dev box
    --innodb-buffer-pool-size=$([[ $inst == mariadb ]] && echo 32M || echo 96M)
    --innodb-log-file-size=48M --innodb-log-buffer-size=8M
    --key-buffer-size=8M --aria-pagecache-buffer-size=16M --query-cache-size=0
    --performance-schema=OFF --max-connections=$([[ $inst == mariadb ]] && echo 300 || echo 600)
    --max-allowed-packet=64M
    # dev/test data: a mariadbd crash loses nothing, an OS crash may lose the last second
    --innodb-flush-log-at-trx-commit=2
  )
  if [[ $inst == shard* ]]; then
    local wait=$((MYSQL_SHARD_TIMEOUT * 3 / 4))
    opts+=(--innodb-lock-wait-timeout=$((wait > 0 ? wait : 1)))
  fi
  if [[ $inst == mariadb ]]; then
    # The front holds no rows: Spider tables route each statement to the shard its key says.
    # Low timeouts make a dead or hung shard an error within seconds for its keys only.
    # direct-dup-insert: INSERT IGNORE / ON DUPLICATE KEY UPDATE go to the shard as one statement
    # (the shard checks the keys) instead of one remote statement per row (docs/decisions/0026).
    opts+=(
      --plugin-load-add=ha_spider.so
      --loose-spider-connect-timeout=2 --loose-spider-net-read-timeout="$MYSQL_SHARD_TIMEOUT"
      --loose-spider-net-write-timeout="$MYSQL_SHARD_TIMEOUT"
      --loose-spider-connect-retry-count=0
      --loose-spider-direct-dup-insert=1
    )
  fi
  spawn "$inst" mariadbd "${opts[@]}"
}

mariadb_sql_user() {
  [[ $MYSQL_USER =~ ^[A-Za-z0-9_]+$ ]] || die "mariadb: MYSQL_USER must match [A-Za-z0-9_]+"
  local pw=${MYSQL_PASSWORD//\\/\\\\}
  pw=${pw//\'/\'\'}
  local host sql=""
  for host in 127.0.0.1 localhost; do
    sql+="CREATE USER IF NOT EXISTS '$MYSQL_USER'@'$host' IDENTIFIED BY '$pw';
ALTER USER '$MYSQL_USER'@'$host' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON \`sv\\_%\`.* TO '$MYSQL_USER'@'$host';
"
  done
  printf '%s' "$sql"
}

# Creates the application user and databases; idempotent, so it runs on every start (and picks
# up a changed MYSQL_PASSWORD). The user may create/drop any database named sv_* (tests use
# sv_test_*), from 127.0.0.1 (TCP; skip-name-resolve) and localhost (socket). On the front it
# also (re)defines one Spider server per shard (shard0..N-1) and may read those definitions:
# migrations learn the shards from the front (packages/shared/src/migrations.ts).
mariadb_after_start() {
  local sql i pw=${MYSQL_PASSWORD//\\/\\\\}
  pw=${pw//\'/\'\'}
  sql=$(mariadb_sql_user)
  # FLUSH PRIVILEGES also reloads the server cache, so the CREATEs below do not find stale entries.
  sql+="DELETE FROM mysql.servers WHERE Server_name LIKE 'shard%';
FLUSH PRIVILEGES;
"
  for ((i = 0; i < MYSQL_SHARDS; i++)); do
    sql+="CREATE SERVER shard$i FOREIGN DATA WRAPPER mysql OPTIONS (HOST '127.0.0.1', PORT $(mariadb_port "shard$i"), USER '$MYSQL_USER', PASSWORD '$pw', DATABASE 'sv_user');
"
  done
  sql+="GRANT SELECT (Server_name, Host, Port, Db) ON mysql.servers TO '$MYSQL_USER'@'127.0.0.1';
GRANT SELECT (Server_name, Host, Port, Db) ON mysql.servers TO '$MYSQL_USER'@'localhost';
CREATE DATABASE IF NOT EXISTS sv_user CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS sv_venue CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
  mariadb_root --batch <<<"$sql"
}

mariadb_start_probe() { mariadb_socket_ping; }
mariadb_ports() { echo "$MYSQL_PORT"; }
mariadb_after_stop() { :; }

# The shards: plain InnoDB servers holding the rows (databases are created by the migrations).
for _shard in "${SHARD_SERVICES[@]}"; do
  eval "
${_shard}_addr() { echo \"127.0.0.1:\$(mariadb_port $_shard)\"; }
${_shard}_ports() { mariadb_port $_shard; }
${_shard}_probe() { mariadb_probe $_shard; }
${_shard}_start_probe() { mariadb_socket_ping $_shard; }
${_shard}_launch() { mariadb_launch $_shard; }
${_shard}_after_start() { mariadb_root --instance=$_shard --batch <<<\"\$(mariadb_sql_user)\"; }
${_shard}_after_stop() { :; }
"
done
unset _shard

# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------

redis_addr() { echo "127.0.0.1:$REDIS_PORT"; }
redis_ports() { echo "$REDIS_PORT"; }
redis_probe() { [[ $(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
redis_start_probe() { redis_probe; }
redis_after_start() { :; }
redis_after_stop() { :; }

# Cache/pub-sub data for dev and tests: no RDB snapshots, no AOF, so every start is empty and
# fast and nothing is written on shutdown. Not daemonized (unlike a system redis) so it is
# started and tracked exactly like the other services; --set-proc-title no keeps the state dir
# in its command line, which is how pid files are checked against pid reuse. 64 logical databases
# let parallel test files each take their own (@sport-venue/shared/testing).
redis_launch() {
  local dir="$SV_STATE_DIR/redis"
  mkdir -p "$dir"
  spawn redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize no \
    --dir "$dir" --save '' --appendonly no --logfile '' --set-proc-title no --databases 64
}

# ---------------------------------------------------------------------------------------------
# Kafka (KRaft, single node: broker + controller in one JVM)
# ---------------------------------------------------------------------------------------------

kafka_dir() { echo "$SV_STATE_DIR/kafka"; }
kafka_addr() { echo "127.0.0.1:$KAFKA_PORT"; }
kafka_ports() { echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT"; }
kafka_start_probe() { kafka_probe; }
kafka_after_start() { :; }

# A Kafka ApiVersions v0 request (api_key 18, correlation id 1) over bash's /dev/tcp; ready when
# the reply carries correlation id 1 and error code 0. The broker only enables request
# processing on its listener once it is registered and unfenced, so this means "usable".
kafka_probe() {
  local reply
  # shellcheck disable=SC2016 # expanded by the inner shell
  reply=$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x00\x00\x00\x0c\x00\x12\x00\x00\x00\x00\x00\x01\x00\x02sv" >&3
    head -c 10 <&3 | od -An -tx1 | tr -d " \n"' _ "$KAFKA_PORT" 2>/dev/null) || return 1
  [[ ${reply:8:12} == 000000010000 ]]
}

# A dynamic AppCDS archive of the broker's classes: the first broker run dumps it at exit (down),
# later starts map it and reach "ready" ~0.5 s sooner. Keyed by the jar set and the JDK build.
kafka_cds_archive() {
  local java_home
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  echo "$(dirname "$(kafka_libs_dir)")/cds-$(printf '%s' "$java_home" | cat - "$java_home/release" | sha256sum | cut -c1-12).jsa"
}

# server.properties for a log dir; regenerated on every start (ports come from the environment).
kafka_properties() {
  cat <<PROPS
# Generated by infra/infra.sh.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
# 127.0.0.1, not localhost: clients must not try ::1 first.
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$1
# A single node: every replication factor is 1.
num.partitions=4
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
# Otherwise every consumer group join in a test waits 3 s.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
auto.leader.rebalance.enable=false
# Small dev box: fewer threads, a 32 MB (not 128 MB) log-cleaner buffer in a 512 MB heap.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.cleaner.dedupe.buffer.size=33554432
# After a crash (SIGKILL) the restarted broker cannot register until the old registration's
# session expires: 3 s instead of 9 s brings a crash restart from ~13 s down to ~4 s.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
PROPS
}

kafka_log4j_properties() {
  cat <<LOG4J
# Generated by infra/infra.sh: everything into one file (the service log).
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$(log_file kafka)
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
LOG4J
}

# A KRaft log dir must be formatted before the first start (meta.properties with cluster and
# node id, bootstrap.checkpoint with the metadata version). Formatting costs a JVM start, so it
# is done once per jar set with the real tool:
#   StorageTool random-uuid; StorageTool format -t <id> -c server.properties --ignore-formatted
# and every new state dir copies that result. All local single-node clusters therefore share
# one cluster id, which is harmless: they never talk to each other.
kafka_format_template() { echo "$(dirname "$(kafka_libs_dir)")/formatted"; }

ensure_kafka_format_template() {
  local tpl tmp cluster_id
  tpl=$(kafka_format_template)
  [[ -f $tpl/meta.properties ]] && return 0
  tmp="$tpl.tmp.$$"
  local t0; t0=$(now_ms)
  rm -rf "$tmp"; mkdir -p "$tmp/data"
  local java=(java -cp "$(kafka_libs_dir)/*" -Dlog4j.configuration="file:/dev/null")
  kafka_properties "$tmp/data" >"$tmp/server.properties"
  if ! cluster_id=$("${java[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka-build.log") ||
    ! "${java[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$tmp/server.properties" \
      --ignore-formatted >>"$LOG_DIR/kafka-build.log" 2>&1; then
    rm -rf "$tmp"; tail -n 20 "$LOG_DIR/kafka-build.log" >&2; die "kafka: StorageTool format failed (log: $LOG_DIR/kafka-build.log)"
  fi
  rm -rf "$tpl"; mv -T "$tmp/data" "$tpl"; rm -rf "$tmp"
  note "Kafka storage formatted (StorageTool, cached) in $(since "$t0")"
}

kafka_launch() {
  local dir libs cds
  dir=$(kafka_dir); libs=$(kafka_libs_dir); cds=$(kafka_cds_archive)
  mkdir -p "$dir/data"
  [[ -f $dir/data/meta.properties ]] || cp "$(kafka_format_template)"/* "$dir/data/"
  kafka_properties "$dir/data" >"$dir/server.properties"
  kafka_log4j_properties >"$dir/log4j.properties"
  local -a jvm
  read -r -a jvm <<<"$KAFKA_JVM_OPTS"
  jvm+=(-Djava.awt.headless=true -XX:+ExitOnOutOfMemoryError
    -Dlog4j.configuration="file:$dir/log4j.properties" -cp "$libs/*")
  rm -f "$dir/cds.jsa.new"
  if [[ -f $cds ]]; then
    jvm+=(-XX:SharedArchiveFile="$cds")
  else
    jvm+=(-XX:ArchiveClassesAtExit="$dir/cds.jsa.new")
  fi
  spawn kafka java "${jvm[@]}" kafka.Kafka "$dir/server.properties"
}

# After a clean stop of a broker that was asked to dump its classes, publish the archive to the
# cache (copy + rename, so a concurrent start never maps a half-written file).
kafka_after_stop() {
  local killed=$1 dir cds
  dir=$(kafka_dir); cds=$(kafka_cds_archive)
  if [[ $killed == 0 && -s $dir/cds.jsa.new && ! -f $cds ]]; then
    cp "$dir/cds.jsa.new" "$cds.tmp.$$" && mv -f "$cds.tmp.$$" "$cds"
  fi
  rm -f "$dir/cds.jsa.new"
}

# ---------------------------------------------------------------------------------------------
# FerretDB (MongoDB wire protocol, SQLite backend)
# ---------------------------------------------------------------------------------------------

ferretdb_addr() { echo "127.0.0.1:$MONGO_PORT"; }
ferretdb_ports() { echo "$MONGO_PORT"; }
ferretdb_start_probe() { ferretdb_probe; }
ferretdb_after_start() { :; }
ferretdb_after_stop() { :; }

# MongoDB wire protocol round trip: OP_MSG {ping: 1, $db: "admin"}; ready when the reply
# document contains ok: 1.0 (BSON double 0x3ff0000000000000).
ferretdb_probe() {
  local reply
  # shellcheck disable=SC2016 # expanded by the inner shell
  reply=$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00" >&3
    printf "\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02\$db\x00\x06\x00\x00\x00admin\x00\x00" >&3
    len=$(head -c 4 <&3 | od -An -tu4 --endian=little | tr -d " ")
    ((len > 4 && len < 65536)) || exit 1
    head -c $((len - 4)) <&3 | od -An -tx1 -v | tr -d " \n"' _ "$MONGO_PORT" 2>/dev/null) || return 1
  [[ $reply == *016f6b00000000000000f03f* ]]
}

ferretdb_launch() {
  local dir="$SV_STATE_DIR/ferretdb"
  mkdir -p "$dir"
  spawn ferretdb "$(ferretdb_bin)" --listen-addr "127.0.0.1:$MONGO_PORT" --data-dir "$dir"
}

# ---------------------------------------------------------------------------------------------
# OpenSearch (single node, integ-test distribution + analysis-common as a module)
# ---------------------------------------------------------------------------------------------

# The unpacked distribution, keyed by the pom's hash (the version and module set it pins).
opensearch_dist_dir() { echo "$SV_CACHE_DIR/opensearch/$(sha_of "$INFRA_DIR/opensearch/pom.xml")/dist"; }
opensearch_dir() { echo "$SV_STATE_DIR/opensearch"; }
opensearch_addr() { echo "127.0.0.1:$OPENSEARCH_PORT"; }
opensearch_ports() { echo "$OPENSEARCH_PORT $OPENSEARCH_TRANSPORT_PORT"; }
opensearch_after_start() { :; }
opensearch_after_stop() { :; }

# Ready = the cluster answers its health API with green or yellow (a single node has no replicas).
opensearch_probe() {
  local body
  body=$(curl -sf --max-time 3 "http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health?timeout=2s" 2>/dev/null) || return 1
  [[ $body == *'"status":"green"'* || $body == *'"status":"yellow"'* ]]
}
opensearch_start_probe() { opensearch_probe; }

ensure_opensearch_dist() {
  local dist; dist=$(opensearch_dist_dir)
  [[ -x $dist/bin/opensearch ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  note "fetching OpenSearch from Maven Central into $dist"
  local t0; t0=$(now_ms)
  local tmp="$dist.tmp.$$" blog="$LOG_DIR/opensearch-build.log"
  rm -rf "$tmp"; mkdir -p "$tmp/artifacts"
  if ! mvn -B -q -Dstyle.color=never -f "$INFRA_DIR/opensearch/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$tmp/artifacts" >"$blog" 2>&1; then
    rm -rf "$tmp"; tail -n 20 "$blog" >&2; die "opensearch: mvn dependency:copy-dependencies failed (log: $blog)"
  fi
  local zip jar version
  zip=$(ls "$tmp"/artifacts/opensearch-*.zip) && jar=$(ls "$tmp"/artifacts/analysis-common-*.jar) ||
    { rm -rf "$tmp"; die "opensearch: the zip or the analysis-common jar is missing"; }
  version=$(basename "$zip" .zip); version=${version#opensearch-}
  unzip -q "$zip" -d "$tmp/unpacked" || { rm -rf "$tmp"; die "opensearch: unzip failed"; }
  mv "$tmp/unpacked/opensearch-$version" "$tmp/home"
  # A module is a plugin loaded from modules/: its jar plus a descriptor (what the full
  # distribution ships for analysis-common).
  mkdir -p "$tmp/home/modules/analysis-common"
  cp "$jar" "$tmp/home/modules/analysis-common/"
  cat >"$tmp/home/modules/analysis-common/plugin-descriptor.properties" <<DESC
description=Adds "built in" analyzers to OpenSearch.
version=$version
name=analysis-common
classname=org.opensearch.analysis.common.CommonAnalysisPlugin
java.version=11
opensearch.version=$version
extended.plugins=
has.native.controller=false
DESC
  chmod -R a+rX "$tmp/home"
  rm -rf "$dist"; mv -T "$tmp/home" "$dist"; rm -rf "$tmp"
  note "OpenSearch $version fetched in $(since "$t0")"
}

# A dedicated system user: OpenSearch refuses to start as root.
ensure_opensearch_user() {
  id -u "$OPENSEARCH_USER" >/dev/null 2>&1 && return 0
  [[ $(id -u) == 0 ]] || die "opensearch: user $OPENSEARCH_USER is missing and only root can create it"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$OPENSEARCH_USER" ||
    id -u "$OPENSEARCH_USER" >/dev/null 2>&1 || die "opensearch: useradd $OPENSEARCH_USER failed"
  note "created system user $OPENSEARCH_USER (OpenSearch does not run as root)"
}

opensearch_config() {
  cat <<YML
# Generated by infra/infra.sh.
cluster.name: sport-venue-dev
node.name: sv-node
discovery.type: single-node
network.host: 127.0.0.1
http.port: $OPENSEARCH_PORT
transport.port: $OPENSEARCH_TRANSPORT_PORT
path.data: $1/data
path.logs: $1/logs
# A dev disk filling up must not turn indices read-only under the tests.
cluster.routing.allocation.disk.threshold_enabled: false
YML
}

# The distribution's jvm.options minus GC logging to the working directory, with a small heap.
opensearch_jvm_options() {
  cat <<JVM
-Xms$OPENSEARCH_HEAP
-Xmx$OPENSEARCH_HEAP
$(tr ' ' '\n' <<<"$OPENSEARCH_JVM_OPTS")
-Djava.io.tmpdir=\${OPENSEARCH_TMPDIR}
-XX:+ExitOnOutOfMemoryError
-XX:ErrorFile=$1/logs/hs_err_pid%p.log
-Djava.security.manager=allow
-Djava.util.concurrent.ForkJoinPool.common.threadFactory=org.opensearch.secure_sm.SecuredForkJoinWorkerThreadFactory
JVM
}

opensearch_launch() {
  local dir dist java_home
  dir=$(opensearch_dir); dist=$(opensearch_dist_dir)
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  # The distribution is hard-linked into the state dir (the cache under /root is not reachable
  # by the service user); config, data, logs and tmp are the service user's.
  if [[ ! -x $dir/home/bin/opensearch ]]; then
    rm -rf "$dir/home"; mkdir -p "$dir"
    cp -al "$dist" "$dir/home" 2>/dev/null || cp -a "$dist" "$dir/home"
  fi
  mkdir -p "$dir/config/jvm.options.d" "$dir/data" "$dir/logs" "$dir/tmp"
  cp "$dist/config/log4j2.properties" "$dir/config/"
  opensearch_config "$dir" >"$dir/config/opensearch.yml"
  opensearch_jvm_options "$dir" >"$dir/config/jvm.options"
  chown -R "$OPENSEARCH_USER:" "$dir/config" "$dir/data" "$dir/logs" "$dir/tmp"
  chmod go+x "$SV_STATE_DIR" "$dir"
  setpriv --reuid="$OPENSEARCH_USER" --regid="$OPENSEARCH_USER" --init-groups test -r "$dir/home/bin/opensearch" ||
    die "opensearch: user $OPENSEARCH_USER cannot read $dir/home (is a parent directory not traversable by others?)"
  # Foreground (no -d): bin/opensearch execs java, so the pid spawn records is the server's.
  spawn opensearch setpriv --reuid="$OPENSEARCH_USER" --regid="$OPENSEARCH_USER" --init-groups \
    env -i PATH=/usr/bin:/bin HOME="$dir" OPENSEARCH_JAVA_HOME="$java_home" \
    OPENSEARCH_PATH_CONF="$dir/config" OPENSEARCH_TMPDIR="$dir/tmp" \
    "$dir/home/bin/opensearch"
}

# ---------------------------------------------------------------------------------------------
# Prometheus (Debian package)
# ---------------------------------------------------------------------------------------------

prometheus_dir() { echo "$SV_STATE_DIR/prometheus"; }
prometheus_addr() { echo "127.0.0.1:$PROMETHEUS_PORT"; }
prometheus_ports() { echo "$PROMETHEUS_PORT"; }
prometheus_probe() { curl -sf --max-time 3 "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1; }
prometheus_start_probe() { prometheus_probe; }
prometheus_after_start() { :; }
prometheus_after_stop() { :; }

# Targets come from file service discovery: every *.json in targets/ (watched, so a test or
# another graph adds its processes without a restart). The default file lists `npm start`'s ports.
prometheus_config() {
  cat <<YML
# Generated by infra/infra.sh.
global:
  scrape_interval: $PROMETHEUS_SCRAPE_INTERVAL
  evaluation_interval: $PROMETHEUS_SCRAPE_INTERVAL
rule_files:
  - $INFRA_DIR/prometheus/alerts.yml
scrape_configs:
  - job_name: sport-venue
    file_sd_configs:
      - files: ['$1/targets/*.json']
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:$PROMETHEUS_PORT']
YML
}

prometheus_default_targets() {
  local name port sep=''
  printf '['
  for name in router:${ROUTER_PORT:-4000} user:${USER_PORT:-4001} venue:${VENUE_PORT:-4002} \
    social:${SOCIAL_PORT:-4003} prediction:${PREDICTION_PORT:-4004} model-server:${MODEL_SERVER_METRICS_PORT:-9464}; do
    port=${name#*:}; name=${name%%:*}
    printf '%s{"targets":["127.0.0.1:%s"],"labels":{"service":"%s","graph":"npm-start"}}' "$sep" "$port" "$name"
    sep=','
  done
  printf ']\n'
}

prometheus_launch() {
  local dir; dir=$(prometheus_dir)
  mkdir -p "$dir/data" "$dir/targets"
  [[ -f $dir/targets/npm-start.json ]] || prometheus_default_targets >"$dir/targets/npm-start.json"
  prometheus_config "$dir" >"$dir/prometheus.yml"
  spawn prometheus prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    --web.enable-lifecycle --log.format=json
}

# ---------------------------------------------------------------------------------------------
# Generic start / stop / status
# ---------------------------------------------------------------------------------------------

# Finds a running instance of this state dir's service whose pid file was lost.
find_orphan() {
  local svc=$1 f pid
  while read -r f; do
    pid=${f#/proc/}; pid=${pid%/cmdline}
    pid_alive "$pid" && pid_is_ours "$svc" "$pid" && { echo "$pid"; return 0; }
  done < <(grep -l -a -F -- "$SV_STATE_DIR/$svc" /proc/[0-9]*/cmdline 2>/dev/null)
  return 1
}

# Waits until the service answers its start probe; fails early if the process died.
wait_started() {
  local svc=$1 t0=$2 pid
  while ! "${svc}_start_probe"; do
    pid=$(cat "$(pid_file "$svc")" 2>/dev/null || true)
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      echo "$svc failed to start: the process exited (log: $(log_file "$svc"))"
      return 1
    fi
    if (($(now_ms) - t0 > SV_START_TIMEOUT * 1000)); then
      echo "$svc failed to start: not ready after ${SV_START_TIMEOUT}s (log: $(log_file "$svc"))"
      return 1
    fi
    sleep 0.1
  done
}

# Brings one service up and prints its report line; on failure prints one error line and
# returns 1 (the caller shows the log tail). Runs in a background subshell per service.
start_one() {
  local svc=$1 t0 pid
  t0=$(now_ms)
  pid=$(managed_pid "$svc" || find_orphan "$svc" || true)
  if [[ -n $pid ]]; then
    echo "$pid" >"$(pid_file "$svc")"
    # Already running: returns at once if it answers its probe, otherwise waits (it may still be
    # starting). A process that exits meanwhile (e.g. just killed) is replaced below.
    local msg
    if msg=$(wait_started "$svc" "$t0"); then
      "${svc}_probe" || { "${svc}_after_start" >/dev/null 2>&1 && "${svc}_probe"; } ||
        { echo "$svc is running (pid $pid) but its probe fails (log: $(log_file "$svc"))"; return 1; }
      report "$svc" "already running (pid $pid)"
      return 0
    fi
    pid_alive "$pid" && { echo "$msg"; return 1; }
  fi
  rm -f "$(pid_file "$svc")"
  local port
  for port in $("${svc}_ports"); do
    if port_open "$port"; then
      echo "$svc failed to start: port $port is already in use by a process not started from $SV_STATE_DIR (log: $(log_file "$svc"))"
      return 1
    fi
  done
  rotate_log "$svc"
  "${svc}_launch"
  wait_started "$svc" "$t0" || { stop_one "$svc" >/dev/null 2>&1 || true; return 1; }
  if ! "${svc}_after_start" >>"$(log_file "$svc")" 2>&1 || ! "${svc}_probe"; then
    echo "$svc failed to start: post-start setup or readiness probe failed (log: $(log_file "$svc"))"
    stop_one "$svc" >/dev/null 2>&1 || true
    return 1
  fi
  report "$svc" "ready in $(since "$t0")"
}

report() {
  printf '%-10s %-16s %-28s log %s\n' "$1" "$("${1}_addr")" "$2" "$(log_file "$1")"
}

# SIGTERM, wait up to SV_STOP_TIMEOUT, then SIGKILL.
stop_one() {
  local svc=$1 pid t0 killed=0
  t0=$(now_ms)
  pid=$(managed_pid "$svc" || find_orphan "$svc" || true)
  if [[ -z $pid ]]; then
    rm -f "$(pid_file "$svc")"
    printf '%-10s not running\n' "$svc"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid"; do
    if (($(now_ms) - t0 > SV_STOP_TIMEOUT * 1000)); then
      note "$svc (pid $pid) did not stop within ${SV_STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      killed=1
      local deadline=$(($(now_ms) + 5000))
      while pid_alive "$pid" && (($(now_ms) < deadline)); do sleep 0.1; done
      break
    fi
    sleep 0.1
  done
  rm -f "$(pid_file "$svc")"
  "${svc}_after_stop" "$killed"
  printf '%-10s stopped (pid %s) in %s%s\n' "$svc" "$pid" "$(since "$t0")" \
    "$( ((killed)) && echo ' (SIGKILL)')"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

# Serializes up/down on one state dir (e.g. two test runs starting at once).
lock_state_dir() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock -n 9 || { note "waiting for another infra.sh on $SV_STATE_DIR"; flock 9; }
}

parse_services() {
  local s
  (($# == 0)) && set -- "${ALL_SERVICES[@]}"
  local expanded=()
  for s in "$@"; do
    is_service "$s" || die "unknown service '$s' (known: ${ALL_SERVICES[*]})"
    [[ " ${expanded[*]} " == *" $s "* ]] || expanded+=("$s")
    # The front is useless without its shards: up/down/status of `mariadb` covers them.
    if [[ $s == mariadb ]]; then
      for s in "${SHARD_SERVICES[@]}"; do [[ " ${expanded[*]} " == *" $s "* ]] || expanded+=("$s"); done
    fi
  done
  SERVICES=("${expanded[@]}")
}

cmd_up() {
  parse_services "$@"
  lock_state_dir
  ensure_prerequisites "${SERVICES[@]}"
  # Start all requested services at once (MariaDB's and Kafka's start-up mostly wait on I/O
  # and the JVM), then report them in a fixed order.
  local svc failed=() ; local -A job
  for svc in "${SERVICES[@]}"; do
    start_one "$svc" >"$RUN_DIR/$svc.result" 2>&1 9>&- &
    job[$svc]=$!
  done
  for svc in "${SERVICES[@]}"; do
    if wait "${job[$svc]}"; then cat "$RUN_DIR/$svc.result"; else failed+=("$svc"); fi
  done
  for svc in "${failed[@]}"; do
    [[ -s $(log_file "$svc") ]] || continue
    echo "--- last lines of $(log_file "$svc") ---" >&2
    tail -n 20 "$(log_file "$svc")" >&2
  done
  for svc in "${failed[@]}"; do
    printf 'infra: ERROR: %s\n' "$(tail -n 1 "$RUN_DIR/$svc.result" | sed 's/^infra: ERROR: //')" >&2
  done
  rm -f "$RUN_DIR"/*.result
  ((${#failed[@]} == 0))
}

cmd_down() {
  parse_services "$@"
  [[ -d $RUN_DIR ]] || { printf '%s: not running\n' "${SERVICES[@]}"; return 0; }
  lock_state_dir
  local svc pids=()
  # Stop in parallel: MariaDB and Kafka each take about a second to shut down cleanly.
  for svc in "${SERVICES[@]}"; do
    stop_one "$svc" >"$RUN_DIR/$svc.result" 2>&1 9>&- &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  for svc in "${SERVICES[@]}"; do cat "$RUN_DIR/$svc.result"; done
  rm -f "$RUN_DIR"/*.result
}

cmd_status() {
  parse_services "$@"
  local svc pid state rc=0 ok
  for svc in "${SERVICES[@]}"; do
    ok=0
    case $svc in
      mariadb | shard*) command -v mariadb >/dev/null && mariadb_probe "$svc" && ok=1 ;;
      redis) command -v redis-cli >/dev/null && redis_probe && ok=1 ;;
      *) "${svc}_probe" && ok=1 ;;
    esac
    pid=$(managed_pid "$svc" || true)
    if ((ok)); then state=up; else state=DOWN; rc=1; fi
    if [[ -n $pid ]]; then pid="pid $pid"
    elif ((ok)); then pid="not from this state dir"
    else pid="not running"; fi
    printf '%-10s %-5s %-16s %s\n' "$svc" "$state" "$("${svc}_addr")" "$pid"
  done
  return "$rc"
}

cmd_logs() {
  local svc=${1:-}
  is_service "$svc" || die "usage: infra.sh logs <${ALL_SERVICES[*]}> [-f]"
  [[ -f $(log_file "$svc") ]] || die "no log yet: $(log_file "$svc")"
  if [[ ${2:-} == -f ]]; then exec tail -n 50 -F "$(log_file "$svc")"; fi
  tail -n "${SV_LOG_LINES:-100}" "$(log_file "$svc")"
}

cmd_env() {
  cat <<ENV
MYSQL_HOST=127.0.0.1
MYSQL_PORT=$MYSQL_PORT
MYSQL_SHARD_PORTS=$(for s in "${SHARD_SERVICES[@]}"; do mariadb_port "$s"; done | paste -sd,)
MYSQL_USER=$MYSQL_USER
MYSQL_PASSWORD=$MYSQL_PASSWORD
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
MONGO_URL=mongodb://127.0.0.1:$MONGO_PORT
OPENSEARCH_URL=http://127.0.0.1:$OPENSEARCH_PORT
PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT
ENV
}

usage() {
  # The header comment of this file is the help text.
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
  exit "${1:-0}"
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  case $cmd in
    up) cmd_up "$@" ;;
    down | stop) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    logs) cmd_logs "$@" ;;
    env) cmd_env ;;
    -h | --help | help) usage 0 ;;
    *) usage 2 >&2 ;;
  esac
}

main "$@"

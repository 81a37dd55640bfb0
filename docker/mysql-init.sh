#!/bin/bash
# Runs once, when a MariaDB container initialises its data directory. Each MariaDB-owning
# subgraph gets its own database; the application user may also create sv_test_* databases.
# On the Spider front (MYSQL_SHARDS lists the shard hosts) it also defines one server per shard,
# shard0…shardN-1, which the migrations read to find the shards (docs/decisions/0021).
set -euo pipefail
user=${MARIADB_USER:-$MYSQL_USER}
password=${MARIADB_PASSWORD:-$MYSQL_PASSWORD}
servers=""
i=0
for host in ${MYSQL_SHARDS:-}; do
  servers+="CREATE SERVER shard$i FOREIGN DATA WRAPPER mysql OPTIONS (HOST '$host', PORT 3306, USER '$user', PASSWORD '$password', DATABASE 'sv_user');"$'\n'
  i=$((i + 1))
done
if [ -n "$servers" ]; then
  servers+="GRANT SELECT (Server_name, Host, Port, Db) ON mysql.servers TO '$user'@'%';"
fi
mariadb -uroot -p"${MARIADB_ROOT_PASSWORD:-$MYSQL_ROOT_PASSWORD}" <<SQL
CREATE DATABASE IF NOT EXISTS sv_user CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS sv_venue CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON \`sv\_%\`.* TO '$user'@'%';
$servers
FLUSH PRIVILEGES;
SQL

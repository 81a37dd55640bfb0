#!/usr/bin/env bash
# Installs MariaDB's Spider storage engine (Debian mariadb-plugin-spider, same version as the
# server) when missing, without letting the package start a system MariaDB on port 3306. Idempotent.
set -euo pipefail
plugin_dir=$(mariadbd --no-defaults --help --verbose 2>/dev/null | awk '$1 == "plugin-dir" { print $2 }')
[[ -f ${plugin_dir:-/usr/lib/mysql/plugin}/ha_spider.so ]] && exit 0
sudo=
((EUID == 0)) || sudo=sudo
printf 'bench: installing mariadb-plugin-spider (Debian)\n' >&2
printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
$sudo chmod +x /usr/sbin/policy-rc.d
trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
for attempt in 1 2 3 4 5 6; do
  if $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mariadb-plugin-spider >/dev/null; then exit 0; fi
  # Another apt may hold the lock; an outdated index may lack the package.
  ((attempt == 2)) && $sudo apt-get update -q >/dev/null || true
  sleep 5
done
printf 'bench: ERROR: could not install mariadb-plugin-spider\n' >&2
exit 1

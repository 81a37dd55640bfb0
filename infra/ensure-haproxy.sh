#!/usr/bin/env bash
# Installs HAProxy (Debian package) when missing, without starting the system service: the
# clustered topology (infra/topology.ts) runs its own instance on its own ports. Idempotent.
set -euo pipefail
command -v haproxy >/dev/null && exit 0
sudo=
((EUID == 0)) || sudo=sudo
printf 'infra: installing haproxy (Debian)\n' >&2
# policy-rc.d 101: the package must not start (and keep running) haproxy on port 80.
printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
$sudo chmod +x /usr/sbin/policy-rc.d
trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
for attempt in 1 2 3 4 5 6; do
  if $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null; then exit 0; fi
  # Another apt may hold the lock; an outdated index may lack the package.
  ((attempt == 2)) && $sudo apt-get update -q >/dev/null || true
  sleep 5
done
printf 'infra: ERROR: could not install haproxy\n' >&2
exit 1

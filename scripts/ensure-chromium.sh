#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core: Playwright cannot download its own
# browser here. Installs it (with CJK fonts, so screenshots show Chinese text, not boxes) when
# missing; cheap when present.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -i 'noto sans cjk' >/dev/null || need+=(fonts-noto-cjk) # not -q: SIGPIPE under pipefail
[ ${#need[@]} -eq 0 ] && exit 0
echo "setup: installing Debian packages: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then echo "setup: root is needed to apt-get install ${need[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; }

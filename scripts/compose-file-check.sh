#!/usr/bin/env bash
# `npm run compose-file:check`: validates docker-compose.yml with the real `docker compose config`.
# Machines here have the docker CLI but no compose plugin; build it from the Go module proxy once
# (a few minutes) and cache it.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v2.40.3
cache="${SV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sport-venue}/docker-compose-$version"
if ! docker compose version >/dev/null 2>&1; then
  if [ ! -x "$cache/docker-compose" ]; then
    echo "building the docker compose plugin $version from the Go module proxy (cached in $cache)"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    printf 'module composebuild\n\ngo 1.24\n' > "$work/go.mod"
    printf '//go:build tools\npackage tools\nimport _ "github.com/docker/compose/v2/cmd"\n' > "$work/tools.go"
    (cd "$work" && go get "github.com/docker/compose/v2@$version" && go mod tidy \
      && mkdir -p "$cache" && go build -o "$cache/docker-compose" github.com/docker/compose/v2/cmd)
  fi
  mkdir -p "$HOME/.docker/cli-plugins"
  ln -sf "$cache/docker-compose" "$HOME/.docker/cli-plugins/docker-compose"
fi
docker compose config --quiet
echo "docker-compose.yml: valid ($(docker compose version --short 2>/dev/null || echo compose))"

#!/usr/bin/env bash
# Brings a checkout to a runnable state: dependencies (including the pinned Node 24 runtime from
# the npm package `node`), generated Prisma clients and resolver types. Cheap when nothing changed,
# so `npm start` and `npm test` call it every time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

stamp_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# 1. Dependencies: reinstall when the lockfile changed since the last install.
lock_stamp=$(stamp_of package-lock.json)
if [ ! -x node_modules/.bin/node ] || [ "$(cat node_modules/.sv-lock 2>/dev/null)" != "$lock_stamp" ]; then
  echo "setup: installing dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_stamp" > node_modules/.sv-lock
fi

node_version=$(node_modules/.bin/node --version)
case "$node_version" in
  v24.*) ;;
  *) echo "setup: expected Node 24 from node_modules/.bin/node, found $node_version" >&2; exit 1 ;;
esac

# 2. Generated code: Prisma clients and GraphQL resolver types, only when their inputs changed.
gen_stamp=$(stamp_of prisma/*/schema.prisma subgraphs/*/schema.graphql codegen.ts package-lock.json)
if [ "$(cat node_modules/.sv-generated 2>/dev/null)" != "$gen_stamp" ] \
  || [ ! -d subgraphs/user/src/generated/prisma ] || [ ! -f subgraphs/venue/src/generated/graphql.ts ]; then
  echo "setup: generating Prisma clients and resolver types"
  # `prisma generate` never runs the schema engine, but insists the binary exists; it cannot be
  # downloaded here (docs/decisions/0002-prisma-offline.md).
  export PRISMA_SCHEMA_ENGINE_BINARY="$PWD/scripts/no-schema-engine.sh"
  export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
  for schema in prisma/*/schema.prisma; do
    out=$(cd "$(dirname "$schema")" && ../../node_modules/.bin/prisma generate 2>&1) || { echo "$out" >&2; exit 1; }
  done
  node_modules/.bin/graphql-codegen --config codegen.ts
  echo "$gen_stamp" > node_modules/.sv-generated
fi

#!/usr/bin/env bash
# `npm test`: static checks first (fast failures), then the real services, then every unit and
# integration test in one node:test run. Fails on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NODE_ENV=test

start=$(date +%s)
step() { printf '\n== %s\n' "$1"; }

step "lint (eslint + prettier)"
eslint --max-warnings=0 .
prettier --check --log-level=warn .

step "typecheck"
tsc -p tsconfig.json
# The mini-program's services and libraries against uni-app's and Vite's types (.vue files: vite build).
tsc -p apps/miniprogram/tsconfig.services.json
vue-tsc --noEmit -p apps/console/tsconfig.json

step "supergraph is composed from the current subgraph schemas"
node scripts/compose.ts --check

step "mini-program builds from a clean output (mp-weixin, h5)"
rm -rf apps/miniprogram/dist
npm run --silent build:mp-weixin -w @sport-venue/miniprogram >/dev/null
npm run --silent build:h5 -w @sport-venue/miniprogram >/dev/null

step "infrastructure"
bash infra/infra.sh up
# Three masters for the code paths that must also hold on Redis Cluster (docs/decisions/0012).
bash infra/redis-cluster.sh up

step "browser (Debian Chromium) and the console build for the browser tests"
bash scripts/ensure-chromium.sh
node scripts/console-build.ts

step "tests (unit + integration)"
# --test-force-exit: a file whose tests have all finished exits even if a client library left a
# socket open (its handles would otherwise keep the file, and so the run, waiting forever).
node --test --test-force-exit --test-concurrency="${TEST_CONCURRENCY:-4}" --test-timeout=300000 \
  'packages/*/test/**/*.test.ts' \
  'apps/*/test/**/*.test.ts' \
  'subgraphs/*/test/**/*.test.ts' \
  'router/test/**/*.test.ts' \
  'test/**/*.test.ts'

printf '\nnpm test finished in %ss\n' "$(( $(date +%s) - start ))"

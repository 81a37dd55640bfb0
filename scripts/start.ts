// `npm start`: infra (if not running), migrations, then every subgraph and the router as child
// processes, restarted when one dies. Prints where each part listens; Ctrl-C stops them all.
import { execFileSync } from 'node:child_process';
import { Supervisor } from './supervisor.ts';
import { nodeArgsFor } from '../router/src/node-args.ts';
import { startModelBootstrap } from './model-bootstrap.ts';
import { ensureBuilt, H5_DIST } from '../apps/miniprogram/scripts/build.ts';
import { CONSOLE_DIST, ensureConsoleBuilt } from './console-build.ts';
import { serveStatic } from './serve-static.ts';
import { DEMO_ADMIN, DEMO_OPERATOR } from './seed/console-accounts.ts';

const root = new URL('../', import.meta.url).pathname;
const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
// Children write to a pipe (prefixed here), so they cannot see the terminal themselves: readable
// lines when ours is one, JSON otherwise (redirected to a file, CI, production).
if (!env.LOG_FORMAT && process.stdout.isTTY && env.NODE_ENV !== 'production') {
  env.LOG_FORMAT = 'pretty';
  env.FORCE_COLOR ??= '1';
}

// Development logs in through a local fake of the WeChat API (codes `test-<name>`), unless a real
// WECHAT_API_BASE is given. Production never starts it.
const fakeWeChat =
  env.NODE_ENV === 'development' && !env.WECHAT_API_BASE
    ? {
        name: 'wechat-fake',
        entry: 'subgraphs/user/src/wechat-fake.ts',
        port: env.WECHAT_FAKE_PORT ?? '4011',
      }
    : null;
if (fakeWeChat) env.WECHAT_API_BASE = `http://127.0.0.1:${fakeWeChat.port}`;

// The gRPC model server answers from the newest artifact; until the first one is trained (in the
// background, scripts/model-bootstrap.ts) it serves its baseline, marked basis BASELINE.
const modelServer = {
  name: 'model-server',
  entry: 'subgraphs/prediction/src/model-server/index.ts',
  port: env.MODEL_SERVER_PORT ?? '50051',
};
const helpers = fakeWeChat ? [fakeWeChat, modelServer] : [modelServer];

const services = [
  { name: 'user', entry: 'subgraphs/user/src/index.ts', port: env.USER_PORT ?? '4001' },
  { name: 'venue', entry: 'subgraphs/venue/src/index.ts', port: env.VENUE_PORT ?? '4002' },
  { name: 'social', entry: 'subgraphs/social/src/index.ts', port: env.SOCIAL_PORT ?? '4003' },
  { name: 'prediction', entry: 'subgraphs/prediction/src/index.ts', port: env.PREDICTION_PORT ?? '4004' },
  { name: 'router', entry: 'router/src/index.ts', port: env.ROUTER_PORT ?? '4000' },
];

function step(title: string, command: string, args: string[]) {
  console.log(`\n> ${title}`);
  execFileSync(command, args, { cwd: root, stdio: 'inherit', env });
}

step('infrastructure (MariaDB, Redis, Kafka, FerretDB, OpenSearch, Prometheus)', 'bash', [
  'infra/infra.sh',
  'up',
]);
console.log('\n> mini-program H5 build (when its sources changed)');
ensureBuilt('h5', (line) => console.log(line));
step('migrations', process.execPath, ['scripts/migrate.ts']);

// Demo data in development, so a first start shows venues, history and accounts at once; the
// seed is idempotent (SEED=0 skips it).
if (env.NODE_ENV === 'development' && env.SEED !== '0')
  step('demo data (npm run seed; idempotent)', process.execPath, ['scripts/seed.ts']);

// The operator console: built when missing or stale, served by this process; the router's CORS
// lets its origin in.
const consolePort = Number(env.CONSOLE_PORT ?? 4020);
const miniprogramPort = Number(env.MINIPROGRAM_PORT ?? 4021);
env.CORS_ORIGINS ??= [consolePort, miniprogramPort]
  .flatMap((port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  .join(',');
console.log('\n> console (apps/console)');
ensureConsoleBuilt();

// A child that dies is started again (with backoff); only Ctrl-C or SIGTERM stops them all.
const supervisor = new Supervisor({ detached: true, log: (line) => console.error(line) });
process.on('exit', () => supervisor.killAll());
const modelBootstrap = await startModelBootstrap({ root, env });
let stopping = false;
function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  modelBootstrap.stop();
  console.log('\nstopping all services…');
  void supervisor.stop().then(() => process.exit(code));
}

for (const service of [...helpers, ...services])
  supervisor.start({
    name: service.name,
    command: process.execPath,
    args: [...nodeArgsFor(service.entry), service.entry],
    cwd: root,
    env,
  });

// SIGHUP too: the children are not in the terminal's process group, so closing the terminal
// reaches only us, and we must take them with us.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stopAll(0));

// Wait for every part to report ready, then print the map.
const deadline = Date.now() + 60_000;
for (const service of services) {
  const url = `http://127.0.0.1:${service.port}/ready`;
  for (;;) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Not fatal: the supervisor keeps restarting it, and /ready names what it still waits for.
      console.error(`${service.name} is not ready at ${url} after 60 s; see its log lines above`);
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
// The mini-program's H5 build, told where the router is (its origin is in the router's CORS_ORIGINS).
const miniprogram = stopping
  ? null
  : await serveStatic({
      root: H5_DIST,
      port: miniprogramPort,
      runtimeConfig: { graphUrl: `http://127.0.0.1:${services[4]!.port}/graphql` },
    });
if (miniprogram) process.on('exit', () => miniprogram.server.close());
const consoleServer = stopping
  ? null
  : await serveStatic({
      root: CONSOLE_DIST,
      port: consolePort,
      runtimeConfig: { graphUrl: `http://127.0.0.1:${services[4]!.port}/graphql` },
    });
if (!stopping) {
  console.log('\nsport-venue is running:');
  const demoLogin =
    env.NODE_ENV === 'development' && env.SEED !== '0'
      ? `log in as ${DEMO_OPERATOR.username} / ${DEMO_OPERATOR.password} or ${DEMO_ADMIN.username} / ${DEMO_ADMIN.password}`
      : 'operators';
  console.log(`  console     ${consoleServer!.url}  (${demoLogin})`);
  console.log(
    `  router      http://127.0.0.1:${services[4]!.port}/graphql  (HTTP + WebSocket; /health, /ready)`,
  );
  for (const s of services.slice(0, 4))
    console.log(`  ${s.name.padEnd(11)} http://127.0.0.1:${s.port}/graphql`);
  if (fakeWeChat)
    console.log(`  wechat-fake http://127.0.0.1:${fakeWeChat.port}  (log in with code test-<name>)`);
  console.log(`  model       grpc://127.0.0.1:${modelServer.port}  (retrain now: npm run train)`);
  if (miniprogram) console.log(`  miniprogram ${miniprogram.url}  (H5; log in with any name)`);
  console.log('Ctrl-C stops everything (infrastructure keeps running: npm run infra:down).');
}

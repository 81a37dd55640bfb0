// `npm start`: infra (if not running), migrations, then every subgraph and the router as child
// processes. Prints where each part listens; Ctrl-C stops them all.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';

const root = new URL('../', import.meta.url).pathname;
const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };

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

// The gRPC model server answers forecasts once an artifact exists (npm run seed && npm run train);
// until then forecast fields are null with PREDICTION_UNAVAILABLE and everything else works.
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
step('migrations', process.execPath, ['scripts/migrate.ts']);

const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping all services…');
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 5_000).unref();
  Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
  ).then(() => process.exit(code));
}

for (const service of [...helpers, ...services]) {
  const child = spawn(process.execPath, [service.entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${service.name}] `;
  child.stdout.on('data', (chunk: Buffer) =>
    process.stdout.write(prefix + chunk.toString().replace(/\n(?=.)/g, `\n${prefix}`)),
  );
  child.stderr.on('data', (chunk: Buffer) =>
    process.stderr.write(prefix + chunk.toString().replace(/\n(?=.)/g, `\n${prefix}`)),
  );
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${service.name} exited (${signal ?? code}); stopping everything`);
      stopAll(1);
    }
  });
  children.push(child);
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

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
      console.error(`${service.name} did not become ready at ${url} within 60 s`);
      stopAll(1);
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
if (!stopping) {
  console.log('\nsport-venue is running:');
  console.log(
    `  router      http://127.0.0.1:${services[4]!.port}/graphql  (HTTP + WebSocket; /health, /ready)`,
  );
  for (const s of services.slice(0, 4))
    console.log(`  ${s.name.padEnd(11)} http://127.0.0.1:${s.port}/graphql`);
  if (fakeWeChat)
    console.log(`  wechat-fake http://127.0.0.1:${fakeWeChat.port}  (log in with code test-<name>)`);
  console.log(
    `  model       grpc://127.0.0.1:${modelServer.port}  (forecasts after: npm run seed && npm run train)`,
  );
  console.log('Ctrl-C stops everything (infrastructure keeps running: npm run infra:down).');
}

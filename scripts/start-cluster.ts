// `npm run start:cluster`: the graph as it scales out (docs/decisions/0012), on one machine: a
// three-master Redis Cluster, Kafka topics with several partitions, and two replicas of the router
// and of every subgraph behind HAProxy (Debian package; WebSocket upgrades pass through). The
// routers reach the subgraphs through the balancer too, so losing one replica of anything costs
// capacity, not service. Ctrl-C stops the replicas and the balancer; infrastructure keeps running.
import { execFileSync, spawn } from 'node:child_process';
import { startTopology } from '../infra/topology.ts';

const root = new URL('../', import.meta.url).pathname;
const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };

function step(title: string, command: string, args: string[]) {
  console.log(`\n> ${title}`);
  execFileSync(command, args, { cwd: root, stdio: 'inherit', env });
}

step('infrastructure (MariaDB, Kafka, FerretDB)', 'bash', [
  'infra/infra.sh',
  'up',
  'mariadb',
  'kafka',
  'ferretdb',
]);
step('Redis Cluster (three masters)', 'bash', ['infra/redis-cluster.sh', 'up']);
step('migrations', process.execPath, ['scripts/migrate.ts']);
env.REDIS_URL ??= execFileSync('bash', ['infra/redis-cluster.sh', 'url'], { cwd: root, env })
  .toString()
  .trim();

// Development logs in through the local fake of the WeChat API, as `npm start` does. Every user
// replica must sign with the same keys: development keeps them in the state directory.
const helpers = [
  { entry: 'subgraphs/prediction/src/model-server/index.ts', port: env.MODEL_SERVER_PORT ?? '50051' },
];
if (env.NODE_ENV === 'development' && !env.WECHAT_API_BASE) {
  const port = env.WECHAT_FAKE_PORT ?? '4011';
  helpers.push({ entry: 'subgraphs/user/src/wechat-fake.ts', port });
  env.WECHAT_API_BASE = `http://127.0.0.1:${port}`;
}
const helperProcesses = helpers.map((h) =>
  spawn(process.execPath, [h.entry], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] }),
);

const topology = await startTopology({
  root,
  env,
  routerPort: Number(env.ROUTER_PORT ?? 4000),
  stateDir: env.SV_STATE_DIR ?? `${root}.state`,
  echo: (line) => process.stdout.write(line),
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the replicas and the balancer…');
  for (const h of helperProcesses) h.kill('SIGTERM');
  await topology.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

console.log('\nsport-venue (clustered) is running:');
console.log(`  router (balanced)  ${topology.routerUrl}/graphql  (HTTP + WebSocket)`);
for (const r of topology.replicas)
  console.log(`  ${`${r.part}-${r.index}`.padEnd(18)} http://127.0.0.1:${r.port}`);
console.log(`  HAProxy stats      http://127.0.0.1:${topology.frontends.stats}/`);
console.log(`  Redis Cluster      ${env.REDIS_URL}`);
console.log('Ctrl-C stops everything (infrastructure keeps running: npm run infra:down).');

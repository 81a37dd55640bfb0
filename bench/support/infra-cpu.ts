// CPU used by the infrastructure processes (MariaDB front and shards, Redis, Kafka) during a
// measurement, from the pid files infra/infra.sh keeps under $SV_STATE_DIR/run and /proc/<pid>/stat
// (Linux). A benchmark's servers are its own children; the infrastructure is shared with whatever
// else runs on this state dir, so these figures are only as clean as the machine is quiet.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** CPU seconds a process has used so far (user + system, clock ticks of USER_HZ = 100). */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** `{ mariadb: pid, shard0: pid, …, redis: pid, kafka: pid }` of the running infrastructure. */
export function infraPids(
  stateDir = process.env.SV_STATE_DIR ?? join(root, '.state'),
): Record<string, number> {
  const run = join(stateDir, 'run');
  const pids: Record<string, number> = {};
  let files: string[] = [];
  try {
    files = readdirSync(run);
  } catch {
    return pids;
  }
  for (const file of files.filter((f) => f.endsWith('.pid')).sort()) {
    const pid = Number(readFileSync(join(run, file), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && !Number.isNaN(cpuSeconds(pid))) pids[file.slice(0, -4)] = pid;
  }
  return pids;
}

/** Starts counting the infrastructure's CPU; `perRequest(n)` gives CPU ms per request since then. */
export function infraCpu(pids = infraPids()) {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  return {
    perRequest(requests: number): Record<string, number> {
      const out: Record<string, number> = {};
      for (const [name, pid] of Object.entries(pids))
        out[name] = Math.round(((cpuSeconds(pid) - before[name]!) * 1000 * 100) / requests) / 100;
      return out;
    },
  };
}

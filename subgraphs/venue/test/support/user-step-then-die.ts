// A process that runs the user step of a check-in and is killed (SIGKILL, no cleanup) before the
// venue step: what a crash between the two leaves behind. Input: JSON of the command in argv[2],
// REDIS_URL and the presence rules' JSON in the environment.
import { createRedis, redisReady } from '@sport-venue/shared';
import { PresenceStore, type CheckInCommand } from '../../src/presence/presence-store.ts';

const cmd = JSON.parse(process.argv[2]!) as CheckInCommand & { now: string; expiresAt: string };
const redis = createRedis(process.env.REDIS_URL!);
await redisReady(redis);
const store = new PresenceStore(redis, JSON.parse(process.env.PRESENCE_RULES!));
const outcome = await store.checkIn({ ...cmd, now: new Date(cmd.now), expiresAt: new Date(cmd.expiresAt) });
process.stdout.write(`${JSON.stringify(outcome)}\n`, () => process.kill(process.pid, 'SIGKILL'));

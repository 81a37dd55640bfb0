// `npm run social:rebuild-leaderboards`: rewrites every Redis board from MongoDB, the source of
// truth (after a Redis loss, or to repair drift). Each board is swapped in atomically.
import { connectMongo, createLogger, createRedis, loadConfig, type Logger } from '@sport-venue/shared';
import { challengeModel, createChallengeStore, type ChallengeStore } from './challenge-store.ts';
import { socialConfigSchema } from './config.ts';
import { createLeaderboardBoard, type LeaderboardBoard } from './leaderboard-board.ts';
import { createProgressStore, progressModel, type ProgressStore } from './progress-store.ts';
import { boardOf } from './standings.ts';

export async function rebuildLeaderboards(
  deps: { challenges: ChallengeStore; progress: ProgressStore; board: LeaderboardBoard },
  logger?: Logger,
): Promise<number> {
  let boards = 0;
  for await (const doc of deps.challenges.model.find({}, { _id: 1 }).lean().cursor()) {
    const c = await deps.challenges.find(String(doc._id));
    if (!c) continue;
    const entries =
      c.status === 'CANCELLED'
        ? []
        : boardOf(c.memberIds, await deps.progress.forChallenge(c.id), c.startsAt);
    await deps.board.replace(c.id, entries);
    boards++;
  }
  logger?.info({ boards }, 'leaderboards rebuilt');
  return boards;
}

if (import.meta.main) {
  const config = loadConfig(socialConfigSchema);
  const logger = createLogger('social-rebuild', config.LOG_LEVEL);
  const mongoose = await connectMongo(config.MONGO_URL);
  const redis = createRedis(config.REDIS_URL);
  try {
    await rebuildLeaderboards(
      {
        challenges: createChallengeStore(challengeModel(mongoose.connection)),
        progress: createProgressStore(progressModel(mongoose.connection)),
        board: createLeaderboardBoard(redis),
      },
      logger,
    );
  } finally {
    redis.disconnect();
    await mongoose.disconnect();
  }
}

// Settles challenges whose window has ended: exactly one replica wins the claim (an insert that a
// unique index arbitrates, see challenge-store.ts), freezes the standings computed from MongoDB,
// asks the points ledger for the rewards (`points.commands`, idempotency key per challenge and
// user) and marks the challenge SETTLED. If the settling replica dies or fails, its lease expires
// and another one takes over with the next attempt; the ledger's idempotency keys make the
// repeated commands no-ops.
import { randomUUID } from 'node:crypto';
import type { Logger, PointsCommand } from '@sport-venue/shared';
import type { Producer } from 'kafkajs';
import type { ChallengeRecord, ChallengeStore } from './challenge-store.ts';
import type { LeaderboardBoard } from './leaderboard-board.ts';
import type { LeaderboardPublisher } from './leaderboard-publisher.ts';
import type { ProgressStore } from './progress-store.ts';
import { rewardsFor } from './rewards.ts';
import { boardOf, standingsOf } from './standings.ts';
import { asContributions } from './team-goal.ts';

export interface SettlerDeps {
  challenges: ChallengeStore;
  progress: ProgressStore;
  board: LeaderboardBoard;
  publisher: LeaderboardPublisher;
  producer: Producer;
  pointsTopic: string;
  /** Identifies this replica in claims. */
  instance: string;
  /** Late check-in events (outbox relay, consumer lag) still count this long after the window ends. */
  graceMs: number;
  leaseMs: number;
  logger: Logger;
}

export function createSettler(deps: SettlerDeps) {
  async function settle(c: ChallengeRecord, attempt: number, now: Date): Promise<void> {
    const entries = boardOf(c.memberIds, await deps.progress.forChallenge(c.id), c.startsAt);
    const ranked = standingsOf(entries);
    const standings = c.type === 'TEAM_GOAL' ? asContributions(ranked) : ranked;
    const rewards = rewardsFor(c.id, c.type, standings, c.goal);
    if (rewards.length > 0) {
      const at = now.toISOString();
      await deps.producer.send({
        topic: deps.pointsTopic,
        messages: rewards.map((r) => {
          const command: PointsCommand = {
            v: 1,
            id: randomUUID(),
            userId: r.userId,
            kind: 'EARN',
            delta: r.points,
            reason: `PK challenge reward: ${c.title}`.slice(0, 191),
            idempotencyKey: r.idempotencyKey,
            at,
          };
          return { key: r.userId, value: JSON.stringify(command), headers: { 'event-id': command.id } };
        }),
      });
    }
    await deps.challenges.finishSettlement(c.id, standings, now);
    await deps.board.replace(c.id, entries);
    deps.publisher.notify(c.id);
    deps.logger.info({ challengeId: c.id, attempt, rewards: rewards.length }, 'challenge settled');
  }

  return {
    /** Settles every challenge that is due; returns the ids this replica settled. */
    async settleDue(now = new Date()): Promise<string[]> {
      const settled: string[] = [];
      const cutoff = new Date(now.getTime() - deps.graceMs);
      for (;;) {
        const claimed = await deps.challenges.claimForSettlement(cutoff, deps.instance, now, deps.leaseMs);
        if (!claimed) return settled;
        await settle(claimed.challenge, claimed.attempt, now);
        settled.push(claimed.challenge.id);
      }
    },
  };
}

export type Settler = ReturnType<typeof createSettler>;

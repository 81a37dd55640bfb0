// Sends quiet alerts. Every replica listens to the venues' occupancy channel (docs/events.md) and,
// when a venue's level drops to an alert's maxLevel inside its window, races to claim the alert;
// the single winner sends the WeChat subscription message. A periodic sweep expires alerts whose
// window ended. Pub/sub is fire-and-forget: an event missed while no replica listened is made up
// by the venue's next headcount change (docs/decisions/0015).
import {
  occupancyMessageV1,
  every,
  type Logger,
  type OccupancyLevelName,
  type OccupancyMessageV1,
  type PeriodicJob,
  type RedisClient,
} from '@sport-venue/shared';
import type { PrismaClient } from './generated/prisma/client.ts';
import {
  claimedAlertWithOpenid,
  claimQuietAlert,
  dueQuietAlerts,
  expireQuietAlerts,
  markQuietAlertFailed,
  markQuietAlertSent,
  releaseQuietAlert,
} from './quiet-alert-store.ts';
import { quietMessageData, quietMessagePage } from './quiet-alert-rules.ts';
import { WeChatApiError, WECHAT_BUSY } from './wechat-client.ts';
import type { WeChatMessenger } from './wechat-messages.ts';

/** errcodes after which a retry cannot succeed: the alert fails instead of waiting again. */
const FINAL_ERRCODES = new Set([40003, 40037, 43101, 47003, 41030]);

export interface QuietAlertDispatcherOptions {
  db: PrismaClient;
  messenger: WeChatMessenger;
  logger: Logger;
  /** How long a claim protects a send in progress before another replica may take it over. */
  leaseMs: number;
  now?: () => Date;
}

export function createQuietAlertDispatcher(opts: QuietAlertDispatcherOptions) {
  const { db, messenger, logger } = opts;
  const now = opts.now ?? (() => new Date());
  // Deliveries can overtake each other: per venue, only a newer seq than the last handled counts.
  const lastSeq = new Map<string, number>();
  // One evaluation per venue at a time; a change arriving meanwhile re-runs it once afterwards.
  const running = new Map<string, Promise<void>>();
  const again = new Map<string, OccupancyMessageV1>();

  async function sendOne(
    id: bigint,
    level: OccupancyLevelName,
  ): Promise<'sent' | 'failed' | 'released' | 'lost'> {
    const at = now();
    if (!(await claimQuietAlert(db, id, at, opts.leaseMs))) return 'lost';
    const alert = await claimedAlertWithOpenid(db, id);
    if (!alert?.user.openid) {
      await markQuietAlertFailed(db, id, 40003);
      return 'failed';
    }
    try {
      await messenger.sendSubscribeMessage({
        touser: alert.user.openid,
        templateId: alert.templateId,
        page: quietMessagePage(alert.venueId),
        data: quietMessageData(alert.venueName, level, at),
      });
    } catch (err) {
      const errcode = err instanceof WeChatApiError ? err.errcode : WECHAT_BUSY;
      if (FINAL_ERRCODES.has(errcode)) {
        await markQuietAlertFailed(db, id, errcode);
        logger.warn({ alertId: id.toString(), errcode }, 'quiet alert refused by WeChat');
        return 'failed';
      }
      await releaseQuietAlert(db, id, errcode);
      logger.warn({ alertId: id.toString(), errcode }, 'quiet alert not sent; retried at the next change');
      return 'released';
    }
    await markQuietAlertSent(db, id, level, at);
    logger.info({ alertId: id.toString(), venueId: alert.venueId, level }, 'quiet alert sent');
    return 'sent';
  }

  async function evaluate(message: OccupancyMessageV1): Promise<void> {
    const level = message.occupancyLevel;
    if (!level) return;
    const due = await dueQuietAlerts(db, message.venueId, level, now(), opts.leaseMs);
    for (const { id } of due) await sendOne(id, level);
  }

  /** Handles one occupancy message; resolves when its alerts (and a queued re-run) are done. */
  function handle(message: OccupancyMessageV1): Promise<void> {
    // seq is optional on reading (channels.ts); a message without one cannot be ordered, so it counts as new.
    if (message.seq !== undefined) {
      const seen = lastSeq.get(message.venueId);
      if (seen !== undefined && message.seq <= seen) return running.get(message.venueId) ?? Promise.resolve();
      lastSeq.set(message.venueId, message.seq);
    }
    const current = running.get(message.venueId);
    if (current) {
      again.set(message.venueId, message);
      return current;
    }
    const run = (async () => {
      let next: OccupancyMessageV1 | undefined = message;
      while (next) {
        again.delete(message.venueId);
        await evaluate(next).catch((err: unknown) =>
          logger.error({ err, venueId: message.venueId }, 'quiet alert evaluation failed'),
        );
        next = again.get(message.venueId);
      }
    })().finally(() => running.delete(message.venueId));
    running.set(message.venueId, run);
    return run;
  }

  return {
    handle,
    /** Sends (or retries) one alert as if its venue were at `level` now; for tests and tools. */
    sendOne,
    expire: () => expireQuietAlerts(db, now(), opts.leaseMs),
    /** Resolves when every evaluation in progress has finished. */
    async idle() {
      while (running.size) await Promise.all(running.values());
    },
  };
}

export type QuietAlertDispatcher = ReturnType<typeof createQuietAlertDispatcher>;

/**
 * Subscribes `subscriber` (a dedicated Redis connection: one in subscribe mode serves nothing else)
 * to every venue's occupancy channel and expires alerts every `sweepMs`.
 */
export async function runQuietAlerts(
  dispatcher: QuietAlertDispatcher,
  subscriber: RedisClient,
  /** channels.occupancy.pattern(PUBSUB_PREFIX): every venue's occupancy channel. */
  pattern: string,
  sweepMs: number,
  logger: Logger,
): Promise<{ sweep: PeriodicJob; stop(): Promise<void> }> {
  subscriber.on('pmessage', (_pattern: string, channel: string, raw: string) => {
    let message: OccupancyMessageV1;
    try {
      message = occupancyMessageV1.parse(JSON.parse(raw));
    } catch {
      logger.warn({ channel }, 'ignored a malformed occupancy message');
      return;
    }
    void dispatcher.handle(message);
  });
  await subscriber.psubscribe(pattern);
  const sweep = every('quiet-alert-expiry', sweepMs, () => dispatcher.expire(), logger);
  return {
    sweep,
    async stop() {
      await sweep.stop();
      await subscriber.punsubscribe().catch(() => undefined);
      await dispatcher.idle();
    },
  };
}

// Participants' progress, one document per (challenge, user) — the source of truth for scores.
// Updates are optimistic: read, apply the pure scoring rule, write back only if `version` is
// unchanged (FerretDB has no transactions; one document, one conditional update). The unique index
// makes the first write of a participant safe against a concurrent one.
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey, modelOf } from './mongo.ts';
import { emptyProgress, type Progress } from './scoring.ts';

interface ProgressDoc extends Progress {
  challengeId: string;
  userId: string;
  version: number;
}

const progressSchema = new Schema<ProgressDoc>(
  {
    challengeId: { type: String, required: true },
    userId: { type: String, required: true },
    score: { type: Number, default: 0 },
    achievedAt: { type: Date, default: null },
    days: { type: [String], default: [] },
    minutesByDay: { type: Schema.Types.Mixed, default: {} },
    eventIds: { type: [String], default: [] },
    version: { type: Number, default: 0 },
  },
  { collection: 'pk_progress', versionKey: false, minimize: false },
);
progressSchema.index({ challengeId: 1, userId: 1 }, { unique: true });

export type ProgressModel = Model<ProgressDoc>;

export const progressModel = (connection: Connection): ProgressModel =>
  modelOf(connection, 'PkProgress', progressSchema);

export interface ParticipantProgress extends Progress {
  userId: string;
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

export function createProgressStore(model: ProgressModel) {
  return {
    model,
    /**
     * Applies `change` to one participant's progress. Returns the new progress, or null when the
     * change did nothing (e.g. a duplicate event). Retries when another writer got there first.
     */
    async update(
      challengeId: string,
      userId: string,
      change: (progress: Progress) => Progress | null,
    ): Promise<Progress | null> {
      await model.init();
      for (let attempt = 0; attempt < 20; attempt++) {
        const doc = await model.findOne({ challengeId, userId }).lean();
        const current: Progress = doc
          ? {
              score: doc.score,
              achievedAt: doc.achievedAt ?? null,
              days: doc.days ?? [],
              minutesByDay: doc.minutesByDay ?? {},
              eventIds: doc.eventIds ?? [],
            }
          : emptyProgress();
        const next = change(current);
        if (!next) return null;
        const { score, achievedAt, days, minutesByDay, eventIds } = next;
        const fields = { score, achievedAt, days, minutesByDay, eventIds };
        if (!doc) {
          try {
            await model.create({ challengeId, userId, ...fields, version: 1 });
            return next;
          } catch (err) {
            if (!isDuplicateKey(err)) throw err;
            continue;
          }
        }
        const res = await model.updateOne(
          { challengeId, userId, version: doc.version },
          { $set: fields, $inc: { version: 1 } },
        );
        // FerretDB v1 can report an update that lost a race as applied: trust only what reads back.
        if (res.modifiedCount === 1) {
          const written = await model.findOne({ challengeId, userId }).lean();
          if (written && written.version === doc.version + 1 && sameIds(written.eventIds ?? [], eventIds))
            return next;
        }
      }
      throw new Error(`progress of ${userId} in ${challengeId}: too many concurrent updates`);
    },
    async forChallenge(challengeId: string): Promise<ParticipantProgress[]> {
      const docs = await model.find({ challengeId }).lean();
      return docs.map((d) => ({
        userId: d.userId,
        score: d.score,
        achievedAt: d.achievedAt ?? null,
        days: d.days ?? [],
        minutesByDay: d.minutesByDay ?? {},
        eventIds: d.eventIds ?? [],
      }));
    },
    async remove(challengeId: string, userId: string) {
      await model.deleteOne({ challengeId, userId });
    },
  };
}

export type ProgressStore = ReturnType<typeof createProgressStore>;

import { Schema, type Connection, type Model, isValidObjectId } from 'mongoose';

export interface ChallengeRecord {
  id: string;
  title: string;
  creatorId: string;
  venueId: string | null;
  createdAt: Date;
}

interface ChallengeDoc {
  title: string;
  creatorId: string;
  venueId?: string | null;
  createdAt: Date;
}

const challengeSchema = new Schema<ChallengeDoc>(
  {
    title: { type: String, required: true, maxlength: 40 },
    creatorId: { type: String, required: true, index: true },
    venueId: { type: String, default: null, index: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { collection: 'challenges', versionKey: false },
);

export type ChallengeModel = Model<ChallengeDoc>;

export function challengeModel(connection: Connection): ChallengeModel {
  return (
    (connection.models.Challenge as ChallengeModel | undefined) ??
    connection.model<ChallengeDoc>('Challenge', challengeSchema)
  );
}

function toRecord(doc: ChallengeDoc & { _id: unknown }): ChallengeRecord {
  return {
    id: String(doc._id),
    title: doc.title,
    creatorId: doc.creatorId,
    venueId: doc.venueId ?? null,
    createdAt: doc.createdAt,
  };
}

export async function findChallenge(model: ChallengeModel, id: string): Promise<ChallengeRecord | null> {
  if (!isValidObjectId(id)) return null;
  const doc = await model.findById(id).lean();
  return doc ? toRecord(doc) : null;
}

export async function challengesBy(model: ChallengeModel, filter: { creatorId?: string; venueId?: string }) {
  const docs = await model.find(filter).sort({ createdAt: -1 }).limit(100).lean();
  return docs.map(toRecord);
}

export async function createChallenge(model: ChallengeModel, input: Omit<ChallengeDoc, 'createdAt'>) {
  const doc = await model.create({ ...input, createdAt: new Date() });
  return toRecord(doc.toObject());
}

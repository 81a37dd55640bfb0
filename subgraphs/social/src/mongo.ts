// Small mongoose helpers the stores share.
import type { Connection, Model, Schema } from 'mongoose';

/** The connection's model `name`, compiled from `schema` on first use (mongoose refuses a second compile). */
export const modelOf = <T>(connection: Connection, name: string, schema: Schema<T>): Model<T> =>
  (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);

/** A write refused by a unique index (E11000): the insert that arbitrates a race lost it. */
export const isDuplicateKey = (err: unknown) => (err as { code?: number } | null)?.code === 11000;

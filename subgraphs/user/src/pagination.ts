import { badInput } from '@sport-venue/shared';

export const MAX_PAGE_SIZE = 100;

// Cursors are opaque to clients so the ordering key can change without breaking them.
export function encodeEntryCursor(id: bigint): string {
  return Buffer.from(`points:${id}`).toString('base64url');
}

export function decodeEntryCursor(cursor: string): bigint {
  const match = /^points:([1-9]\d{0,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badInput('invalid cursor', 'after');
  return BigInt(match[1]!);
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return size;
}

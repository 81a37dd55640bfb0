import { badInput } from './errors.ts';

export const MAX_PAGE_SIZE = 100;

/**
 * Opaque keyset cursors (`<kind>:<id>` in base64url) so the ordering key can change without
 * breaking clients; a cursor of another kind, or a forged one, is BAD_USER_INPUT.
 */
export function idCursor(kind: string) {
  const pattern = new RegExp(`^${kind}:([1-9]\\d{0,18})$`);
  return {
    encode: (id: bigint): string => Buffer.from(`${kind}:${id}`).toString('base64url'),
    decode(cursor: string): bigint {
      const match = pattern.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!match) throw badInput('invalid cursor', 'after');
      return BigInt(match[1]!);
    },
  };
}

export function pageSize(first: number | null | undefined, max = MAX_PAGE_SIZE): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw badInput(`first must be between 1 and ${max}`, 'first');
  }
  return size;
}

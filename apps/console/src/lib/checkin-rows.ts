import { formatLocal } from './time.ts';
import type { Cell } from './csv.ts';

export interface CheckInNode {
  id: string;
  user: { id: string; nickname?: string | null };
  source: string;
  counted: boolean;
  startedAt: string;
  endedAt?: string | null;
  minutes?: number | null;
  endReason?: string | null;
}

/**
 * One row of the check-in table and of its CSV export: the same cells, in the venue's zone (absent
 * values empty; the table shows them as empty-cell.ts says).
 */
export function checkInRow(node: CheckInNode, timeZone: string): Cell[] {
  return [
    formatLocal(node.startedAt, timeZone),
    formatLocal(node.endedAt, timeZone),
    node.user.nickname ?? '',
    node.user.id,
    node.source,
    node.minutes ?? '',
    node.counted ? 'Y' : 'N',
  ];
}

// How the console shows a value that is absent (a user without a profile, a stay still open, a rate
// with nothing to divide): one mark everywhere, so an empty cell never looks like a page that failed
// to load. Exports keep such cells empty: a spreadsheet reads an empty cell as no value.
import type { Cell } from './csv.ts';

export const EMPTY_CELL = '—';

/** A table cell as shown: empty text, null and undefined become EMPTY_CELL; anything else as it is. */
export function shownCell(value: Cell): Exclude<Cell, null | undefined> {
  return value === null || value === undefined || value === '' ? EMPTY_CELL : value;
}

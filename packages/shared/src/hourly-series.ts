/**
 * A compact wire form for an hourly series passed between subgraphs (Venue.forecastInputs, which
 * the prediction subgraph @requires): the values joined by commas, an empty item for "unknown".
 * "12.5,,3" is [12.5, null, 3]. One string instead of a list of hundreds of items: graphql-js
 * completes every list item on its own in the venue subgraph and again in the router, which
 * halved the router's throughput on venue lists with forecasts (decision 0011).
 */
export function encodeHourlySeries(values: ReadonlyArray<number | null>): string {
  return values.map((v) => (v === null ? '' : String(v))).join(',');
}

/** Inverse of encodeHourlySeries; throws a RangeError on an item that is not a finite number. */
export function decodeHourlySeries(text: string): Array<number | null> {
  if (text === '') return [];
  return text.split(',').map((item, i) => {
    if (item === '') return null;
    const value = Number(item);
    if (!Number.isFinite(value)) throw new RangeError(`hourly series item ${i} is not a number: "${item}"`);
    return value;
  });
}

/**
 * A history (values of the hours before a reference hour, oldest first) without its leading
 * unknown hours: readers place items by counting back from the end, so nothing moves, and a
 * venue without samples sends "". Decision 0029.
 */
export function encodeHistorySeries(values: ReadonlyArray<number | null>): string {
  const first = values.findIndex((v) => v !== null);
  return first < 0 ? '' : encodeHourlySeries(values.slice(first));
}

/** Counts per hour from a reference hour on, without the trailing hours that have none (0). */
export function encodeCountSeries(values: readonly number[]): string {
  let end = values.length;
  while (end > 0 && values[end - 1] === 0) end -= 1;
  return encodeHourlySeries(values.slice(0, end));
}

/**
 * A compact wire form for a venue's weekly opening hours passed between subgraphs
 * (`Venue.forecastInputs.openingSpans`, which the prediction subgraph @requires): one
 * `weekday:openMinute-closeMinute` item per open span, in the venue's local time (weekday 1 =
 * Monday; closeMinute may pass 1440 for a span running past midnight), joined by commas. "" = no
 * opening hours. One string instead of a list of days of lists of spans: every object in a
 * representation is completed by graphql-js in the venue subgraph and walked again by the router
 * (decision 0029).
 */
export interface OpeningSpanItem {
  weekday: number;
  openMinute: number;
  closeMinute: number;
}

export function encodeOpeningSpans(spans: readonly OpeningSpanItem[]): string {
  return spans.map((s) => `${s.weekday}:${s.openMinute}-${s.closeMinute}`).join(',');
}

const ITEM = /^([1-7]):(\d{1,4})-(\d{1,4})$/;

/** Inverse of encodeOpeningSpans; throws a RangeError on an item that is not a span. */
export function decodeOpeningSpans(text: string): OpeningSpanItem[] {
  if (text === '') return [];
  return text.split(',').map((item, i) => {
    const m = ITEM.exec(item);
    if (!m) throw new RangeError(`opening span ${i} is malformed: "${item}"`);
    return { weekday: Number(m[1]), openMinute: Number(m[2]), closeMinute: Number(m[3]) };
  });
}

// Keeps the search index in step with `venue.events`. A batch is written with one bulk request;
// while OpenSearch is unreachable the batch is retried (with backoff, heartbeating so the group
// keeps the partition) and no offset is committed, so the index catches up from the topic as
// soon as the server answers again. External versions make redelivery and reordering harmless.
import type { Client } from '@opensearch-project/opensearch';
import {
  Counter,
  createConsumerLoop,
  decodeEvent,
  venueEventV1,
  type Logger,
  type Registry,
  type VenueEvent,
} from '@sport-venue/shared';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { bulkIndex, ensureSearchIndex } from './search-index.ts';
import { venueDocument, type VenueDocument } from './search-documents.ts';

export interface SearchIndexerOptions {
  kafka: Kafka;
  client: Client;
  alias: string;
  topic: string;
  groupId: string;
  logger: Logger;
  metrics: Registry;
  sessionTimeoutMs?: number;
  /** Called for every indexed venue (the search side learns new time zones at once). */
  onIndexed?: (event: VenueEvent) => void;
}

const MAX_BACKOFF_MS = 5_000;

export function createSearchIndexer(opts: SearchIndexerOptions) {
  let indexReady = false;
  let outage = false;
  const events = new Counter({
    name: 'venue_search_index_events_total',
    help: 'venue.events applied to the search index, by outcome (indexed, stale, invalid)',
    labelNames: ['outcome'],
    registers: [opts.metrics],
  });

  async function write(docs: VenueDocument[]) {
    if (!indexReady) {
      await ensureSearchIndex(opts.client, opts.alias);
      indexReady = true;
    }
    return bulkIndex(opts.client, opts.alias, docs);
  }

  async function eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload) {
    const valid: VenueEvent[] = [];
    for (const message of batch.messages) {
      const parsed = decodeEvent(venueEventV1, message.value);
      if (parsed.success) valid.push(parsed.data);
      else {
        events.inc({ outcome: 'invalid' });
        opts.logger.warn({ topic: batch.topic, offset: message.offset }, 'skipping invalid venue event');
      }
    }
    // Within a batch only the newest version of each venue matters.
    const latest = new Map<string, VenueEvent>();
    for (const e of valid) {
      const seen = latest.get(e.venueId);
      if (!seen || seen.venue.version <= e.venue.version) latest.set(e.venueId, e);
    }
    const docs = [...latest.values()].map((e) => venueDocument(e.venueId, e.venue));
    let backoff = 0;
    for (;;) {
      if (!isRunning() || isStale()) return; // nothing resolved: the batch comes again
      try {
        const result = await write(docs);
        events.inc({ outcome: 'indexed' }, result.indexed);
        events.inc({ outcome: 'stale' }, result.stale);
        if (outage) opts.logger.info('search indexer: OpenSearch reachable again, catching up');
        outage = false;
        break;
      } catch (err) {
        if (!outage)
          opts.logger.warn({ err: (err as Error).message }, 'search indexer: indexing failed; retrying');
        outage = true;
        indexReady = false;
        backoff = Math.min(Math.max(200, backoff * 2), MAX_BACKOFF_MS);
        await new Promise((r) => setTimeout(r, backoff));
        await heartbeat();
      }
    }
    for (const e of latest.values()) opts.onIndexed?.(e);
    const last = batch.messages[batch.messages.length - 1];
    if (last) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  const loop = createConsumerLoop({
    kafka: opts.kafka,
    name: 'search indexer',
    groupId: opts.groupId,
    topics: [opts.topic],
    logger: opts.logger,
    sessionTimeoutMs: opts.sessionTimeoutMs,
    maxWaitTimeInMs: 200,
    run: { eachBatchAutoResolve: false, autoCommit: true, eachBatch },
  });

  return {
    groupId: opts.groupId,
    topics: [opts.topic] as const,
    /** Creates the topic if missing, subscribes and starts consuming (one attempt). */
    start: loop.start,
    /** Keeps starting while Kafka or the topic is unreachable (backoff 1 s doubling to 30 s). */
    startInBackground: loop.startInBackground,
    stop: loop.stop,
  };
}

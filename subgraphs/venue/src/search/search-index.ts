// The venue search index on OpenSearch: mapping, the alias every reader and writer uses, bulk
// writes ordered by venue version, and the rebuild that swaps the alias to a fresh index.
import { Client } from '@opensearch-project/opensearch';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { venueDocument, type VenueDocument } from './search-documents.ts';
import { venueSnapshot } from '../catalog/venue-events.ts';

export interface SearchClientOptions {
  url: string;
  /** Deadline of one request: a hung server must turn into SEARCH_UNAVAILABLE quickly. */
  timeoutMs: number;
}

export function createSearchClient({ url, timeoutMs }: SearchClientOptions): Client {
  // No client retries: the indexer retries whole batches itself, and a search either answers
  // within its deadline or reports SEARCH_UNAVAILABLE.
  return new Client({ node: url, requestTimeout: timeoutMs, maxRetries: 0 });
}

const textAnalysis = ['cjk_width', 'lowercase', 'asciifolding'];

/**
 * Chinese has no spaces: CJK bigrams index 静安体育中心 as 静安 安体 体育 育中 中心, so "体育中心"
 * (all its bigrams required) finds it and ranks well; a `.uni` sub-field with unigrams too serves
 * one-character queries. Latin text is lower-cased and folded (é → e) for fuzzy matching.
 */
export const INDEX_BODY = {
  settings: {
    number_of_shards: 1,
    number_of_replicas: 0,
    refresh_interval: '1s',
    analysis: {
      filter: { cjk_bigram_uni: { type: 'cjk_bigram', output_unigrams: true } },
      analyzer: {
        venue_text: { type: 'custom', tokenizer: 'standard', filter: [...textAnalysis, 'cjk_bigram'] },
        venue_text_uni: {
          type: 'custom',
          tokenizer: 'standard',
          filter: [...textAnalysis, 'cjk_bigram_uni'],
        },
      },
    },
  },
  mappings: {
    dynamic: 'strict',
    properties: {
      venueId: { type: 'keyword' },
      cityCode: { type: 'keyword' },
      cityName: { type: 'text', analyzer: 'venue_text' },
      name: {
        type: 'text',
        analyzer: 'venue_text',
        fields: { uni: { type: 'text', analyzer: 'venue_text_uni' } },
      },
      address: {
        type: 'text',
        analyzer: 'venue_text',
        fields: { uni: { type: 'text', analyzer: 'venue_text_uni' } },
      },
      sports: { type: 'keyword', fields: { text: { type: 'text', analyzer: 'venue_text' } } },
      location: { type: 'geo_point' },
      capacity: { type: 'integer' },
      timeZone: { type: 'keyword' },
      openWeek: { type: 'integer_range' },
      version: { type: 'long' },
    },
  },
} as const;

const newIndexName = (alias: string) => `${alias}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;

/** Indices the alias points at (none when it does not exist yet). */
export async function aliasTargets(client: Client, alias: string): Promise<string[]> {
  const res = await client.indices.getAlias({ name: alias }, { ignore: [404] });
  return res.statusCode === 404 ? [] : Object.keys(res.body as Record<string, unknown>);
}

/** Creates an empty index behind the alias unless the alias exists. Safe to call concurrently. */
export async function ensureSearchIndex(client: Client, alias: string): Promise<void> {
  if ((await aliasTargets(client, alias)).length > 0) return;
  const index = newIndexName(alias);
  await client.indices.create({ index, body: { ...INDEX_BODY, aliases: { [alias]: {} } } as never });
  // The alias answers as soon as the index exists, but searches fail ("all shards failed") until
  // its shard has started.
  await client.cluster.health({ index, wait_for_status: 'yellow', timeout: '30s' });
  // Two creators raced: keep the first index that got the alias, drop ours if it lost.
  const targets = await aliasTargets(client, alias);
  if (targets.length > 1) {
    const keep = targets.sort()[0]!;
    await client.indices.updateAliases({
      body: { actions: targets.filter((t) => t !== keep).map((t) => ({ remove: { index: t, alias } })) },
    });
    if (keep !== index) await client.indices.delete({ index }, { ignore: [404] });
  }
}

export interface BulkResult {
  indexed: number;
  /** Older than the document already indexed (a redelivered or overtaken event): skipped. */
  stale: number;
}

/**
 * Writes documents with external versions (the venue's updatedAt): an older version never
 * replaces a newer one, the same version rewrites (idempotent). Throws on any other item failure.
 */
export async function bulkIndex(client: Client, index: string, docs: VenueDocument[]): Promise<BulkResult> {
  if (docs.length === 0) return { indexed: 0, stale: 0 };
  const body = docs.flatMap((doc) => [
    { index: { _index: index, _id: doc.venueId, version: doc.version, version_type: 'external_gte' } },
    doc,
  ]);
  const res = await client.bulk({ body });
  const result = { indexed: 0, stale: 0 };
  const failures: string[] = [];
  for (const item of (
    res.body as { items: Array<{ index: { status: number; error?: { type: string; reason?: string } } }> }
  ).items) {
    const { status, error } = item.index;
    if (status < 300) result.indexed++;
    else if (status === 409) result.stale++;
    else failures.push(`${status} ${error?.type ?? ''} ${error?.reason ?? ''}`.trim());
  }
  if (failures.length > 0)
    throw new Error(`search index rejected ${failures.length} documents: ${failures[0]}`);
  return result;
}

async function* venueDocuments(db: PrismaClient, since?: Date) {
  let afterId = 0n;
  for (;;) {
    const rows = await db.venue.findMany({
      where: { id: { gt: afterId }, ...(since ? { updatedAt: { gte: since } } : {}) },
      orderBy: { id: 'asc' },
      take: 500,
      include: { city: true },
    });
    if (rows.length === 0) return;
    yield rows.map((row) => venueDocument(row.id.toString(), venueSnapshot(row)));
    afterId = rows[rows.length - 1]!.id;
  }
}

export interface RebuildResult {
  index: string;
  previous: string[];
  documents: number;
  caughtUp: number;
}

/**
 * A fresh index from the database, then one atomic alias swap: readers see the old index until
 * the new one is complete, never an empty or half-built one. Changes committed while the copy ran
 * went to the old index through the alias; re-reading the venues updated since the start (after
 * the swap) puts them in the new one, and external versions keep the newest of each.
 */
export async function rebuildSearchIndex(
  db: PrismaClient,
  client: Client,
  alias: string,
): Promise<RebuildResult> {
  // Margin for clock skew between this host and the writers (updatedAt is set by the writer).
  const started = new Date(Date.now() - 60_000);
  const index = newIndexName(alias);
  await client.indices.create({
    index,
    body: { ...INDEX_BODY, settings: { ...INDEX_BODY.settings, refresh_interval: '-1' } } as never,
  });
  await client.cluster.health({ index, wait_for_status: 'yellow', timeout: '30s' });
  let documents = 0;
  try {
    for await (const docs of venueDocuments(db)) documents += (await bulkIndex(client, index, docs)).indexed;
    await client.indices.putSettings({
      index,
      body: { index: { refresh_interval: INDEX_BODY.settings.refresh_interval } },
    });
    await client.indices.refresh({ index });
  } catch (err) {
    await client.indices.delete({ index }, { ignore: [404] });
    throw err;
  }
  const previous = await aliasTargets(client, alias);
  // An index named like the alias (created by a write before the alias existed) must go first.
  const named = await client.indices.exists({ index: alias });
  await client.indices.updateAliases({
    body: {
      actions: [
        ...(named.body && previous.length === 0 ? [{ remove_index: { index: alias } }] : []),
        ...previous.map((old) => ({ remove: { index: old, alias } })),
        { add: { index, alias } },
      ],
    },
  });
  let caughtUp = 0;
  for await (const docs of venueDocuments(db, started))
    caughtUp += (await bulkIndex(client, index, docs)).indexed;
  for (const old of previous) await client.indices.delete({ index: old }, { ignore: [404] });
  return { index, previous, documents, caughtUp };
}

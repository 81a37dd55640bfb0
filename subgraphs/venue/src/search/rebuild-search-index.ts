// `npm run search:rebuild`: builds a fresh venue search index from the database (the source of
// truth) and swaps the alias to it in one step, so searches never see a missing or half-built
// index. Use after a mapping change, a lost index, or to repair drift; the indexer keeps running.
import { createLogger, loadConfig } from '@sport-venue/shared';
import { venueConfigSchema } from '../config.ts';
import { createSearchClient, rebuildSearchIndex } from './search-index.ts';
import { createVenueDb } from '../catalog/venue-store.ts';

if (import.meta.main) {
  const config = loadConfig(venueConfigSchema);
  const logger = createLogger('venue-search-rebuild', config.LOG_LEVEL);
  const db = createVenueDb(config.VENUE_DATABASE_URL, 2);
  // Bulk requests of 500 venues may take longer than one search may.
  const client = createSearchClient({ url: config.OPENSEARCH_URL, timeoutMs: 60_000 });
  try {
    const result = await rebuildSearchIndex(db, client, config.SEARCH_INDEX);
    logger.info({ alias: config.SEARCH_INDEX, ...result }, 'venue search index rebuilt and swapped in');
  } catch (err) {
    logger.error({ err }, 'venue search index rebuild failed; the previous index stays in use');
    process.exitCode = 1;
  } finally {
    await client.close();
    await db.$disconnect();
  }
}

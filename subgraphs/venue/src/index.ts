import {
  createKafka,
  createLogger,
  createMetricsRegistry,
  registerConsumerLag,
  acquireProcessIds,
  createRedis,
  every,
  gracefulShutdown,
  loadConfig,
  startSubgraph,
  type PeriodicJob,
} from '@sport-venue/shared';
import { BookingService } from './bookings/booking-service.ts';
import { defaultPresenceRules, type PresenceRules } from './presence/check-in-rules.ts';
import { MINUTE_MS, systemClock, type Clock } from './clock.ts';
import { venueConfigSchema, type VenueConfig } from './config.ts';
import { createContext } from './context.ts';
import { ForecastInputsSource } from './forecasts/forecast-inputs.ts';
import { resyncGeoIndex } from './catalog/geo-index.ts';
import { OccupancyInsights } from './occupancy/occupancy-insights.ts';
import { OccupancyPublisher } from './occupancy/occupancy-publisher.ts';
import { sampleOccupancy } from './occupancy/occupancy-sampler.ts';
import { outboxPartitions } from './outbox/outbox.ts';
import { OutboxRelay } from './outbox/outbox-relay.ts';
import { PresenceService } from './presence/presence-service.ts';
import { PresenceStore } from './presence/presence-store.ts';
import { PresenceWriter } from './presence/presence-writer.ts';
import { createResolvers } from './resolvers.ts';
import { createSearchClient } from './search/search-index.ts';
import { createSearchIndexer } from './search/search-indexer.ts';
import { VenueSearch } from './search/search-service.ts';
import { VenueCatalog } from './catalog/venue-catalog.ts';
import { createVenueMetrics } from './venue-metrics.ts';
import { VenueService } from './catalog/venue-service.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { createVenueDb } from './catalog/venue-store.ts';

export interface VenueSubgraphOptions {
  /** Time source of every rule (tests pass a manual clock). */
  clock?: Clock;
  /**
   * Background work: outbox relay, auto check-out, journal sweeper, occupancy sampler, geo
   * resync. Tests turn it off and drive `jobs` / `relay` themselves.
   */
  background?: boolean;
  /** The Prisma client to use (tests pass one that reports its queries); default from config. */
  db?: PrismaClient;
}

const JOURNAL_SWEEP_MS = 5_000;
const INDEXER_TIMEOUT_MS = 30_000;
const GEO_RESYNC_MS = MINUTE_MS;

export function presenceRulesFrom(config: VenueConfig): PresenceRules {
  return {
    ...defaultPresenceRules,
    maxAccuracyM: config.CHECKIN_MAX_ACCURACY_M,
    maxStayMin: config.CHECKIN_MAX_STAY_MIN,
    rateLimit: config.CHECKIN_RATE_LIMIT,
    rateWindowMs: config.CHECKIN_RATE_WINDOW_S * 1000,
    maxSpeedKmh: config.CHECKIN_MAX_SPEED_KMH,
  };
}

export async function startVenueSubgraph(config: VenueConfig, options: VenueSubgraphOptions = {}) {
  const logger = createLogger('venue', config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const db = options.db ?? createVenueDb(config.VENUE_DATABASE_URL, config.VENUE_DB_POOL_SIZE);
  // Auto-pipelining: the commands of all requests issued in one event-loop turn leave in one
  // write (per node on a cluster) instead of one write each; replies and errors stay per command.
  const redis = createRedis(config.REDIS_URL, { enableAutoPipelining: true });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  // Row ids are made here (docs/decisions/0021): this process's id worker number, leased in Redis.
  const releaseIds = await acquireProcessIds(redis);
  const kafka = createKafka(config.KAFKA_BROKERS, 'venue', logger);
  const metrics = createMetricsRegistry();
  const venueMetrics = createVenueMetrics(metrics, db, redis);
  const searchClient = createSearchClient({
    url: config.OPENSEARCH_URL,
    timeoutMs: config.SEARCH_TIMEOUT_MS,
  });
  const search = new VenueSearch({
    client: searchClient,
    alias: config.SEARCH_INDEX,
    clock,
    logger,
    metrics,
  });
  // Writes get a longer deadline than searches: a bulk request to a busy server may take seconds,
  // and giving up early only repeats it.
  const indexClient = createSearchClient({ url: config.OPENSEARCH_URL, timeoutMs: INDEXER_TIMEOUT_MS });
  const indexer = createSearchIndexer({
    kafka,
    client: indexClient,
    alias: config.SEARCH_INDEX,
    topic: config.VENUE_EVENTS_TOPIC,
    groupId: config.SEARCH_INDEXER_GROUP,
    logger,
    metrics,
    onIndexed: (event) => search.noteTimeZone(event.venue.timeZone),
  });
  const indexing = options.background !== false && config.SEARCH_INDEXER_ENABLED;
  const lag = registerConsumerLag(metrics, kafka, () => (indexing ? [indexer] : []), logger);

  const catalog = new VenueCatalog(db);
  const insights = new OccupancyInsights(db, clock);
  const forecastInputs = new ForecastInputsSource(db, clock);
  const relay = new OutboxRelay({
    db,
    databaseUrl: config.VENUE_DATABASE_URL,
    kafka,
    logger,
    topics: [config.CHECKIN_EVENTS_TOPIC, config.BOOKING_EVENTS_TOPIC, config.VENUE_EVENTS_TOPIC],
    intervalMs: config.OUTBOX_RELAY_INTERVAL_MS,
    retentionHours: config.OUTBOX_RETENTION_HOURS,
  });
  const presenceRules = presenceRulesFrom(config);
  // Shards behind the front, learnt from the outbox's partitions: until then (or on a plain
  // MariaDB) presence writes group per venue bucket, which never spans two shards either.
  let shardCount: number | null = null;
  const learnShards = () =>
    outboxPartitions(db).then(
      (parts) => (shardCount = parts.length),
      (err) => logger.warn({ err }, 'outbox partitions unknown; grouping presence writes by venue bucket'),
    );
  void learnShards();
  const presenceWriter = new PresenceWriter({
    databaseUrl: config.VENUE_DATABASE_URL,
    topic: config.CHECKIN_EVENTS_TOPIC,
    shards: () => shardCount,
    onTransaction: (outcome, rows) => {
      venueMetrics.presenceWriteTransactions.inc({ outcome });
      if (outcome === 'committed') venueMetrics.presenceWriteRows.inc(rows);
    },
  });
  const presence = new PresenceService({
    store: new PresenceStore(redis, presenceRules),
    writer: presenceWriter,
    venues: catalog,
    publisher: new OccupancyPublisher(redis, config.PUBSUB_PREFIX, catalog, insights, logger),
    relay,
    clock,
    rules: presenceRules,
    logger,
  });
  const bookings = new BookingService({
    db,
    redis,
    venues: catalog,
    relay,
    clock,
    freeCancelHours: config.BOOKING_FREE_CANCEL_HOURS,
    txMaxWaitMs: config.BOOKING_TX_MAX_WAIT_MS,
    bookingTopic: config.BOOKING_EVENTS_TOPIC,
    logger,
  });
  const venues = new VenueService({
    db,
    redis,
    venues: catalog,
    insights,
    maxStayMin: config.CHECKIN_MAX_STAY_MIN,
    relay,
    venueTopic: config.VENUE_EVENTS_TOPIC,
    logger,
  });

  let geoSyncedAt: Date | null = null;
  const jobs = {
    autoCheckOut: async () => {
      const ended = await presence.autoCheckOutDue();
      venueMetrics.checkins.inc({ type: 'auto_out' }, ended);
      return ended;
    },
    saveJournal: (graceMs?: number) => {
      if (shardCount === null) void learnShards();
      return presence.saveJournal(graceMs);
    },
    sampleOccupancy: () => sampleOccupancy(db, redis, clock.now(), config.OCCUPANCY_SAMPLE_INTERVAL_MS),
    /** Incremental after the first run; venues' updatedAt is written with this host's clock. */
    resyncGeo: async () => {
      const started = new Date(Date.now() - 5_000);
      const n = await resyncGeoIndex(db, redis, geoSyncedAt);
      geoSyncedAt = started;
      return n;
    },
  };

  const running = await startSubgraph(
    {
      name: 'venue',
      schemaPath: new URL('../schema.graphql', import.meta.url),
      resolvers: createResolvers({
        db,
        redis,
        clock,
        venues,
        presence,
        bookings,
        insights,
        search,
        metrics: venueMetrics,
      }),
      context: (req) =>
        createContext(req, { db, redis, forecastInputs, insights }, config.INTERNAL_IDENTITY_SECRET),
      // Kafka is deliberately absent: check-ins keep working while it is down (the outbox waits).
      readiness: { mariadb: () => db.$queryRaw`SELECT 1`, redis: () => redis.ping() },
      logger,
      production: config.NODE_ENV === 'production',
      metrics,
    },
    config.VENUE_PORT,
    config.BIND_HOST,
  );

  const loops: PeriodicJob[] = [];
  // GraphQL works without Kafka: the indexer keeps trying to start while Kafka or its topic is
  // unreachable, and catches up from the topic once it runs.
  if (indexing) indexer.startInBackground();
  if (options.background !== false) {
    await jobs
      .resyncGeo()
      .catch((err) => logger.warn({ err }, 'initial geo index sync failed; retrying later'));
    relay.start();
    loops.push(
      every('auto-checkout', config.AUTO_CHECKOUT_INTERVAL_MS, jobs.autoCheckOut, logger),
      every('presence-journal', JOURNAL_SWEEP_MS, jobs.saveJournal, logger),
      every('occupancy-sampler', config.OCCUPANCY_SAMPLE_INTERVAL_MS, jobs.sampleOccupancy, logger),
      every('geo-resync', GEO_RESYNC_MS, jobs.resyncGeo, logger),
    );
  }

  return {
    ...running,
    config,
    db,
    redis,
    relay,
    presence,
    presenceWriter,
    bookings,
    jobs,
    search,
    searchClient,
    metrics,
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
      await running.stop();
      await indexer.stop();
      await lag.close();
      await searchClient.close();
      await indexClient.close();
      await relay.close();
      await presenceWriter.close();
      await db.$disconnect();
      await releaseIds();
      redis.disconnect();
    },
  };
}

export type VenueApp = Awaited<ReturnType<typeof startVenueSubgraph>>;

if (import.meta.main) {
  const config = loadConfig(venueConfigSchema);
  const app = await startVenueSubgraph(config);
  gracefulShutdown(createLogger('venue', config.LOG_LEVEL)).register('venue subgraph', () => app.stop());
}

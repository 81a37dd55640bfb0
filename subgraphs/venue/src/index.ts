import {
  createKafka,
  createLogger,
  createRedis,
  every,
  gracefulShutdown,
  loadConfig,
  startSubgraph,
  type PeriodicJob,
} from '@sport-venue/shared';
import { BookingService } from './booking-service.ts';
import { defaultPresenceRules, type PresenceRules } from './check-in-rules.ts';
import { MINUTE_MS, systemClock, type Clock } from './clock.ts';
import { venueConfigSchema, type VenueConfig } from './config.ts';
import { createContext } from './context.ts';
import { ForecastInputsSource } from './forecast-inputs.ts';
import { resyncGeoIndex } from './geo-index.ts';
import { OccupancyInsights } from './occupancy-insights.ts';
import { OccupancyPublisher } from './occupancy-publisher.ts';
import { sampleOccupancy } from './occupancy-sampler.ts';
import { OutboxRelay } from './outbox-relay.ts';
import { PresenceService } from './presence-service.ts';
import { PresenceStore } from './presence-store.ts';
import { createResolvers } from './resolvers.ts';
import { VenueCatalog } from './venue-catalog.ts';
import { VenueService } from './venue-service.ts';
import { createVenueDb } from './venue-store.ts';

export interface VenueSubgraphOptions {
  /** Time source of every rule (tests pass a manual clock). */
  clock?: Clock;
  /**
   * Background work: outbox relay, auto check-out, journal sweeper, occupancy sampler, geo
   * resync. Tests turn it off and drive `jobs` / `relay` themselves.
   */
  background?: boolean;
}

const JOURNAL_SWEEP_MS = 5_000;
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
  const db = createVenueDb(config.VENUE_DATABASE_URL, config.VENUE_DB_POOL_SIZE);
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const kafka = createKafka(config.KAFKA_BROKERS, 'venue', logger);

  const catalog = new VenueCatalog(db);
  const insights = new OccupancyInsights(db, clock);
  const forecastInputs = new ForecastInputsSource(db, clock);
  const relay = new OutboxRelay({
    db,
    kafka,
    logger,
    topics: [config.CHECKIN_EVENTS_TOPIC, config.BOOKING_EVENTS_TOPIC],
    intervalMs: config.OUTBOX_RELAY_INTERVAL_MS,
    retentionHours: config.OUTBOX_RETENTION_HOURS,
  });
  const presenceRules = presenceRulesFrom(config);
  const presence = new PresenceService({
    db,
    store: new PresenceStore(redis, presenceRules),
    venues: catalog,
    publisher: new OccupancyPublisher(redis, config.PUBSUB_PREFIX, catalog, insights, logger),
    relay,
    clock,
    rules: presenceRules,
    checkinTopic: config.CHECKIN_EVENTS_TOPIC,
    logger,
  });
  const bookings = new BookingService({
    db,
    redis,
    venues: catalog,
    relay,
    clock,
    freeCancelHours: config.BOOKING_FREE_CANCEL_HOURS,
    bookingTopic: config.BOOKING_EVENTS_TOPIC,
    logger,
  });
  const venues = new VenueService({
    db,
    redis,
    venues: catalog,
    insights,
    maxStayMin: config.CHECKIN_MAX_STAY_MIN,
    logger,
  });

  let geoSyncedAt: Date | null = null;
  const jobs = {
    autoCheckOut: () => presence.autoCheckOutDue(),
    saveJournal: (graceMs?: number) => presence.saveJournal(graceMs),
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
      resolvers: createResolvers({ db, redis, clock, venues, presence, bookings, insights }),
      context: (req) =>
        createContext(req, { db, redis, forecastInputs, insights }, config.INTERNAL_IDENTITY_SECRET),
      // Kafka is deliberately absent: check-ins keep working while it is down (the outbox waits).
      readiness: { mariadb: () => db.$queryRaw`SELECT 1`, redis: () => redis.ping() },
      logger,
      production: config.NODE_ENV === 'production',
    },
    config.VENUE_PORT,
    config.BIND_HOST,
  );

  const loops: PeriodicJob[] = [];
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
    bookings,
    jobs,
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
      await running.stop();
      await relay.stop();
      await db.$disconnect();
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

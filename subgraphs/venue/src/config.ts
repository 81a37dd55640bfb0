import { baseConfig, port, url } from '@sport-venue/shared';

export const venueConfigSchema = baseConfig.extend({
  VENUE_PORT: port(4002),
  VENUE_DATABASE_URL: url('mysql://sportvenue:sportvenue@127.0.0.1:3306/sv_venue', ['mysql', 'mariadb']),
  REDIS_URL: url('redis://127.0.0.1:6379', ['redis', 'rediss']),
});

export type VenueConfig = ReturnType<typeof venueConfigSchema.parse>;

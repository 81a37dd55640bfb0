import { baseConfig, port, url } from '@sport-venue/shared';

export const socialConfigSchema = baseConfig.extend({
  SOCIAL_PORT: port(4003),
  MONGO_URL: url('mongodb://127.0.0.1:27017/sv_social', ['mongodb']),
});

export type SocialConfig = ReturnType<typeof socialConfigSchema.parse>;

import { baseConfig, port, url } from '@sport-venue/shared';

export const userConfigSchema = baseConfig.extend({
  USER_PORT: port(4001),
  USER_DATABASE_URL: url('mysql://sportvenue:sportvenue@127.0.0.1:3306/sv_user', ['mysql', 'mariadb']),
});

export type UserConfig = ReturnType<typeof userConfigSchema.parse>;

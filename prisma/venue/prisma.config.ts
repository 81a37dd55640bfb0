import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: './schema.prisma',
  datasource: {
    url: process.env.VENUE_DATABASE_URL ?? 'mysql://sportvenue:sportvenue@127.0.0.1:3306/sv_venue',
  },
});

import type { CodegenConfig } from '@graphql-codegen/cli';

const subgraphs = ['user', 'venue', 'social', 'prediction'] as const;

// Resolver types come from each subgraph's own schema; federation mode adds __resolveReference.
const config: CodegenConfig = {
  overwrite: true,
  silent: true,
  generates: Object.fromEntries(
    subgraphs.map((name) => [
      `subgraphs/${name}/src/generated/graphql.ts`,
      {
        schema: `subgraphs/${name}/schema.graphql`,
        plugins: ['typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          useIndexSignature: false,
          useTypeImports: true,
          enumsAsTypes: true,
          contextType: `../context.ts#Context`,
          mappers: mappersFor(name),
          scalars: { ID: 'string' },
          avoidOptionals: false,
        },
      },
    ]),
  ),
};

function mappersFor(name: (typeof subgraphs)[number]): Record<string, string> {
  switch (name) {
    case 'user':
      return { User: '../user-store.ts#UserRow', QuietAlert: '../quiet-alert-store.ts#QuietAlertRow' };
    case 'venue':
      return {
        Venue: '../catalog/venue-store.ts#VenueRow',
        City: '../catalog/venue-store.ts#CityRow',
        VenueCheckIn: '../operator-views.ts#CheckInRecord',
      };
    case 'social':
      return {
        Challenge: '../challenge-store.ts#ChallengeRecord',
        PkLeaderboard: '../leaderboard-board.ts#ChallengeBoard',
        PkLeaderboardEntry: '../ranking.ts#RankedEntry',
        User: '@sport-venue/shared#EntityRef',
        Venue: '@sport-venue/shared#EntityRef',
      };
    case 'prediction':
      return { Venue: '@sport-venue/shared#EntityRef' };
  }
}

export default config;

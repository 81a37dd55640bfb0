/**
 * Redis keys from the seed design. They are a contract between subgraphs and with operations
 * tooling: build them here, never by hand.
 */
export const redisKeys = {
  venueCurrent: (venueId: string | bigint) => `venue:${venueId}:current`,
  venuePredicted: (venueId: string | bigint) => `venue:${venueId}:predicted`,
  venueHeatRank: () => 'venue:heat:rank',
  pkRank: (challengeId: string) => `pk:rank:${challengeId}`,
  userStats: (userId: string | bigint) => `user:${userId}:stats`,
} as const;

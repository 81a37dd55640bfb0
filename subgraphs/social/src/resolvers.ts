// Thin GraphQL layer: arguments in, use case called, records mapped to schema shapes.
import { domainError } from '@sport-venue/shared';
import { displayStatus } from './challenge-rules.ts';
import type { ChallengeService } from './challenges.ts';
import type { Resolvers } from './generated/graphql.ts';

function subscriptionViaRouter(): never {
  throw domainError(
    'SUBSCRIPTION_NOT_SUPPORTED',
    'subscribe to pkLeaderboardChanged through the router (graphql-ws); the social subgraph only publishes the updates',
  );
}

export function createResolvers(service: ChallengeService, clock: () => Date = () => new Date()): Resolvers {
  return {
    Query: {
      challenge: async (_root, { id }, ctx) => service.readable(await ctx.challenges.load(id), ctx.viewer),
      myChallenges: (_root, _args, ctx) => service.mine(ctx.viewer),
      publicChallenges: (_root, { cityCode }) => service.publicIn(cityCode),
    },
    Mutation: {
      createChallenge: (_root, { input }, ctx) => service.create(ctx.viewer, input),
      joinChallenge: (_root, { inviteCode }, ctx) => service.join(ctx.viewer, inviteCode),
      leaveChallenge: (_root, { id }, ctx) => service.leave(ctx.viewer, id),
      cancelChallenge: (_root, { id }, ctx) => service.cancel(ctx.viewer, id),
    },
    Subscription: {
      pkLeaderboardChanged: { subscribe: subscriptionViaRouter, resolve: subscriptionViaRouter },
    },
    Challenge: {
      __resolveReference: async (ref, ctx) => service.readable(await ctx.challenges.load(ref.id), ctx.viewer),
      status: (c) => displayStatus(c, clock()),
      creator: (c) => ({ id: c.creatorId }),
      venue: (c) => (c.venueId ? { id: c.venueId } : null),
      startsAt: (c) => c.startsAt.toISOString(),
      endsAt: (c) => c.endsAt.toISOString(),
      participantCount: (c) => c.memberIds.length,
      participants: (c) => c.memberIds.map((id) => ({ id })),
      leaderboard: (c, { first }, ctx) => ctx.leaderboards.load({ challenge: c, first: first ?? 10 }),
      teamProgress: (c, _args, ctx) => ctx.teamProgress.load(c),
      createdAt: (c) => c.createdAt.toISOString(),
      settledAt: (c) => c.settledAt?.toISOString() ?? null,
    },
    PkLeaderboard: {
      teamProgress: (board, _args, ctx) => ctx.teamProgress.load(board.challenge),
      // The challenge record is read per request (per event for subscribers): as fresh as the board.
      participantCount: (board) => board.challenge.memberIds.length,
    },
    PkLeaderboardEntry: {
      user: (e) => ({ id: e.userId }),
    },
    User: {
      __resolveReference: (ref) => ({ id: ref.id }),
      challenges: (user, _args, ctx) => ctx.userChallenges.load(user.id),
    },
    Venue: {
      __resolveReference: (ref) => ({ id: ref.id }),
      challenges: (venue, _args, ctx) => ctx.venueChallenges.load(venue.id),
    },
  };
}

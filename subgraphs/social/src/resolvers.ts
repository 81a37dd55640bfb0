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
      challenge: (_root, { id }, ctx) => service.lookup(id, ctx.viewer),
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
      __resolveReference: (ref, ctx) => service.lookup(ref.id, ctx.viewer),
      status: (c) => displayStatus(c, clock()),
      creator: (c) => ({ id: c.creatorId }),
      venue: (c) => (c.venueId ? { id: c.venueId } : null),
      startsAt: (c) => c.startsAt.toISOString(),
      endsAt: (c) => c.endsAt.toISOString(),
      participantCount: (c) => c.memberIds.length,
      participants: (c) => c.memberIds.map((id) => ({ id })),
      leaderboard: (c, { first }, ctx) => service.leaderboard(c, first ?? 10, ctx.viewer),
      teamProgress: (c) => service.teamProgress(c),
      createdAt: (c) => c.createdAt.toISOString(),
      settledAt: (c) => c.settledAt?.toISOString() ?? null,
    },
    PkLeaderboard: {
      teamProgress: (board) => (board.challenge ? service.teamProgress(board.challenge) : null),
    },
    PkLeaderboardEntry: {
      user: (e) => ({ id: e.userId }),
    },
    User: {
      __resolveReference: (ref) => ({ id: ref.id }),
      challenges: (user) => service.of(user.id),
    },
    Venue: {
      __resolveReference: (ref) => ({ id: ref.id }),
      challenges: (venue) => service.atVenue(venue.id),
    },
  };
}

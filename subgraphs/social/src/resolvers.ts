import type { Resolvers } from './generated/graphql.ts';
import { challengesBy, findChallenge, type ChallengeModel } from './challenge-store.ts';

export function createResolvers(challenges: ChallengeModel): Resolvers {
  return {
    Query: {
      challenge: (_root, { id }) => findChallenge(challenges, id),
    },
    Challenge: {
      __resolveReference: (ref) => findChallenge(challenges, ref.id),
      creator: (challenge) => ({ id: challenge.creatorId }),
      venue: (challenge) => (challenge.venueId ? { id: challenge.venueId } : null),
      createdAt: (challenge) => challenge.createdAt.toISOString(),
    },
    User: {
      __resolveReference: (ref) => ({ id: ref.id }),
      challenges: (user) => challengesBy(challenges, { creatorId: user.id }),
    },
    Venue: {
      __resolveReference: (ref) => ({ id: ref.id }),
      challenges: (venue) => challengesBy(challenges, { venueId: venue.id }),
    },
  };
}

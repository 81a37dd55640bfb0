import type { Resolvers } from './generated/graphql.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { findUser } from './user-store.ts';

export function createResolvers(db: PrismaClient): Resolvers {
  return {
    Query: {
      user: (_root, { id }) => findUser(db, id),
    },
    User: {
      __resolveReference: (ref) => ('openid' in ref ? ref : findUser(db, ref.id)),
      id: (user) => user.id.toString(),
    },
  };
}

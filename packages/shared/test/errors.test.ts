import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphQLError } from 'graphql';
import { badInput, domainError, isUniqueViolation, maskUnexpectedErrors } from '../src/errors.ts';

describe('error masking', () => {
  const seen: unknown[] = [];
  const format = maskUnexpectedErrors((err) => seen.push(err));

  it('passes domain errors through with their code and without a stack trace', () => {
    const error = domainError('OUTSIDE_GEOFENCE', 'too far', { distanceM: 350 });
    const out = format(
      { message: error.message, extensions: { ...error.extensions, stacktrace: ['at x'] } },
      error,
    );
    assert.deepEqual(out, { message: 'too far', extensions: { code: 'OUTSIDE_GEOFENCE', distanceM: 350 } });
  });

  it('replaces an unexpected exception with a generic internal error and reports it', () => {
    const boom = new Error('connect ECONNREFUSED 10.0.0.1:3306 password=secret');
    const wrapped = new GraphQLError(boom.message, { originalError: boom });
    const out = format({ message: boom.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, wrapped);
    assert.deepEqual(out, {
      message: 'internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    assert.equal(seen.at(-1), boom);
  });

  it('answers a database that gave no connection in time with SERVICE_BUSY, and reports it', () => {
    const timeout = new Error(
      '(conn:-1, no: 45028, SQLState: HY000) pool timeout: failed to retrieve a connection from pool after 5001ms',
    );
    const wrapped = new GraphQLError(timeout.message, { originalError: timeout });
    const out = format({ message: timeout.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, wrapped);
    assert.deepEqual(out, {
      message: 'the service is busy; try again shortly',
      extensions: { code: 'SERVICE_BUSY', retryAfterSeconds: 1 },
    });
    assert.equal(seen.at(-1), timeout);
  });

  it('answers a shard that is down with SERVICE_UNAVAILABLE, naming no shard', () => {
    const down = new Error(
      'Database error. Code: `1429`. Message: `Unable to connect to foreign data source: shard1`',
    );
    const out = format(
      { message: down.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      new GraphQLError(down.message, { originalError: down }),
    );
    assert.deepEqual(out, {
      message: 'a data shard is unavailable; try again shortly',
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 },
    });
  });

  it('keeps validation errors raised by GraphQL itself', () => {
    const error = badInput('first must be between 1 and 100', 'first');
    const out = format({ message: error.message, extensions: error.extensions }, error);
    assert.equal(out.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(out.extensions?.field, 'first');
  });
});

describe('isUniqueViolation', () => {
  it('recognises Prisma P2002 by its code, whatever client threw it', () => {
    assert.equal(
      isUniqueViolation(Object.assign(new Error('Unique constraint failed'), { code: 'P2002' })),
      true,
    );
    assert.equal(isUniqueViolation({ code: 'P2002' }), true);
  });

  it('rejects other errors and non-objects', () => {
    assert.equal(isUniqueViolation(Object.assign(new Error('Record not found'), { code: 'P2025' })), false);
    assert.equal(isUniqueViolation(new Error('P2002')), false);
    assert.equal(isUniqueViolation('P2002'), false);
    assert.equal(isUniqueViolation(null), false);
    assert.equal(isUniqueViolation(undefined), false);
  });
});

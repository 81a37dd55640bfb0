import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigError } from '../src/config.ts';
import { baseConfig, brokerList, parseConfig, port, url } from '../src/config.ts';

const schema = baseConfig.extend({
  PORT: port(4000),
  DATABASE_URL: url(undefined, ['mysql']),
  KAFKA_BROKERS: brokerList('127.0.0.1:9092'),
});

describe('configuration', () => {
  it('applies defaults for settings that have one', () => {
    const config = parseConfig(schema, { DATABASE_URL: 'mysql://u:p@h:3306/db' });
    assert.equal(config.PORT, 4000);
    assert.equal(config.NODE_ENV, 'development');
    assert.deepEqual(config.KAFKA_BROKERS, ['127.0.0.1:9092']);
  });

  it('names a required setting that is missing', () => {
    assert.throws(
      () => parseConfig(schema, {}),
      (err: ConfigError) => {
        assert.equal(err.variable, 'DATABASE_URL');
        assert.match(err.message, /^invalid configuration: DATABASE_URL: is required$/);
        return true;
      },
    );
  });

  it('names a setting with a malformed value', () => {
    assert.throws(() => parseConfig(schema, { DATABASE_URL: 'mysql://x/db', PORT: 'eighty' }), /PORT/);
    assert.throws(
      () => parseConfig(schema, { DATABASE_URL: 'postgres://x/db' }),
      /DATABASE_URL: must be a URL \(mysql\)/,
    );
    assert.throws(
      () => parseConfig(schema, { DATABASE_URL: 'mysql://x/db', KAFKA_BROKERS: 'no-port' }),
      /KAFKA_BROKERS: must be a comma-separated list of host:port/,
    );
  });

  it('rejects an unknown NODE_ENV', () => {
    assert.throws(
      () => parseConfig(schema, { DATABASE_URL: 'mysql://x/db', NODE_ENV: 'staging' }),
      /NODE_ENV/,
    );
  });
});

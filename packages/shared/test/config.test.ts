import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigError } from '../src/config.ts';
import {
  baseConfig,
  booleanFlag,
  brokerList,
  intSetting,
  parseConfig,
  port,
  topicName,
  url,
  z,
} from '../src/config.ts';

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

  it('parses topic names, switches and bounded integers, naming the setting on a bad value', () => {
    const settings = z.object({
      TOPIC: topicName('checkin.events'),
      ENABLED: booleanFlag(true),
      INTERVAL_MS: intSetting(1_000, 10, 60_000),
      GRACE_MS: intSetting(0, 0),
    });
    assert.deepEqual(parseConfig(settings, {}), {
      TOPIC: 'checkin.events',
      ENABLED: true,
      INTERVAL_MS: 1_000,
      GRACE_MS: 0,
    });
    assert.deepEqual(
      parseConfig(settings, {
        TOPIC: 'a_b.c-1',
        ENABLED: '0',
        INTERVAL_MS: '60000',
        GRACE_MS: '99999999999',
      }),
      { TOPIC: 'a_b.c-1', ENABLED: false, INTERVAL_MS: 60_000, GRACE_MS: 99_999_999_999 },
    );
    assert.equal(parseConfig(settings, { ENABLED: '1' }).ENABLED, true);
    assert.equal(parseConfig(z.object({ OFF: booleanFlag(false) }), {}).OFF, false);
    assert.throws(
      () => parseConfig(settings, { TOPIC: 'bad topic' }),
      /^ConfigError: invalid configuration: TOPIC: must be a Kafka topic name \(\[A-Za-z0-9._-\]\)$/,
    );
    assert.throws(
      () => parseConfig(settings, { TOPIC: 'x'.repeat(250) }),
      /TOPIC: must be a Kafka topic name/,
    );
    assert.throws(() => parseConfig(settings, { ENABLED: 'yes' }), /invalid configuration: ENABLED: /);
    assert.throws(() => parseConfig(settings, { INTERVAL_MS: '9' }), /invalid configuration: INTERVAL_MS: /);
    assert.throws(
      () => parseConfig(settings, { INTERVAL_MS: '60001' }),
      /invalid configuration: INTERVAL_MS: /,
    );
    assert.throws(
      () => parseConfig(settings, { INTERVAL_MS: '1.5' }),
      /invalid configuration: INTERVAL_MS: /,
    );
    assert.throws(() => parseConfig(settings, { GRACE_MS: '-1' }), /invalid configuration: GRACE_MS: /);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '@sport-venue/shared';
import { userConfigSchema } from '../../src/config.ts';
import { generateSigningKey, serializeSigningKeys } from '../../src/signing-keys.ts';

const variableOf = (env: Record<string, string>) => {
  try {
    parseConfig(userConfigSchema, env);
  } catch (err) {
    return (err as { variable: string }).variable;
  }
  return null;
};

const production = {
  NODE_ENV: 'production',
  INTERNAL_IDENTITY_SECRET: 'p'.repeat(40),
  WECHAT_APPID: 'wx1234567890',
  WECHAT_SECRET: 'real-secret',
  WECHAT_QUIET_TEMPLATE_ID: 'tmpl-quiet-123',
  SESSION_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  JWT_SIGNING_KEYS: serializeSigningKeys([generateSigningKey()]),
};

describe('user subgraph configuration', () => {
  it('runs on documented defaults outside production', () => {
    const config = parseConfig(userConfigSchema, {});
    assert.equal(config.POINTS_PER_CHECKIN, 10);
    assert.equal(config.POINTS_DAILY_CHECKIN_CAP, 3);
    assert.deepEqual(
      config.POINTS_STREAK_BONUSES.map((b) => b.days),
      [3, 7, 30],
    );
    assert.equal(config.CHECKIN_EVENTS_TOPIC, 'checkin.events');
    assert.equal(config.ACCESS_TOKEN_TTL_SECONDS, 900);
    assert.equal(config.JWT_SIGNING_KEYS, undefined);
  });

  it('accepts a complete production environment', () => {
    assert.equal(variableOf(production), null);
  });

  it('refuses to start in production while any secret is missing or a development default', () => {
    for (const variable of [
      'INTERNAL_IDENTITY_SECRET',
      'WECHAT_APPID',
      'WECHAT_SECRET',
      'SESSION_KEY_ENCRYPTION_KEY',
      'JWT_SIGNING_KEYS',
      'WECHAT_QUIET_TEMPLATE_ID',
    ]) {
      const env: Record<string, string> = { ...production };
      delete env[variable];
      assert.equal(variableOf(env), variable);
    }
    assert.equal(variableOf({ ...production, WECHAT_API_BASE: 'http://127.0.0.1:4011' }), 'WECHAT_API_BASE');
  });

  it('names the variable of a malformed setting', () => {
    assert.equal(variableOf({ POINTS_STREAK_BONUSES: '3:20,x' }), 'POINTS_STREAK_BONUSES');
    assert.equal(variableOf({ JWT_SIGNING_KEYS: '[{"kty":"RSA"}]' }), 'JWT_SIGNING_KEYS');
    assert.equal(variableOf({ SESSION_KEY_ENCRYPTION_KEY: 'c2hvcnQ=' }), 'SESSION_KEY_ENCRYPTION_KEY');
    assert.equal(variableOf({ CHECKIN_EVENTS_TOPIC: 'bad topic!' }), 'CHECKIN_EVENTS_TOPIC');
    assert.equal(variableOf({ KAFKA_BROKERS: 'nohost' }), 'KAFKA_BROKERS');
    assert.equal(variableOf({ POINTS_CONSUMER_ENABLED: 'yes' }), 'POINTS_CONSUMER_ENABLED');
    assert.equal(variableOf({ PUBSUB_PREFIX: 'a b*' }), 'PUBSUB_PREFIX');
    assert.equal(variableOf({ WECHAT_MINIPROGRAM_STATE: 'beta' }), 'WECHAT_MINIPROGRAM_STATE');
  });
});

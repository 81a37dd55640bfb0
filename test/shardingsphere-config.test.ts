// The ShardingSphere-Proxy configuration generated from the shard layout routes every key to the
// shard the layout names. The rules are read back from the generated YAML and evaluated the way
// ShardingSphere 5.1.0 documents its algorithms (BOUNDARY_RANGE: partition i holds
// [boundary[i-1], boundary[i]) of the value parsed as a long; MOD: value mod sharding-count; the
// target is the data source whose name ends with that number), then compared with the layout's
// own functions — the ones the Spider partitions and the bench's direct per-shard check use.
// The bench (npm run bench -- shards) checks the same placement through a real proxy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { serverYaml, shardingYaml } from '../infra/shardingsphere/config.ts';
import { ssConfig } from '../bench/support/shard-engines.ts';
import {
  BUCKETS,
  layoutOf,
  loginHash,
  newId,
  newUserId,
  shardOfCity,
  shardOfLogin,
  shardOfUser,
  shardOfVenueKey,
  TABLES,
} from '../bench/support/shard-layout.ts';

const layout = layoutOf(4);
const ports = [25001, 25002, 25003, 25004];
const creds = { user: 'sv', password: 'a-long-enough-password-1' };
const config = ssConfig(
  layout,
  ports.map((port) => ({ port, creds })),
  { user: 'svproxy', password: 'proxy-password-long-enough' },
);

interface ShardingRule {
  tables: Record<
    string,
    {
      actualDataNodes: string;
      databaseStrategy: { standard: { shardingColumn: string; shardingAlgorithmName: string } };
    }
  >;
  shardingAlgorithms: Record<string, { type: string; props: Record<string, string | number> }>;
}

function readBack(yamlText: string) {
  // The proxy's rule tag marks the kind of rule; read back as a plain map.
  assert.match(yamlText, /^ {2}- !SHARDING$/m);
  const doc = parse(yamlText.replace(/!SHARDING$/m, '')) as {
    dataSources: Record<string, { url: string }>;
    rules: ShardingRule[];
  };
  return { dataSources: doc.dataSources, rule: doc.rules[0]! };
}

/** The port of the shard a key of `table` is routed to by the generated rules. */
function routedPort(yamlText: string, table: string, value: bigint | string): number {
  const { dataSources, rule } = readBack(yamlText);
  const t = rule.tables[table];
  assert.ok(t, `no rule for ${table}`);
  const nodes = /^ds_\$\{0\.\.(\d+)\}\.(\w+)$/.exec(t.actualDataNodes);
  assert.ok(nodes, `actualDataNodes ${t.actualDataNodes}`);
  assert.equal(nodes[2], table);
  const targets = Array.from({ length: Number(nodes[1]) + 1 }, (_, i) => `ds_${i}`);
  const algorithm = rule.shardingAlgorithms[t.databaseStrategy.standard.shardingAlgorithmName];
  assert.ok(algorithm);
  const asLong = BigInt(String(value));
  let partition: number;
  if (algorithm.type === 'BOUNDARY_RANGE') {
    const bounds = String(algorithm.props['sharding-ranges'])
      .split(',')
      .map((b) => BigInt(b.trim()));
    partition = bounds.filter((b) => asLong >= b).length;
  } else if (algorithm.type === 'MOD') {
    partition = Number(asLong % BigInt(algorithm.props['sharding-count']!));
  } else {
    assert.fail(`unexpected algorithm ${algorithm.type}`);
  }
  const target = targets.filter((name) => name.endsWith(String(partition)));
  assert.equal(target.length, 1, `partition ${partition} names one data source`);
  return Number(new URL(dataSources[target[0]!]!.url.replace(/^jdbc:/, '')).port);
}

describe('ShardingSphere config from the shard layout', () => {
  const yamlText = shardingYaml(config);

  it('routes users by id range to the shard of their bucket, new users spreading over every shard', () => {
    const seen = new Set<number>();
    for (let i = 0; i < BUCKETS * 2; i++) {
      const id = newUserId();
      const shard = shardOfUser(layout, id);
      seen.add(shard);
      assert.equal(routedPort(yamlText, 'User', id), ports[shard], `user ${id}`);
    }
    assert.equal(seen.size, layout.shards);
    // The boundaries themselves start the next shard.
    for (const [i, boundary] of layout.userIdBoundaries.entries()) {
      assert.equal(routedPort(yamlText, 'User', boundary - 1n), ports[i]);
      assert.equal(routedPort(yamlText, 'User', boundary), ports[i + 1]);
    }
  });

  it('routes venues by city code region', () => {
    const cities = [
      '110000',
      '230100',
      '299999',
      '300000',
      '310000',
      '370200',
      '440300',
      '500000',
      '510100',
      '650100',
    ];
    const expected = [0, 0, 0, 1, 1, 1, 2, 3, 3, 3];
    for (const [i, city] of cities.entries()) {
      assert.equal(shardOfCity(layout, city), expected[i], city);
      assert.equal(routedPort(yamlText, 'Venue', city), ports[expected[i]!], city);
    }
  });

  it('routes booking slots, bookings, check-ins and outbox rows by venue id mod the shard count', () => {
    for (let i = 0; i < 40; i++) {
      const venueId = i < 20 ? newId() : BigInt(i) + (1n << 40n);
      for (const table of ['BookingSlot', 'Booking', 'CheckIn', 'OutboxEvent']) {
        assert.equal(
          routedPort(yamlText, table, venueId),
          ports[shardOfVenueKey(layout, venueId)],
          `${table} ${venueId}`,
        );
      }
    }
  });

  it('routes login lookup rows by the hash of provider and value', () => {
    for (let i = 0; i < 40; i++) {
      const hash = loginHash('wechat', `o-test-${i}`);
      assert.equal(routedPort(yamlText, 'UserLogin', hash), ports[shardOfLogin(layout, hash)]);
    }
  });

  it('has a rule for every sharded table and keeps cross-shard joins working (sql federation)', () => {
    const { rule } = readBack(yamlText);
    assert.deepEqual(Object.keys(rule.tables).sort(), TABLES.map((t) => t.name).sort());
    assert.match(serverYaml(config), /sql-federation-enabled: true/);
  });

  it('refuses a guessable proxy password', () => {
    assert.throws(() => serverYaml({ ...config, password: 'root' }), /password must be at least 16/);
  });
});

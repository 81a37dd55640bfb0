// The MariaDB pool every Prisma client uses keeps its healthy connections when the process is not
// scheduled for a while (a busy machine): it must not take its own late reading of a ping answer
// for a dead server, drop the connection and race to open new ones (clients.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import mariadb from 'mariadb';
import { testServices } from '@sport-venue/shared/testing';
import { mariadbPoolOptions } from '../src/clients.ts';

/**
 * Connections a pool opens beyond its first ten while, five times, a connection idle long enough
 * to be pinged is taken and the event loop then stalls for 400 ms before it can read the answer.
 */
async function connectionsOpenedAcrossStalls(options: mariadb.PoolConfig): Promise<number> {
  const pool = mariadb.createPool({ ...options, connectionLimit: 10 });
  try {
    let opened = 0;
    pool.on('connection', () => opened++);
    await pool.query('SELECT 1');
    while (pool.idleConnections() < 10) await new Promise((resolve) => setTimeout(resolve, 50));
    const warm = opened;
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => setTimeout(resolve, 700)); // > minDelayValidation: pinged
      const query = pool.query('SELECT 1');
      setImmediate(() => {
        const until = Date.now() + 400;
        while (Date.now() < until); // the process is busy: nothing else runs
      });
      assert.deepEqual(await query, [{ 1: 1 }]);
    }
    return opened - warm;
  } finally {
    await pool.end();
  }
}

describe('the MariaDB connection pool', () => {
  it('keeps healthy connections when the event loop stalls past the driver’s default ping timeout', async () => {
    const options = mariadbPoolOptions(`${testServices.mysqlUrl}/`);
    // The stall is real: with the driver's default ping timeout (250 ms) it costs connections.
    const { pingTimeout: _ours, ...driverDefault } = options;
    assert.ok(
      (await connectionsOpenedAcrossStalls(driverDefault)) > 0,
      'the stall never outlasted a ping: this test would prove nothing',
    );
    assert.equal(await connectionsOpenedAcrossStalls(options), 0, 'connections were dropped and reopened');
  });
});

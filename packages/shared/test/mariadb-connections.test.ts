// MariaDB connections survive a process that is not scheduled for a while (a busy machine): the
// driver's timers run on the event loop, so a late reading of a healthy server's answer must not
// pass for a dead server (clients.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import mariadb from 'mariadb';
import { testServices } from '@sport-venue/shared/testing';
import { mariadbOptions, mariadbPoolOptions, withMariadbConnection } from '../src/clients.ts';

/** Blocks the event loop for `ms` once the current I/O is done: the process is busy elsewhere. */
const stallSoon = (ms: number) =>
  setImmediate(() => {
    const until = Date.now() + ms;
    while (Date.now() < until); // nothing else runs
  });

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
      stallSoon(400);
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
    // A ping answered before the stall starts costs nothing, so on a loaded machine one series of
    // stalls may miss every ping: the control gets three series to show the cost.
    const { pingTimeout: _ours, ...driverDefault } = options;
    let lostWithDefault = 0;
    for (let series = 0; series < 3 && lostWithDefault === 0; series++)
      lostWithDefault = await connectionsOpenedAcrossStalls(driverDefault);
    assert.ok(lostWithDefault > 0, 'the stall never outlasted a ping: this test would prove nothing');
    assert.equal(await connectionsOpenedAcrossStalls(options), 0, 'connections were dropped and reopened');
  });
});

describe('an administrative MariaDB connection', () => {
  it('opens although the process stalls past the driver’s default connect timeout', async () => {
    const url = `${testServices.mysqlUrl}/`;
    // The stall is real: with the driver's default connect timeout (1 s) it fails the handshake.
    const defaults = mariadb.createConnection(mariadbOptions(url));
    stallSoon(1_500);
    await assert.rejects(defaults, /Connection timeout/);

    const opened = withMariadbConnection(url, (conn) => conn.query('SELECT 1 AS one'));
    stallSoon(1_500);
    assert.deepEqual(await opened, [{ one: 1 }]);
  });
});

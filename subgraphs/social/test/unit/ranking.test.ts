import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SCORE, decodeScore, encodeScore, rankEntries } from '../../src/ranking.ts';
import { boardOf } from '../../src/standings.ts';

const start = new Date('2026-11-29T16:00:00Z');
const after = (seconds: number) => new Date(start.getTime() + seconds * 1000);

describe('leaderboard ranking', () => {
  it('a higher score sorts first; among equal scores the earlier achiever does', () => {
    assert.ok(encodeScore(3, after(500), start) > encodeScore(2, after(1), start));
    assert.ok(encodeScore(3, after(1), start) > encodeScore(3, after(2), start));
    assert.equal(decodeScore(encodeScore(3, after(100), start)), 3);
  });

  it('scores stay exact below 2^53 up to the largest score and the end of a 30-day window', () => {
    const top = encodeScore(MAX_SCORE, start, start);
    assert.ok(Number.isSafeInteger(top) && top < 2 ** 53);
    assert.equal(decodeScore(top), MAX_SCORE);
    const late = encodeScore(MAX_SCORE - 1, after(30 * 86_400), start);
    assert.ok(late < top && Number.isSafeInteger(late));
    assert.equal(decodeScore(late), MAX_SCORE - 1);
    assert.equal(
      decodeScore(encodeScore(MAX_SCORE + 10, start, start)),
      MAX_SCORE,
      'capped, never overflows',
    );
  });

  it('ties share a rank and the next rank skips: 1, 2, 2, 4', () => {
    const entries = [
      { userId: 'a', encoded: encodeScore(5, after(9), start) },
      { userId: 'b', encoded: encodeScore(3, after(1), start) },
      { userId: 'c', encoded: encodeScore(3, after(2), start) },
      { userId: 'd', encoded: encodeScore(1, after(3), start) },
    ];
    assert.deepEqual(
      rankEntries(entries).map((e) => [e.userId, e.rank, e.score]),
      [
        ['a', 1, 5],
        ['b', 2, 3],
        ['c', 2, 3],
        ['d', 4, 1],
      ],
    );
  });

  it('the board from MongoDB lists members without progress at zero, earlier achievers first', () => {
    const board = boardOf(
      ['u1', 'u2', 'u3'],
      [
        { userId: 'u2', score: 2, achievedAt: after(50) },
        { userId: 'u3', score: 2, achievedAt: after(10) },
      ],
      start,
    );
    assert.deepEqual(
      board.map((e) => e.userId),
      ['u3', 'u2', 'u1'],
    );
  });
});

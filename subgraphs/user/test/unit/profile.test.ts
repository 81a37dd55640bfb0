import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAvatarUrl, normalizeCityCode, normalizeNickname } from '../../src/profile.ts';

const badInput = (field: string) => (err: { extensions: { code: string; field: string } }) =>
  err.extensions.code === 'BAD_USER_INPUT' && err.extensions.field === field;

describe('profile rules', () => {
  it('accepts Chinese, Latin, digits, emoji with skin tones and ZWJ sequences, trimmed', () => {
    assert.equal(normalizeNickname('  跑者小王 '), '跑者小王');
    assert.equal(normalizeNickname('Anna_K. 2'), 'Anna_K. 2');
    assert.equal(normalizeNickname('游泳🏊🏽‍♀️'), '游泳🏊🏽‍♀️');
    assert.equal(normalizeNickname('ｓｐｏｒｔ・李'), 'ｓｐｏｒｔ・李');
  });

  it('limits nicknames to 20 user-perceived characters', () => {
    assert.equal(normalizeNickname('羽'.repeat(20)), '羽'.repeat(20));
    assert.equal(normalizeNickname('👨‍👩‍👧'.repeat(20)).length > 20, true);
    assert.throws(() => normalizeNickname('羽'.repeat(21)), badInput('nickname'));
  });

  it('refuses empty nicknames, control, format and invisible characters, and runs of spaces', () => {
    for (const bad of [
      '',
      '   ',
      'a\nb',
      'a\u0000b',
      'zero\u200bwidth',
      'rtl\u202eoverride',
      'a  b',
      'a<b>',
      '\ue000',
    ]) {
      assert.throws(() => normalizeNickname(bad), badInput('nickname'), JSON.stringify(bad));
    }
  });

  it('accepts https avatar URLs and six-digit city codes only', () => {
    assert.equal(
      normalizeAvatarUrl('https://thirdwx.qlogo.cn/mmopen/x/132'),
      'https://thirdwx.qlogo.cn/mmopen/x/132',
    );
    for (const bad of [
      'http://x.cn/a.png',
      'javascript:alert(1)',
      'not a url',
      `https://x.cn/${'a'.repeat(200)}`,
    ]) {
      assert.throws(() => normalizeAvatarUrl(bad), badInput('avatarUrl'));
    }
    assert.equal(normalizeCityCode('310000'), '310000');
    for (const bad of ['31000', 'abcdef', '3100000'])
      assert.throws(() => normalizeCityCode(bad), badInput('cityCode'));
  });
});

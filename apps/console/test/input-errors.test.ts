import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { createI18n } from 'vue-i18n';
import { InputReason } from '@sport-venue/shared/input-errors';
import { fieldErrors, inputErrorMessages } from '../src/lib/input-errors.ts';

// The console's own tables, as i18n.ts installs them (weekday names from its settings messages).
const i18nOf = (locale: 'zh-CN' | 'en') =>
  createI18n({
    legacy: false,
    locale,
    messages: {
      'zh-CN': {
        inputError: inputErrorMessages['zh-CN'],
        settings: { weekday: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'] },
      },
      en: {
        inputError: inputErrorMessages.en,
        settings: { weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] },
      },
    },
  }).global;

const refused = (...errors: Array<{ message: string; extensions: Record<string, unknown> }>) =>
  new CombinedError({
    graphQLErrors: errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions })),
  });

test('every reason the subgraphs can give has a zh-CN and an English message', () => {
  for (const reason of Object.values(InputReason)) {
    assert.ok(inputErrorMessages['zh-CN'][reason], `zh-CN ${reason}`);
    assert.ok(inputErrorMessages.en[reason], `en ${reason}`);
  }
});

test('a refused setting reads in Chinese with the limits the server sent, on its field', () => {
  const error = refused({
    message: 'checkinRadiusM must be an integer between 20 and 5000',
    extensions: {
      code: 'BAD_USER_INPUT',
      field: 'checkinRadiusM',
      reason: 'INTEGER_RANGE',
      min: 20,
      max: 5000,
    },
  });
  assert.deepEqual(fieldErrors(error, i18nOf('zh-CN')), { checkinRadiusM: '请输入 20 到 5000 之间的整数' });
  assert.deepEqual(fieldErrors(error, i18nOf('en')), {
    checkinRadiusM: 'Enter a whole number from 20 to 5000',
  });
});

test('a format names its own message; a weekday reads as its name', () => {
  const error = refused(
    {
      message: '"tennis!" is not a sport key (e.g. badminton)',
      extensions: {
        code: 'BAD_USER_INPUT',
        field: 'sports',
        reason: 'FORMAT',
        format: 'SPORT_KEY',
        value: 'tennis!',
      },
    },
    {
      message: 'spans of one day overlap',
      extensions: { code: 'BAD_USER_INPUT', field: 'openingHours', reason: 'SPANS_OVERLAP', weekday: 3 },
    },
  );
  assert.deepEqual(fieldErrors(error, i18nOf('zh-CN')), {
    sports: '“tennis!”不是运动项目代码（例如 badminton）',
    openingHours: '周三：营业时段重叠',
  });
});

test('an error without a known reason keeps the server message; other codes are no field errors', () => {
  const error = refused(
    {
      message: 'something new',
      extensions: { code: 'BAD_USER_INPUT', field: 'name', reason: 'NOT_YET_KNOWN' },
    },
    { message: 'older server', extensions: { code: 'BAD_USER_INPUT', field: 'address' } },
    { message: 'not allowed', extensions: { code: 'FORBIDDEN', field: 'capacity' } },
  );
  assert.deepEqual(fieldErrors(error, i18nOf('zh-CN')), { name: 'something new', address: 'older server' });
});

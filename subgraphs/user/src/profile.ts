// Profile input rules. Nicknames come from the user (WeChat `type="nickname"` input) and are shown
// to others, so they are length-limited, free of invisible/control characters, and pass a content
// check (WeChat msgSecCheck in production) before they are stored.
import { badInput } from '@sport-venue/shared';

export const NICKNAME_MAX = 20;

const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });

// Letters, marks and digits of any script, emoji (with skin tones and the zero-width joiner of
// emoji sequences), inner spaces and a few punctuation marks people use in names. Everything
// else, notably control, format and private-use characters, is refused.
const ALLOWED_CHAR = /^[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier} _\-.·・()（）]$/u;
const ZWJ = '\u200d';

const allowedCharacters = (text: string) => [...text].every((ch) => ch === ZWJ || ALLOWED_CHAR.test(ch));

/** The nickname to store, or a BAD_USER_INPUT error. */
export function normalizeNickname(input: string): string {
  const nickname = input.normalize('NFC').trim();
  const length = [...segmenter.segment(nickname)].length;
  if (length === 0) throw badInput('nickname must not be empty', 'nickname');
  if (length > NICKNAME_MAX)
    throw badInput(`nickname must have at most ${NICKNAME_MAX} characters`, 'nickname');
  if (!allowedCharacters(nickname))
    throw badInput('nickname contains characters that are not allowed', 'nickname');
  if (/\s{2,}/.test(nickname)) throw badInput('nickname must not contain consecutive spaces', 'nickname');
  return nickname;
}

export function normalizeAvatarUrl(input: string): string {
  const value = input.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput('avatarUrl must be an https URL', 'avatarUrl');
  }
  if (url.protocol !== 'https:') throw badInput('avatarUrl must be an https URL', 'avatarUrl');
  if (value.length > 191) throw badInput('avatarUrl is too long', 'avatarUrl');
  return value;
}

/** Mainland China administrative division code, six digits (e.g. 310000). */
export function normalizeCityCode(input: string): string {
  if (!/^\d{6}$/.test(input)) throw badInput('cityCode must be a six-digit division code', 'cityCode');
  return input;
}

/** Verdict of a content check: publish, hold for manual review, or reject. */
export type ContentVerdict = 'PASS' | 'REVIEW' | 'RISKY';

/**
 * The hook for WeChat `msgSecCheck` (v2: scene 1 = profile, needs the user's openid). The default
 * passes everything; deployments plug the real check in through startUserSubgraph's options.
 */
export type ContentCheck = (
  text: string,
  context: { userId: string; openid: string | null },
) => Promise<ContentVerdict>;

export const passAllContent: ContentCheck = async () => 'PASS';

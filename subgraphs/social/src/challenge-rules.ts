// Rules about challenges themselves: what may be created, who may join, leave, cancel or read.
// Pure functions over a challenge record; the store enforces the same conditions atomically and
// calls these to explain a refusal.
import { badInput, domainError, forbidden } from '@sport-venue/shared';
import type { ChallengeType } from './scoring.ts';

export const DEFAULT_MAX_PARTICIPANTS = 50;
export const MAX_PARTICIPANTS = 50;
export const TITLE_MAX = 30;
export const SLOGAN_MAX = 60;

/** Stored life cycle. DRAFT/ACTIVE are derived from the clock (see displayStatus). */
export type StoredStatus = 'OPEN' | 'SETTLED' | 'CANCELLED';
export type ChallengeStatus = 'DRAFT' | 'ACTIVE' | 'SETTLED' | 'CANCELLED';
export type Visibility = 'INVITE' | 'PUBLIC';

export interface ChallengeFacts {
  creatorId: string;
  type: ChallengeType;
  status: StoredStatus;
  visibility: Visibility;
  startsAt: Date;
  endsAt: Date;
  maxParticipants: number;
  memberIds: string[];
}

export function displayStatus(c: Pick<ChallengeFacts, 'status' | 'startsAt'>, now: Date): ChallengeStatus {
  if (c.status === 'CANCELLED' || c.status === 'SETTLED') return c.status;
  return now < c.startsAt ? 'DRAFT' : 'ACTIVE';
}

export const challengeError = {
  notFound: () => domainError('CHALLENGE_NOT_FOUND', 'challenge not found'),
  full: () => domainError('CHALLENGE_FULL', 'the challenge is full'),
  ended: () => domainError('CHALLENGE_ENDED', 'the challenge has ended'),
  started: () => domainError('CHALLENGE_STARTED', 'the challenge has already started'),
  cancelled: () => domainError('CHALLENGE_CANCELLED', 'the challenge was cancelled'),
  notParticipant: () => domainError('NOT_A_PARTICIPANT', 'you are not in this challenge'),
  contentRejected: (field: string) =>
    domainError('CONTENT_REJECTED', `${field} did not pass the content check`, { field }),
};

// Letters, digits, CJK, spaces and common punctuation; no control or invisible characters.
const ALLOWED_TEXT = /^[\p{L}\p{N}\p{Emoji_Presentation} !?,.:;'"()\-~·，。！？：；、“”‘’（）《》…—]+$/u;

/** Trimmed, checked text for a title or slogan; throws BAD_USER_INPUT naming the field. */
export function cleanText(field: 'title' | 'slogan', value: string, min: number, max: number): string {
  const text = value.normalize('NFC').trim().replace(/\s+/g, ' ');
  const length = [...text].length;
  if (length < min || length > max) throw badInput(`${field} must be ${min}–${max} characters`, field);
  if (length > 0 && !ALLOWED_TEXT.test(text))
    throw badInput(`${field} contains characters that are not allowed`, field);
  return text;
}

/** The participant cap a request asks for: HEAD_TO_HEAD is 1v1 by definition. */
export function resolveCap(type: ChallengeType, requested: number | null | undefined): number {
  if (type === 'HEAD_TO_HEAD') {
    if (requested != null && requested !== 2)
      throw badInput('a HEAD_TO_HEAD challenge has 2 participants', 'maxParticipants');
    return 2;
  }
  const cap = requested ?? DEFAULT_MAX_PARTICIPANTS;
  if (!Number.isInteger(cap) || cap < 2 || cap > MAX_PARTICIPANTS)
    throw badInput(`maxParticipants must be 2–${MAX_PARTICIPANTS}`, 'maxParticipants');
  return cap;
}

/** Why `userId` cannot join now (null: may join, or is already in). Same order as the store's filter. */
export function joinRefusal(c: ChallengeFacts, userId: string, now: Date) {
  if (c.status === 'CANCELLED') return challengeError.cancelled();
  if (c.status !== 'OPEN' || now >= c.endsAt) return challengeError.ended();
  if (c.memberIds.includes(userId)) return null;
  if (c.memberIds.length >= c.maxParticipants) return challengeError.full();
  return null;
}

/** Why `userId` cannot leave now (null: may leave). The creator cancels instead of leaving. */
export function leaveRefusal(c: ChallengeFacts, userId: string, now: Date) {
  if (c.status === 'CANCELLED') return challengeError.cancelled();
  if (!c.memberIds.includes(userId)) return challengeError.notParticipant();
  if (c.creatorId === userId) return forbidden('the creator cancels the challenge instead of leaving');
  if (c.status !== 'OPEN' || now >= c.startsAt) return challengeError.started();
  return null;
}

export function cancelRefusal(c: ChallengeFacts, userId: string, now: Date) {
  if (c.creatorId !== userId) return forbidden('only the creator can cancel a challenge');
  if (c.status === 'CANCELLED') return challengeError.cancelled();
  if (c.status !== 'OPEN' || now >= c.startsAt) return challengeError.started();
  return null;
}

/** Public challenges are readable by anyone; invite-only ones by their participants. */
export const canRead = (c: ChallengeFacts, viewerId: string | null) =>
  c.visibility === 'PUBLIC' || (viewerId !== null && c.memberIds.includes(viewerId));

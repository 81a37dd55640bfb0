import type { RequestInfo } from '@sport-venue/shared';

export type Context = RequestInfo;

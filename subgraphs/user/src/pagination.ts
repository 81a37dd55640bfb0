import { idCursor } from '@sport-venue/shared';

export { pageSize } from '@sport-venue/shared';

const entryCursor = idCursor('points');
export const encodeEntryCursor = entryCursor.encode;
export const decodeEntryCursor = entryCursor.decode;

import { idCursor } from '@sport-venue/shared';

export { MAX_PAGE_SIZE, pageSize } from '@sport-venue/shared';

const venueCursor = idCursor('venue');
export const encodeCursor = venueCursor.encode;
export const decodeCursor = venueCursor.decode;

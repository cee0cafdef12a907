import { badUserInput } from '../errors/user-input-error';
import { MEMBER_ORDERS, type MemberOrder, type SortKey } from './member-order';

export { DEFAULT_MEMBER_ORDER, type MemberOrder, type MemberOrderField, type OrderDirection } from './member-order';

/**
 * A keyset position in one operator's member list: the sort key of the last row and its id,
 * tagged with the order it belongs to. Opaque to clients (base64url JSON); a cursor of another
 * order, or one that does not decode, is a `BAD_USER_INPUT` error on `after`.
 */
export interface MemberCursor {
  order: MemberOrder;
  key: SortKey;
  /** Tie-breaker: the row's local id. */
  id: number;
}

export const orderTag = (order: MemberOrder) => `${order.field}:${order.direction}`;

export function encodeMemberCursor(cursor: MemberCursor): string {
  return Buffer.from(JSON.stringify([orderTag(cursor.order), cursor.key, cursor.id]), 'utf8').toString('base64url');
}

/** Decodes base64url JSON, or null; bounded in size. */
export function decodeCursorPayload(after: string): unknown {
  if (after.length > 4000 || !/^[A-Za-z0-9_-]+$/.test(after)) return null;
  try {
    return JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/** Validates a decoded `[key, id]` position for `order`. */
export function isValidPosition(order: MemberOrder, key: unknown, id: unknown): boolean {
  return MEMBER_ORDERS[order.field].isValidKey(key) && Number.isSafeInteger(id) && (id as number) >= 0;
}

export function decodeMemberCursorOrThrow(after: string, order: MemberOrder, field = 'after'): MemberCursor {
  const payload = decodeCursorPayload(after);
  if (!Array.isArray(payload) || payload.length !== 3) throw badUserInput(field, `${field} is not a valid cursor for this list.`);
  const [tag, key, id] = payload as unknown[];
  if (tag !== orderTag(order)) {
    throw badUserInput(field, `${field} is a cursor of another order; pass the same orderBy as the page it came from.`);
  }
  if (!isValidPosition(order, key, id)) throw badUserInput(field, `${field} is not a valid cursor for this list.`);
  return { order, key: key as SortKey, id: id as number };
}

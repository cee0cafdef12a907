import { badUserInput } from '../errors/user-input-error';

/** The orders of member lists: field and direction. */
export type MemberOrderField = 'NAME' | 'POPULATION';
export type OrderDirection = 'ASC' | 'DESC';
export interface MemberOrder {
  field: MemberOrderField;
  direction: OrderDirection;
}

export const DEFAULT_MEMBER_ORDER: MemberOrder = { field: 'NAME', direction: 'ASC' };

/**
 * A keyset position in a member list: the sort key of the last row and its id, tagged with the
 * order it belongs to. Opaque to clients (base64url JSON); a cursor of another order, or one that
 * does not decode, is a `BAD_USER_INPUT` error on `after`.
 */
export interface MemberCursor {
  order: MemberOrder;
  /** Sort key: `sort_name` for NAME, `coalesce(population, -1)` for POPULATION. */
  key: string | number;
  /** Tie-breaker. Local numeric id in an operator list. */
  id: number;
}

export function encodeMemberCursor(cursor: MemberCursor): string {
  const payload = [`${cursor.order.field}:${cursor.order.direction}`, cursor.key, cursor.id];
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeMemberCursorOrThrow(after: string, order: MemberOrder, field = 'after'): MemberCursor {
  const invalid = () => badUserInput(field, `${field} is not a valid cursor for this list.`);
  if (after.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(after)) throw invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(payload) || payload.length !== 3) throw invalid();
  const [tag, key, id] = payload as unknown[];
  if (tag !== `${order.field}:${order.direction}`) {
    throw badUserInput(field, `${field} is a cursor of another order; pass the same orderBy as the page it came from.`);
  }
  const keyValid =
    order.field === 'NAME' ? typeof key === 'string' && key.length <= 300 : Number.isInteger(key) && (key as number) >= -1;
  if (!keyValid || !Number.isInteger(id) || (id as number) < 1) throw invalid();
  return { order, key: key as string | number, id: id as number };
}

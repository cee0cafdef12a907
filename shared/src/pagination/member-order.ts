import type { MemberRow } from '../database/entities';

/** The orders of member lists. */
export type MemberOrderField = 'NAME' | 'POPULATION' | 'JOINED_AT';
export type OrderDirection = 'ASC' | 'DESC';
export interface MemberOrder {
  field: MemberOrderField;
  direction: OrderDirection;
}
export const DEFAULT_MEMBER_ORDER: MemberOrder = { field: 'NAME', direction: 'ASC' };

/** A sort key as it travels in cursors and between subgraphs: a string or an integer. */
export type SortKey = string | number;

/**
 * One order field: its SQL expression (indexed), the same key computed from a row, the key's
 * validation when it comes back in a cursor, and the comparison the partnership merge uses.
 * The SQL ordering and `compare` agree exactly: names are compared on `sort_name`, which holds
 * only `[a-z0-9 ]` and is collated "C", so byte order is code-unit order.
 */
export interface MemberOrderDefinition {
  sql: string;
  /** The key as SQL selects it for a cursor: what `keyOf` gives (text or integer). */
  keySql: string;
  keyOf(row: MemberRow): SortKey;
  isValidKey(key: unknown): key is SortKey;
  compare(a: SortKey, b: SortKey): number;
}

const compareStrings = (a: SortKey, b: SortKey) => (a < b ? -1 : a > b ? 1 : 0);
const NO_DATE = '0001-01-01';

export const MEMBER_ORDERS: Record<MemberOrderField, MemberOrderDefinition> = {
  NAME: {
    sql: 'member.sort_name',
    keySql: 'member.sort_name::text',
    keyOf: (row) => row.sortName,
    isValidKey: (key): key is string => typeof key === 'string' && key.length <= 300 && /^[a-z0-9 ]*$/.test(key),
    compare: compareStrings,
  },
  POPULATION: {
    sql: 'coalesce(member.population, -1)',
    keySql: 'coalesce(member.population, -1)',
    keyOf: (row) => row.population ?? -1,
    isValidKey: (key): key is number => Number.isSafeInteger(key) && (key as number) >= -1,
    compare: (a, b) => (a as number) - (b as number),
  },
  JOINED_AT: {
    // Members who have not joined (prospects) count as joined at the beginning of time.
    sql: `coalesce(member.joined_at, DATE '${NO_DATE}')`,
    keySql: `to_char(coalesce(member.joined_at, DATE '${NO_DATE}'), 'YYYY-MM-DD')`,
    keyOf: (row) => row.joinedAt ?? NO_DATE,
    isValidKey: (key): key is string => typeof key === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(key),
    compare: compareStrings,
  },
};

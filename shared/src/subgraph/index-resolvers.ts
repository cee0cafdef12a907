import type { DataSource } from 'typeorm';
import { findMemberIndexPage } from '../directory/member-list';
import { parseMemberFilterOrThrow } from '../directory/member-filter';
import { searchPageAndCount, searchTextOrThrow, type SearchKind, type SearchPosition } from '../directory/search';
import { countServices, findServicePage, parseServiceFilterOrThrow } from '../directory/service-list';
import { operatorStatistics, vendorUsage } from '../directory/statistics';
import { isValidSiren } from '../domain/siren.util';
import { badUserInput } from '../errors/user-input-error';
import type { QueryResolvers } from '../generated/operator-resolvers.generated';
import { encodeGlobalId } from '../ids/global-id';
import type { OperatorDefinition } from '../operators/operator-definition';
import { decodeCursorPayload, decodeMemberCursorOrThrow, encodeMemberCursor } from '../pagination/member-cursor';
import { DEFAULT_MEMBER_ORDER, type OrderDirection } from '../pagination/member-order';
import { pageSizeOrThrow } from '../pagination/page-args';
import type { SubgraphContext } from './subgraph-context';

const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

/**
 * The index fields of an operator subgraph (`@inaccessible`): the keys the partnership layer merges
 * across operators, with the same filters, orders and keyset pagination as the public lists. Named
 * for the stand-in operator (`withOperatorNames` renames them); IDs and type names are `operator`'s.
 */
export function createIndexResolvers(operator: OperatorDefinition): QueryResolvers {
  const p = operator.typePrefix;
  const ds = (context: SubgraphContext): DataSource => context.dataSource;

  return {
    templateMemberIndex: async (_root, args, context) => {
      const order = args.orderBy ?? DEFAULT_MEMBER_ORDER;
      const filter = parseMemberFilterOrThrow(args.filter);
      const first = pageSizeOrThrow(args.first);
      const after = args.after == null ? null : decodeMemberCursorOrThrow(args.after, order);
      const { entries, hasNextPage, totalCount } = await findMemberIndexPage(ds(context), { filter, order, first, after }, args.withCount);
      return {
        entries: entries.map(({ id, key }) => ({
          id: encodeGlobalId(`${p}Member`, id),
          typename: `${p}Member`,
          key: JSON.stringify(key),
          score: null,
          cursor: encodeMemberCursor({ order, key, id }),
        })),
        hasMore: hasNextPage,
        totalCount,
      };
    },

    templateServiceIndex: async (_root, args, context) => {
      const filter = parseServiceFilterOrThrow(args.filter);
      const first = pageSizeOrThrow(args.first);
      const after = args.after == null ? null : decodeServiceCursorOrThrow(args.after, args.direction);
      const [{ rows, hasMore }, totalCount] = await Promise.all([
        findServicePage(ds(context), { filter, direction: args.direction, first, after }),
        args.withCount ? countServices(ds(context), filter) : null,
      ]);
      return {
        entries: rows.map((row) => ({
          id: encodeGlobalId(`${p}Service`, row.id),
          typename: `${p}Service`,
          key: JSON.stringify(row.sortName),
          score: null,
          cursor: encode([`SERVICE:${args.direction}`, row.sortName, row.id]),
        })),
        hasMore,
        totalCount,
      };
    },

    templateSearchIndex: async (_root, args, context) => {
      const folded = searchTextOrThrow(args.text);
      const first = pageSizeOrThrow(args.first);
      const after = args.after == null ? null : decodeSearchCursorOrThrow(args.after);
      const { hits, hasMore, totalCount } = await searchPageAndCount(ds(context), folded, first, after, args.withCount);
      return {
        entries: hits.map((hit) => ({
          id: encodeGlobalId(`${p}${hit.kind}`, hit.id),
          typename: `${p}${hit.kind}`,
          key: JSON.stringify(hit.key),
          score: hit.score,
          cursor: encode(['SEARCH', hit.score, hit.key, hit.kind, hit.id]),
        })),
        hasMore,
        totalCount,
      };
    },

    templateMembersBySiren: async (_root, { siren }, context) => {
      if (!isValidSiren(siren)) throw badUserInput('siren', 'siren must be 9 digits with a valid Luhn checksum.');
      const rows: { id: number }[] = await ds(context).query('SELECT id FROM member WHERE siren = $1 ORDER BY id', [siren]);
      return rows.map((row) => ({ id: encodeGlobalId(`${p}Member`, row.id), typename: `${p}Member`, key: JSON.stringify(siren), score: null, cursor: '' }));
    },

    templateStatistics: async (_root, _args, context) => {
      const statistics = await operatorStatistics(ds(context));
      return {
        ...statistics,
        servicesByCategory: statistics.servicesByCategory.map(({ key, ids }) => ({ key, ids: ids.map((id) => encodeGlobalId(`${p}Service`, id)) })),
      };
    },

    templateVendorUsage: async (_root, _args, context) =>
      (await vendorUsage(ds(context))).map((usage) => ({
        ...usage,
        serviceIds: usage.serviceIds.map((id) => encodeGlobalId(`${p}Service`, id)),
      })),
  };
}

function decodeServiceCursorOrThrow(after: string, direction: OrderDirection): { key: string; id: number } {
  const payload = decodeCursorPayload(after);
  if (
    !Array.isArray(payload) ||
    payload.length !== 3 ||
    payload[0] !== `SERVICE:${direction}` ||
    typeof payload[1] !== 'string' ||
    !Number.isSafeInteger(payload[2])
  ) {
    throw badUserInput('after', 'after is not a valid cursor for this list.');
  }
  return { key: payload[1], id: payload[2] };
}

function decodeSearchCursorOrThrow(after: string): SearchPosition {
  const payload = decodeCursorPayload(after);
  if (
    !Array.isArray(payload) ||
    payload.length !== 5 ||
    payload[0] !== 'SEARCH' ||
    typeof payload[1] !== 'string' ||
    !/^[01]\.[0-9]{4}$/.test(payload[1]) ||
    typeof payload[2] !== 'string' ||
    !['Member', 'Service'].includes(payload[3]) ||
    !Number.isSafeInteger(payload[4])
  ) {
    throw badUserInput('after', 'after is not a valid cursor for this search.');
  }
  return { score: payload[1], key: payload[2], kind: payload[3] as SearchKind, id: payload[4] };
}

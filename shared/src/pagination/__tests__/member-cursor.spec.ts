import { decodeMemberCursorOrThrow, encodeMemberCursor } from '../member-cursor';
import { pageSizeOrThrow } from '../page-args';

const byName = { field: 'NAME', direction: 'ASC' } as const;
const byPopulation = { field: 'POPULATION', direction: 'DESC' } as const;

describe('Member cursors: keyset positions', () => {
  it('round-trips a position', () => {
    const cursor = { order: byName, key: 'saint brieuc', id: 12 };
    expect(decodeMemberCursorOrThrow(encodeMemberCursor(cursor), byName)).toEqual(cursor);
  });

  it('refuses a cursor of another order', () => {
    const cursor = encodeMemberCursor({ order: byName, key: 'a', id: 1 });
    expect(() => decodeMemberCursorOrThrow(cursor, byPopulation)).toThrow(/another order/);
  });

  it.each(['', 'not a cursor!', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["NAME:ASC",3,1]').toString('base64url'), Buffer.from('["NAME:ASC","a",-1]').toString('base64url')])(
    'refuses %j with BAD_USER_INPUT on after',
    (after) => {
      expect(() => decodeMemberCursorOrThrow(after, byName)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }));
    },
  );

  it('bounds page sizes', () => {
    expect(pageSizeOrThrow(undefined)).toBe(20);
    expect(pageSizeOrThrow(0)).toBe(0);
    expect(pageSizeOrThrow(500)).toBe(500);
    for (const bad of [-1, 501, 1e9, 1.5]) expect(() => pageSizeOrThrow(bad)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } }));
  });
});

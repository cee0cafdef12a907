import { decodeGlobalIdOrThrow, encodeGlobalId, tryDecodeGlobalId } from '../global-id';

describe('Global IDs: round trip and refusal', () => {
  it('decodes what it encodes', () => {
    const id = encodeGlobalId('MegalisMember', 42);
    expect(id).not.toContain('MegalisMember'); // opaque
    expect(tryDecodeGlobalId(id)).toEqual({ typeName: 'MegalisMember', localId: '42' });
    expect(tryDecodeGlobalId(encodeGlobalId('MegalisOperator', 'MEGALIS'))).toEqual({ typeName: 'MegalisOperator', localId: 'MEGALIS' });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['no separator', Buffer.from('MegalisMember42').toString('base64url')],
    ['lower-case type', Buffer.from('megalisMember:1').toString('base64url')],
    ['empty key', Buffer.from('MegalisMember:').toString('base64url')],
    ['SQL in the key', Buffer.from("MegalisMember:1' OR 1=1").toString('base64url')],
    ['huge', 'A'.repeat(10_000)],
  ])('refuses %s', (_label, id) => {
    expect(tryDecodeGlobalId(id)).toBeNull();
    expect(() => decodeGlobalIdOrThrow(id, 'id')).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'id' } }));
  });
});

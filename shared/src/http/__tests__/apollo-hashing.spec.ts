import { createRequire } from 'node:module';
import { MAX_REMEMBERED_QUERY_LENGTH, rememberingSha256 } from '../../runtime/query-hash';
import { rememberingCreateHash, type ApolloCreateHashModule } from '../apollo-hashing';

/** node:crypto itself (not an import wrapper), so that a spy sees the calls of the module under test. */
const crypto = createRequire(__filename)('node:crypto') as typeof import('node:crypto');

const reference = (kind: string, ...parts: (string | Buffer)[]) => {
  const hash = crypto.createHash(kind);
  for (const part of parts) hash.update(part);
  return hash;
};

/** The package as Apollo Server and Apollo Gateway require it (two versions; not dependencies of ours). */
const apolloCopies = [
  createRequire(require.resolve('@apollo/server'))('@apollo/utils.createhash') as ApolloCreateHashModule,
  createRequire(require.resolve('@apollo/gateway'))('@apollo/utils.createhash') as ApolloCreateHashModule,
];

const QUERY = 'query OperatorPage($after: String) { operator(code: MEGALIS) { members(first: 20, after: $after) { nodes { name } } } }';

describe('rememberingCreateHash', () => {
  it("answers as Apollo's createHash and node:crypto do, for the calls Apollo makes and others", () => {
    const createHash = rememberingCreateHash(rememberingSha256());
    const texts = ['', QUERY, 'é∑😀 unicode', 'x'.repeat(MAX_REMEMBERED_QUERY_LENGTH + 1)];
    for (let round = 0; round < 2; round++) {
      for (const text of texts) {
        for (const kind of ['sha256', 'sha512', 'sha1']) {
          expect(createHash(kind).update(text).digest('hex')).toBe(reference(kind, text).digest('hex'));
          for (const apollo of apolloCopies) expect(createHash(kind).update(text).digest('hex')).toBe(apollo.createHash(kind).update(text).digest('hex'));
          expect(createHash(kind).update(text).digest('base64')).toBe(reference(kind, text).digest('base64'));
          expect(createHash(kind).update(text).digest()).toEqual(reference(kind, text).digest());
        }
      }
    }
    // Several updates (Apollo Gateway's plan key: the query's hash, then the operation's name), Buffers, encodings.
    expect(createHash('sha256').update(QUERY).update('OperatorPage').digest('hex')).toBe(reference('sha256', QUERY, 'OperatorPage').digest('hex'));
    expect(createHash('sha256').update(Buffer.from(QUERY)).digest('hex')).toBe(reference('sha256', QUERY).digest('hex'));
    expect(createHash('sha256').update('cafe', 'hex').digest('hex')).toBe(crypto.createHash('sha256').update('cafe', 'hex').digest('hex'));
    expect(createHash('sha256').update('a').update(Buffer.from('b')).update('c').digest('hex')).toBe(reference('sha256', 'abc').digest('hex'));
  });

  it('takes a single text\'s hex SHA-256 from the remembered hashes, and hashes anything else itself', () => {
    const sha256Hex = jest.fn(rememberingSha256());
    const hashed = jest.spyOn(crypto, 'createHash');
    try {
      const createHash = rememberingCreateHash(sha256Hex);
      const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
      sha256(QUERY);
      sha256(QUERY);
      sha256(`${QUERY} `);
      expect(sha256Hex).toHaveBeenCalledTimes(3);
      // The remembering function hashed each distinct text once.
      expect(hashed).toHaveBeenCalledTimes(2);
      // Not for it: another algorithm, another encoding, two updates, a Buffer.
      createHash('sha512').update(QUERY).digest('hex');
      createHash('sha256').update(QUERY).digest('base64');
      createHash('sha256').update(QUERY).update('x').digest('hex');
      createHash('sha256').update(Buffer.from(QUERY)).digest('hex');
      expect(sha256Hex).toHaveBeenCalledTimes(3);
      expect(hashed).toHaveBeenCalledTimes(6);
    } finally {
      hashed.mockRestore();
    }
  });

  it('refuses an unknown algorithm as node:crypto does', () => {
    const createHash = rememberingCreateHash(rememberingSha256());
    expect(() => createHash('no-such-hash').update('a').digest('hex')).toThrow(/Digest method not supported/);
  });
});

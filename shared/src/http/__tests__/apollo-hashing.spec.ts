import { createRequire } from 'node:module';
import { MAX_REMEMBERED_TEXT_LENGTH, rememberingCreateHash, type ApolloCreateHashModule } from '../apollo-hashing';

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
    const createHash = rememberingCreateHash();
    const texts = ['', QUERY, 'é∑😀 unicode', 'x'.repeat(MAX_REMEMBERED_TEXT_LENGTH + 1)];
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

  it('hashes a repeated text once, and keeps only single-string SHA-256 hex digests up to the length limit', () => {
    const hashed = jest.spyOn(crypto, 'createHash');
    try {
      const createHash = rememberingCreateHash();
      const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
      sha256(QUERY);
      sha256(QUERY);
      sha256(`${QUERY} `);
      expect(hashed).toHaveBeenCalledTimes(2);
      // Not kept: another algorithm, another encoding, two updates, a text over the limit.
      const long = 'y'.repeat(MAX_REMEMBERED_TEXT_LENGTH + 1);
      for (let round = 0; round < 2; round++) {
        createHash('sha512').update(QUERY).digest('hex');
        createHash('sha256').update(QUERY).digest('base64');
        createHash('sha256').update(QUERY).update('x').digest('hex');
        sha256(long);
      }
      expect(hashed).toHaveBeenCalledTimes(2 + 8);
      // The length limit is inclusive.
      const atLimit = 'z'.repeat(MAX_REMEMBERED_TEXT_LENGTH);
      sha256(atLimit);
      sha256(atLimit);
      expect(hashed).toHaveBeenCalledTimes(11);
    } finally {
      hashed.mockRestore();
    }
  });

  it('keeps at most `capacity` digests: the oldest goes first', () => {
    const hashed = jest.spyOn(crypto, 'createHash');
    try {
      const createHash = rememberingCreateHash(2);
      const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
      sha256('a');
      sha256('b');
      sha256('c'); // 'a' goes
      expect(hashed).toHaveBeenCalledTimes(3);
      sha256('c');
      sha256('b');
      expect(hashed).toHaveBeenCalledTimes(3);
      sha256('a');
      expect(hashed).toHaveBeenCalledTimes(4);
    } finally {
      hashed.mockRestore();
    }
  });

  it('refuses an unknown algorithm as node:crypto does', () => {
    const createHash = rememberingCreateHash();
    expect(() => createHash('no-such-hash').update('a').digest('hex')).toThrow(/Digest method not supported/);
  });
});

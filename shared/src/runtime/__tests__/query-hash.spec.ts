import { createRequire } from 'node:module';
import { MAX_REMEMBERED_QUERY_LENGTH, queryHash, rememberingSha256 } from '../query-hash';

/** node:crypto itself (not an import wrapper), so that a spy sees the calls of the module under test. */
const crypto = createRequire(__filename)('node:crypto') as typeof import('node:crypto');
const reference = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

describe('query hashes', () => {
  it("are node:crypto's SHA-256 in hex, the first time and again", () => {
    for (const text of ['', '{ __typename }', 'é∑😀', 'x'.repeat(MAX_REMEMBERED_QUERY_LENGTH + 1)]) {
      expect(queryHash(text)).toBe(reference(text));
      expect(queryHash(text)).toBe(reference(text));
    }
  });

  it('hash a repeated text once, up to the length limit (inclusive); longer texts every time', () => {
    const hashed = jest.spyOn(crypto, 'createHash');
    try {
      const sha256Hex = rememberingSha256(10, 5);
      sha256Hex('abcde');
      sha256Hex('abcde');
      expect(hashed).toHaveBeenCalledTimes(1);
      sha256Hex('abcdef');
      sha256Hex('abcdef');
      expect(hashed).toHaveBeenCalledTimes(3);
    } finally {
      hashed.mockRestore();
    }
  });

  it('keep at most `capacity` hashes: the oldest goes first', () => {
    const hashed = jest.spyOn(crypto, 'createHash');
    try {
      const sha256Hex = rememberingSha256(2);
      for (const text of ['a', 'b', 'c']) sha256Hex(text); // 'c' evicts 'a'
      sha256Hex('c');
      sha256Hex('b');
      expect(hashed).toHaveBeenCalledTimes(3);
      sha256Hex('a');
      expect(hashed).toHaveBeenCalledTimes(4);
    } finally {
      hashed.mockRestore();
    }
  });
});

import { createHash as nodeCreateHash, type BinaryToTextEncoding, type Encoding, type Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { substituteModule } from '../runtime/module-substitution';
import { queryHash } from '../runtime/query-hash';

/** What Apollo's packages call of `@apollo/utils.createhash`. */
export interface ApolloCreateHashModule {
  createHash(kind: string): Pick<Hash, 'update' | 'digest'>;
}

/**
 * A hash that takes the SHA-256 (hex) of a single text from the kernel's remembered query hashes.
 * Apollo Server hashes every request's query text (`createHash('sha256').update(query).digest('hex')`:
 * the key of its parsed-document cache and of Apollo Gateway's query plan cache), and clients send
 * few distinct texts. When the hash is given exactly one string (no encoding) and asked for its hex
 * digest, `sha256Hex` answers; anything else (another algorithm, a Buffer, several updates, another
 * encoding) goes to a real `node:crypto` hash, fed what it was given, in order.
 */
class RememberingHash {
  /** The one string given so far, while nothing else was. */
  private text: string | null = null;
  private real: Hash | null = null;

  constructor(
    private readonly kind: string,
    /** The SHA-256 (hex) of a text, for a `sha256` hash; null for other algorithms. */
    private readonly sha256Hex: ((text: string) => string) | null,
  ) {}

  update(data: string | NodeJS.ArrayBufferView, encoding?: Encoding): this {
    if (this.real === null && this.text === null && typeof data === 'string' && encoding === undefined) {
      this.text = data;
      return this;
    }
    const real = this.materialize();
    if (typeof data === 'string') real.update(data, encoding as Encoding);
    else real.update(data);
    return this;
  }

  digest(): Buffer;
  digest(encoding: BinaryToTextEncoding): string;
  digest(encoding?: BinaryToTextEncoding): string | Buffer {
    const text = this.text;
    if (this.real === null && text !== null && this.sha256Hex !== null && encoding === 'hex') return this.sha256Hex(text);
    const real = this.materialize();
    return encoding === undefined ? real.digest() : real.digest(encoding);
  }

  private materialize(): Hash {
    if (this.real === null) {
      this.real = nodeCreateHash(this.kind);
      if (this.text !== null) this.real.update(this.text);
      this.text = null;
    }
    return this.real;
  }
}

/**
 * `@apollo/utils.createhash` without its per-call cost: the package requires `crypto` again on
 * every call (`module.require("crypto")`: a trip through Node's module loader, and through tsx's
 * hooks under `npm start`: 1.9% of the gateway's CPU on a one-operator page), and Apollo Server
 * calls it for every request. This one uses `node:crypto` directly, and `sha256Hex` (by default the
 * kernel's `queryHash`, shared with the APQ client) for a single text's hex SHA-256.
 */
export function rememberingCreateHash(sha256Hex: (text: string) => string = queryHash): ApolloCreateHashModule['createHash'] {
  return (kind: string) => new RememberingHash(kind, kind === 'sha256' ? sha256Hex : null) as unknown as Hash;
}

/**
 * The substitutions, done on import: `@apollo/utils.createhash` as Apollo Server requires it (its
 * own copy) and as Apollo Gateway requires it (another version) answers `rememberingCreateHash`.
 * Must be loaded before `@apollo/server` and `@apollo/gateway` (shared/src/http/apollo-hot-path.ts
 * is imported first by every server factory). Null under Jest.
 */
export const apolloHashing = {
  server: substituteHashing(createRequire(require.resolve('@apollo/server'))),
  gateway: substituteHashing(createRequire(require.resolve('@apollo/gateway'))),
};

function substituteHashing(requireFrom: NodeJS.Require) {
  return substituteModule<ApolloCreateHashModule>('@apollo/utils.createhash', requireFrom, (original) => {
    const substitute = { ...original, createHash: rememberingCreateHash() };
    Object.defineProperty(substitute, '__esModule', { value: true });
    return substitute;
  });
}

import { createHash } from 'node:crypto';
import { BoundedMemo } from './bounded-memo';

/** Distinct texts whose hash the process keeps; the oldest goes first. */
export const REMEMBERED_QUERY_HASHES = 1_000;
/** Longer texts are hashed every time and not kept (so the memory holds at most ~16 MiB of text). */
export const MAX_REMEMBERED_QUERY_LENGTH = 8_192;

/**
 * A SHA-256 (hex) of texts that keeps the last `capacity` texts' hashes, for texts up to
 * `maxLength` characters (a client can send endless distinct ones: the memory stays bounded).
 */
export function rememberingSha256(capacity = REMEMBERED_QUERY_HASHES, maxLength = MAX_REMEMBERED_QUERY_LENGTH): (text: string) => string {
  const hashes = new BoundedMemo<string, string>(capacity);
  const hash = (text: string) => createHash('sha256').update(text).digest('hex');
  return (text) => (text.length > maxLength ? hash(text) : hashes.remember(text, () => hash(text)));
}

/**
 * The SHA-256 (hex) of a GraphQL query text, as automatic persisted queries and Apollo's caches key
 * it: the process's one memory of them, shared by the kernel's HTTP client (APQ to the subgraphs)
 * and Apollo Server and Apollo Gateway (shared/src/http/apollo-hashing.ts), which hash the same few
 * texts on every request.
 */
export const queryHash = rememberingSha256();

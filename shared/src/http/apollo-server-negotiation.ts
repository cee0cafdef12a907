import { createRequire } from 'node:module';
import { BoundedMemo } from '../runtime/bounded-memo';
import { substituteModule } from '../runtime/module-substitution';

/** What this file needs of the `negotiator` package's constructor (called with or without `new`). */
export interface NegotiatorInstance {
  readonly request: { headers: Record<string, unknown> };
  mediaType(available?: string[]): string | undefined;
}
export interface NegotiatorConstructor {
  new (request: { headers: Record<string, unknown> }): NegotiatorInstance;
  (request: { headers: Record<string, unknown> }): NegotiatorInstance;
  prototype: NegotiatorInstance;
}

/** Distinct (Accept header, offered types) answers kept; the oldest goes first. */
export const REMEMBERED_NEGOTIATIONS = 256;
/** Longer Accept headers are negotiated every time and not kept. */
export const MAX_REMEMBERED_ACCEPT_LENGTH = 512;

/**
 * `negotiator`, remembering its media type answers. Apollo Server negotiates the response's media
 * type from the request's `Accept` header two or three times per request (`new Negotiator(…)
 * .mediaType([…])`: may it stream, which JSON type), parsing the header each time. Clients send
 * few distinct `Accept` headers, and the answer depends on nothing else: it is kept per header and
 * offered types (at most REMEMBERED_NEGOTIATIONS of them, headers up to
 * MAX_REMEMBERED_ACCEPT_LENGTH characters, so that a client sending endless variants costs bounded
 * memory). Measured with the gateway against a canned subgraph, with the operation reuse of
 * gateway/src/operation-reuse.ts: together, 11% less gateway CPU per one-operator page.
 *
 * Everything else is the package's own (a subclass: `charset`, `languages`…, and `mediaType`
 * without a list of offered types, are not kept).
 */
export function rememberingNegotiator(Negotiator: NegotiatorConstructor, capacity = REMEMBERED_NEGOTIATIONS): NegotiatorConstructor {
  const answers = new BoundedMemo<string, string | undefined>(capacity);
  const negotiate = Negotiator.prototype.mediaType;
  function RememberingNegotiator(this: unknown, request: { headers: Record<string, unknown> }): NegotiatorInstance {
    if (!(this instanceof RememberingNegotiator)) return new (RememberingNegotiator as unknown as NegotiatorConstructor)(request);
    Negotiator.call(this, request);
    return this as NegotiatorInstance;
  }
  RememberingNegotiator.prototype = Object.create(Negotiator.prototype, {
    constructor: { value: RememberingNegotiator, writable: true, configurable: true },
  }) as NegotiatorInstance;
  RememberingNegotiator.prototype.mediaType = function mediaType(this: NegotiatorInstance, available?: string[]): string | undefined {
    const key = Array.isArray(available) ? keyOf(this.request.headers.accept, available) : null;
    return key === null ? negotiate.call(this, available) : answers.remember(key, () => negotiate.call(this, available));
  };
  // The package's statics, and its own name for itself (`require('negotiator').Negotiator`).
  Object.setPrototypeOf(RememberingNegotiator, Negotiator);
  Object.defineProperty(RememberingNegotiator, 'Negotiator', { value: RememberingNegotiator, enumerable: true, writable: true, configurable: true });
  return RememberingNegotiator as unknown as NegotiatorConstructor;
}

/**
 * The memory's key of a negotiation: the header (or NUL when there is none) and the offered types,
 * one per line; null when it cannot be kept (a header too long, or holding a line break or a NUL,
 * which HTTP forbids anyway; an offered type that is not a string or holds a line break), so that
 * two negotiations share a key only when they are the same.
 */
function keyOf(accept: unknown, available: unknown[]): string | null {
  if (accept !== undefined && (typeof accept !== 'string' || accept.length > MAX_REMEMBERED_ACCEPT_LENGTH || /[\n\0]/.test(accept))) return null;
  let key = accept === undefined ? '\0' : accept;
  for (const type of available) {
    if (typeof type !== 'string' || type.includes('\n')) return null;
    key += `\n${type}`;
  }
  return key;
}

/**
 * The substitution, done on import: `negotiator` as Apollo Server requires it answers the
 * remembering one. Must be loaded before `@apollo/server`: every server factory imports it first
 * (the gateway's, the operator subgraphs', the remote partnership subgraph's). Null under Jest.
 */
export const apolloServerNegotiation = substituteModule<NegotiatorConstructor>(
  'negotiator',
  createRequire(require.resolve('@apollo/server')),
  (Negotiator) => rememberingNegotiator(Negotiator),
);

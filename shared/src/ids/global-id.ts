import { badUserInput } from '../errors/user-input-error';

/**
 * Global IDs are opaque to clients: base64url of `<TypeName>:<local key>`. The partnership layer
 * decodes them to route `node`/`nodes` to the subgraph that owns the type; an operator subgraph
 * decodes them to find its row.
 */
export interface DecodedGlobalId {
  readonly typeName: string;
  readonly localId: string;
}

const TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;
const LOCAL_ID = /^[A-Za-z0-9_]{1,64}$/;
const MAX_ENCODED_LENGTH = 120;

export function encodeGlobalId(typeName: string, localId: string | number): string {
  return Buffer.from(`${typeName}:${localId}`, 'utf8').toString('base64url');
}

/** Decodes a global ID, or `null` when it is not one this API issued. */
export function tryDecodeGlobalId(id: string): DecodedGlobalId | null {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ENCODED_LENGTH) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  // Reject non-canonical encodings so that one entity has exactly one ID.
  if (Buffer.from(decoded, 'utf8').toString('base64url') !== id) return null;
  const separator = decoded.indexOf(':');
  if (separator < 0) return null;
  const typeName = decoded.slice(0, separator);
  const localId = decoded.slice(separator + 1);
  if (!TYPE_NAME.test(typeName) || !LOCAL_ID.test(localId)) return null;
  return { typeName, localId };
}

/** Decodes a global ID or throws `BAD_USER_INPUT` naming `field`. */
export function decodeGlobalIdOrThrow(id: string, field = 'id'): DecodedGlobalId {
  const decoded = tryDecodeGlobalId(id);
  if (!decoded) throw badUserInput(field, `${JSON.stringify(truncate(id))} is not a valid ID.`);
  return decoded;
}

function truncate(value: unknown): string {
  const text = String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

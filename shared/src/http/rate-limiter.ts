import type { IncomingMessage } from 'node:http';

/**
 * Per-client rate limiting: one token bucket per client address. A bucket holds `burst` requests
 * (a minute's worth by default) and refills at `perMinute` a minute, so a client may burst, then
 * is held to its rate.
 */
export interface RateLimiter {
  /** Takes one request from `client`'s bucket: allowed, or refused with the seconds to wait. */
  take(client: string): { allowed: true } | { allowed: false; retryAfterSeconds: number };
  /** Buckets currently kept (bounded by `maxClients`). */
  readonly size: number;
}

export interface RateLimiterOptions {
  perMinute: number;
  burst?: number;
  /** Buckets kept at most; the least recently seen client is forgotten first (it starts full again). */
  maxClients?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute, burst = perMinute, maxClients = 100_000, now = Date.now } = options;
  if (!(perMinute > 0) || !(burst >= 1)) throw new Error('A rate limiter needs perMinute > 0 and burst >= 1');
  const perMs = perMinute / 60_000;
  // A Map keeps insertion order: re-inserting on each use makes its first key the least recent.
  const buckets = new Map<string, Bucket>();
  return {
    get size() {
      return buckets.size;
    },
    take(client) {
      const at = now();
      const bucket = buckets.get(client) ?? { tokens: burst, updatedAt: at };
      buckets.delete(client);
      bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, at - bucket.updatedAt) * perMs);
      bucket.updatedAt = at;
      buckets.set(client, bucket);
      while (buckets.size > maxClients) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}

/**
 * The client's address: the peer's, or, behind `trustProxyHops` proxies of our own (a load
 * balancer), the address the outermost of them saw, read from the right of `X-Forwarded-For`
 * (entries further left are written by the client and cannot be trusted).
 */
export function clientAddress(request: IncomingMessage, trustProxyHops = 0): string {
  const peer = normalizeAddress(request.socket.remoteAddress ?? 'unknown');
  if (trustProxyHops <= 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (forwarded.length === 0) return peer;
  return normalizeAddress(forwarded[Math.max(0, forwarded.length - trustProxyHops)]);
}

const normalizeAddress = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

import autocannon from 'autocannon';

export interface LoadSettings {
  url: string;
  /** Pre-serialised JSON bodies, sent in turn (one entry: identical requests). */
  bodies: string[];
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  /** Responses received. */
  responses: number;
  durationSeconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors and timeouts, plus 2xx responses whose body carries GraphQL errors or no data. */
  errors: number;
  /** Of those, 2xx responses with data beside their errors (a partial answer). */
  partial: number;
  non2xx: number;
}

/** The running load, so that a signal can stop it. */
let current: autocannon.Instance | null = null;

export function stopCurrentLoad(): void {
  current?.stop();
}

/**
 * One cell: `connections` keep-alive connections sending POSTs back to back for `durationSeconds`,
 * bodies taken in turn from a shared rotation. Latencies are recorded here at full precision
 * (autocannon's histogram has a resolution of 1 ms, too coarse for sub-millisecond differences).
 */
export async function runLoad(settings: LoadSettings): Promise<LoadResult> {
  let next = 0;
  const { bodies } = settings;
  const latencies: number[] = [];
  let graphqlErrors = 0;
  let partial = 0;
  const instance = autocannon({
    url: settings.url,
    connections: settings.connections,
    duration: settings.durationSeconds,
    timeout: 10,
    // The run stops at the first sample tick after `duration`: tick often, so cells last what they say.
    sampleInt: 100,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
        // A GraphQL failure can be HTTP 200 (application/json): a 2xx response counts as an error
        // unless it has data and no errors.
        onResponse: (status, body) => {
          if (status < 200 || status >= 300) return;
          const hasErrors = body.includes('"errors":');
          const hasData = body.includes('"data":{');
          if (hasErrors || !hasData) graphqlErrors++;
          if (hasErrors && hasData) partial++;
        },
      },
    ],
  });
  current = instance;
  instance.on('response', (_client, _statusCode, _bytes, responseTimeMs) => {
    latencies.push(responseTimeMs);
  });
  try {
    const result = await instance;
    latencies.sort((a, b) => a - b);
    return {
      responses: latencies.length,
      durationSeconds: result.duration,
      requestsPerSecond: latencies.length / result.duration,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      errors: result.errors + graphqlErrors,
      partial,
      non2xx: result.non2xx,
    };
  } finally {
    current = null;
  }
}

/** Nearest-rank percentile of sorted values (NaN when there are none). */
export function percentile(sorted: number[], fraction: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (!finite.length) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
}

import type { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';

/**
 * One structured log line per GraphQL request, with the request id that the gateway creates (or
 * takes from the caller's `x-request-id`) and passes to every subgraph, so that one request can be
 * followed across services: `grep <requestId>` over all their logs. When tracing is on, the line
 * also carries the request's `traceId` (the same in every service), to go from a log line to its
 * trace and back.
 */
export function requestLoggingPlugin<T extends { requestId?: string | null }>(logger: Logger): ApolloServerPlugin<T> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      // The HTTP server span of this request (none when tracing is off).
      const span = trace.getActiveSpan()?.spanContext();
      const traceId = span && trace.isSpanContextValid(span) ? span.traceId : undefined;
      return {
        async willSendResponse({ operationName, operation, response, errors }) {
          const sent = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const codes = (sent ?? errors ?? []).map((error) => String((error as { extensions?: { code?: unknown } }).extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          const entry = {
            requestId: contextValue.requestId ?? undefined,
            traceId,
            operationName: operationName ?? undefined,
            operationType: operation?.operation,
            durationMs: Number(process.hrtime.bigint() - started) / 1e6,
            errors: codes.length ? codes : undefined,
          };
          if (codes.includes('INTERNAL_SERVER_ERROR')) logger.error({ ...entry, details: (errors ?? []).map((e) => e.message) }, 'graphql request failed');
          else logger.info(entry, 'graphql request');
        },
      };
    },
  };
}

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { type Attributes, type Context, context, diag, DiagLogLevel, type Link, type SpanKind, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import { LOG_LEVELS } from '../config/runtime-config';
import { readEnum, redactUrl } from '../config/env.util';
import { createLogger, type Logger } from '../logging/logger';
import { within } from '../runtime/within';
import type { EnabledTracingConfig } from './tracing-config';

/** Incoming requests that make no span: probes and scrapes, every few seconds, of no interest. */
const UNTRACED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);
/** Paths that name their server span (`POST /graphql`); the others keep the method alone. */
const NAMED_ROUTES = new Set(['/graphql', '/explorer', '/']);

/**
 * GraphQL resolver spans stop below this many field names (`_entities` → `members` → `nodes`):
 * deep enough for the resolvers that load data (the SQL spans hang under them), not one span
 * per leaf field.
 */
const GRAPHQL_SPAN_DEPTH = 3;

/** What the last export on shutdown may take: within the shutdown margin of the process. */
const SHUTDOWN_TIMEOUT_MS = 3_000;

export interface TracingHandle {
  readonly config: EnabledTracingConfig;
  /** Exports the spans still queued and stops the exporter (bounded; never rejects). */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK for this process: a `NodeTracerProvider` with a batch span
 * processor exporting OTLP/HTTP (JSON) to `config.tracesUrl`, W3C trace-context propagation, a
 * resource naming the service, and the instrumentations of `http` (server spans, and the traceparent
 * of incoming requests), undici (the gateway's calls to subgraphs, with the kernel's undici client
 * or `fetch`; the traceparent is injected), `pg` (one span per SQL statement, its text with `$n`
 * placeholders, never the bound values) and `graphql`.
 *
 * Call it before `http`, `pg` and `graphql` are required (see `register.ts`). The batch processor
 * reads `OTEL_BSP_*`, the exporter `OTEL_EXPORTER_OTLP_HEADERS`, `…_TIMEOUT`, `…_COMPRESSION`.
 */
export function startTracing(config: EnabledTracingConfig, env: NodeJS.ProcessEnv = process.env): TracingHandle {
  const logger = createLogger(config.serviceName, readEnum(env, 'LOG_LEVEL', LOG_LEVELS, env.NODE_ENV === 'test' ? 'silent' : 'info'));
  diag.setLogger(diagLogger(logger), DiagLogLevel.WARN);

  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, [ATTR_SERVICE_VERSION]: projectVersion() }))
    // OTEL_RESOURCE_ATTRIBUTES (deployment.environment, service.namespace …) and OTEL_SERVICE_NAME.
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    sampler: new GraphQLWithinTraces(samplerOf(config)),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }))],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has(pathOf(request.url)),
        requestHook: (_span, request) => {
          // An incoming request (an outgoing one has no `url`): its route names the server span.
          const url = (request as IncomingMessage).url;
          const metadata = getRPCMetadata(context.active());
          if (typeof url === 'string' && metadata?.type === RPCType.HTTP && NAMED_ROUTES.has(pathOf(url))) metadata.route = pathOf(url);
        },
      }),
      new UndiciInstrumentation(),
      // No span for a statement outside a traced request (migrations, readiness checks), and never
      // the parameters (`enhancedDatabaseReporting` would record them: member data, PII).
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      // `allowValues: false` (the default) replaces literals in `graphql.source` by `*`.
      new GraphQLInstrumentation({ allowValues: false, mergeItems: true, ignoreTrivialResolveSpans: true, depth: GRAPHQL_SPAN_DEPTH }),
    ],
  });
  logger.info({ tracesUrl: redactUrl(config.tracesUrl), sampler: config.sampler }, 'tracing: exporting spans over OTLP/HTTP');

  let stopped: Promise<void> | null = null;
  return {
    config,
    shutdown() {
      stopped ??= (async () => {
        try {
          const outcome = await within(provider.shutdown().then(() => 'done' as const), SHUTDOWN_TIMEOUT_MS, 'timeout' as const);
          if (outcome === 'timeout') logger.warn({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'tracing: the last spans were not exported in time');
        } catch (error) {
          logger.warn({ err: error }, 'tracing: the last spans could not be exported');
        }
      })();
      return stopped;
    },
  };
}

function samplerOf(config: EnabledTracingConfig): Sampler {
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(config.samplerRatio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.samplerRatio) });
  }
}

/**
 * No root span for GraphQL's own work: a service parses its schema and documents at start-up
 * (`graphql.parse`, `graphql.parseSchema`), which would make one trace each. Within a traced
 * request they are kept, and decided by the configured sampler like any span.
 */
class GraphQLWithinTraces implements Sampler {
  constructor(private readonly next: Sampler) {}

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (name.startsWith('graphql.') && trace.getSpanContext(context) === undefined) return { decision: SamplingDecision.NOT_RECORD };
    return this.next.shouldSample(context, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return `GraphQLWithinTraces{${this.next.toString()}}`;
  }
}

/** The SDK's own warnings and errors (an export that failed, spans dropped) in the service's log. */
function diagLogger(logger: Logger) {
  const log = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (message: string, ...args: unknown[]) =>
    logger[level]({ component: 'opentelemetry', details: args.length ? args.map(String) : undefined }, message);
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), verbose: log('trace') };
}

function pathOf(url: string | undefined): string {
  const end = (url ?? '').search(/[?#]/);
  return end < 0 ? (url ?? '') : (url ?? '').slice(0, end);
}

/** `service.version`: the version in the project's package.json (found from the sources or `dist/`). */
function projectVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'alliance-graph' && manifest.version) return manifest.version;
    } catch {
      // no package.json here: look in the parent
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

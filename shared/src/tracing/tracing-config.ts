import { ConfigError, type Env, readEnum, readOptionalString, readOptionalUrl } from '../config/env.util';

/**
 * OpenTelemetry tracing settings, read from the standard OTel variables. Tracing is off unless an
 * OTLP endpoint is configured; an empty variable counts as unset (docker-compose passes
 * `${OTEL_EXPORTER_OTLP_ENDPOINT:-}` through to every service).
 */
export type TracingConfig = { enabled: false } | EnabledTracingConfig;

export interface EnabledTracingConfig {
  enabled: true;
  /** Where spans are POSTed (OTLP/HTTP, JSON). */
  tracesUrl: string;
  /** `service.name` of the resource: `OTEL_SERVICE_NAME`, or the service's own name. */
  serviceName: string;
  sampler: TracesSampler;
  /** `OTEL_TRACES_SAMPLER_ARG`: the ratio of the trace-id-ratio samplers (1 when unset). */
  samplerRatio: number;
}

export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

/** OTLP/HTTP only: this exporter posts JSON, which every OTLP/HTTP receiver (port 4318) accepts. */
const HTTP_PROTOCOLS = ['http/json', 'http/protobuf'] as const;

/**
 * Reads the tracing settings of one service. `serviceName` is its default `service.name`
 * (`gateway`, `partnership`, `subgraph-megalis` …). Throws a `ConfigError` naming the variable
 * for a malformed URL, an unknown sampler or exporter, a ratio outside 0–1, or gRPC.
 *
 * - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (the base
 *   URL: `/v1/traces` is appended) turns tracing on;
 * - `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` keeps it off whatever the endpoint;
 * - `OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` as the OTel
 *   specification defines them (parent-based, always on, by default).
 */
export function readTracingConfig(env: Env, serviceName: string): TracingConfig {
  const disabled = readOptionalString(env, 'OTEL_SDK_DISABLED')?.toLowerCase();
  if (disabled !== undefined && disabled !== 'true' && disabled !== 'false') {
    throw new ConfigError('OTEL_SDK_DISABLED', `must be true or false; got ${JSON.stringify(env.OTEL_SDK_DISABLED)}.`);
  }
  const exporter = readEnum(env, 'OTEL_TRACES_EXPORTER', ['otlp', 'none'], 'otlp');
  for (const name of ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']) {
    const protocol = readOptionalString(env, name);
    if (protocol !== undefined && !(HTTP_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new ConfigError(name, `must be http/json or http/protobuf (spans are sent over OTLP/HTTP, not gRPC); got ${JSON.stringify(protocol)}.`);
    }
  }
  // Both URLs are validated even when the other one wins: a typo should not wait for a redeploy.
  const tracesEndpoint = readOptionalUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http:', 'https:']);
  const baseEndpoint = readOptionalUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  const sampler = readEnum(env, 'OTEL_TRACES_SAMPLER', TRACES_SAMPLERS, 'parentbased_always_on');
  const samplerRatio = readRatio(env, 'OTEL_TRACES_SAMPLER_ARG');
  const tracesUrl = tracesEndpoint ?? (baseEndpoint === undefined ? undefined : `${baseEndpoint.replace(/\/+$/, '')}/v1/traces`);
  if (tracesUrl === undefined || disabled === 'true' || exporter === 'none') return { enabled: false };
  return {
    enabled: true,
    tracesUrl,
    serviceName: readOptionalString(env, 'OTEL_SERVICE_NAME') ?? serviceName,
    sampler,
    samplerRatio,
  };
}

function readRatio(env: Env, name: string): number {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return 1;
  const ratio = Number(raw);
  if (!/^\s*[0-9.eE+-]+\s*$/.test(raw) || !Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new ConfigError(name, `must be a number from 0 to 1; got ${JSON.stringify(raw)}.`);
  }
  return ratio;
}

/**
 * The default `service.name` of a process, from its entry point (`process.argv[1]`), run from the
 * sources (tsx) or compiled (`dist/…/index.js`): `gateway/src/index` → `gateway`,
 * `gateway/partnership/index` → `partnership`, `subgraphs/<slug>/src/index` → `subgraph-<slug>`;
 * anything else (a script) → `alliance-graph`.
 */
export function serviceNameOfEntryPoint(entryPoint: string | undefined): string {
  const path = (entryPoint ?? '').replace(/\\/g, '/');
  const entry = /\/index\.[cm]?[jt]s$/;
  if (!entry.test(path)) return 'alliance-graph';
  const subgraph = /\/subgraphs\/([^/]+)\/src\/index\.[cm]?[jt]s$/.exec(path);
  if (subgraph) return `subgraph-${subgraph[1]}`;
  if (/\/gateway\/partnership\/index\.[cm]?[jt]s$/.test(path)) return 'partnership';
  if (/\/gateway\/src\/index\.[cm]?[jt]s$/.test(path)) return 'gateway';
  return 'alliance-graph';
}

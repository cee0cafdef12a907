import { ConfigError } from '../../config/env.util';
import { readTracingConfig, serviceNameOfEntryPoint } from '../tracing-config';

describe('Tracing configuration: off unless an OTLP endpoint is set', () => {
  it.each([
    ['no variable', {}],
    ['empty endpoints (as docker-compose passes them)', { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' }],
    ['OTEL_SDK_DISABLED=true', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }],
    ['OTEL_SDK_DISABLED=TRUE', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' }],
    ['OTEL_TRACES_EXPORTER=none', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }],
    ['only a service name', { OTEL_SERVICE_NAME: 'megalis' }],
  ])('is disabled with %s', (_, env) => {
    expect(readTracingConfig(env, 'gateway')).toEqual({ enabled: false });
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT, with or without a trailing slash', () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'gateway')).toEqual({
      enabled: true,
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'gateway',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/prefix/' }, 'gateway')).toMatchObject({ tracesUrl: 'https://otel.example/prefix/v1/traces' });
  });

  it('takes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, before the base endpoint', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/otlp/v1/traces' };
    expect(readTracingConfig(env, 'gateway')).toMatchObject({ enabled: true, tracesUrl: 'http://tempo:4318/otlp/v1/traces' });
  });

  it('names the service after OTEL_SERVICE_NAME, else after the process', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(readTracingConfig(env, 'subgraph-megalis')).toMatchObject({ serviceName: 'subgraph-megalis' });
    expect(readTracingConfig({ ...env, OTEL_SERVICE_NAME: 'megalis-eu-west' }, 'subgraph-megalis')).toMatchObject({ serviceName: 'megalis-eu-west' });
  });

  it('reads the sampler and its ratio', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' };
    expect(readTracingConfig(env, 'gateway')).toMatchObject({ sampler: 'parentbased_traceidratio', samplerRatio: 0.25 });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /must be a http: or https: URL/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /must be a URL/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', /must be a URL/],
    // A typo in the variable that loses is reported too.
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'htp//x' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /must be a URL/],
    // Even when tracing is disabled: the value is wrong all the same.
    [{ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'nope' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /must be a URL/],
    [{ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED', /must be true or false/],
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, 'OTEL_TRACES_EXPORTER', /must be one of otlp, none/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL', /http\/json or http\/protobuf/],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', /http\/json or http\/protobuf/],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER', /must be one of always_on/],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG', /from 0 to 1/],
    [{ OTEL_TRACES_SAMPLER_ARG: 'half' }, 'OTEL_TRACES_SAMPLER_ARG', /from 0 to 1/],
  ])('refuses %j, naming the variable', (env, variable, message) => {
    let thrown: unknown;
    try {
      readTracingConfig(env, 'gateway');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toMatch(new RegExp(`${variable} `));
    expect((thrown as ConfigError).message).toMatch(message);
  });

  it('accepts both OTLP/HTTP protocols', () => {
    for (const protocol of ['http/json', 'http/protobuf']) {
      expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: protocol }, 'gateway')).toMatchObject({ enabled: true });
    }
  });
});

describe('Tracing configuration: the service name of a process', () => {
  it.each([
    ['/srv/app/gateway/src/index.ts', 'gateway'],
    ['/app/dist/gateway/src/index.js', 'gateway'],
    ['/srv/app/gateway/partnership/index.ts', 'partnership'],
    ['/srv/app/subgraphs/megalis/src/index.ts', 'subgraph-megalis'],
    ['/app/dist/subgraphs/ternum-bfc/src/index.js', 'subgraph-ternum-bfc'],
    ['C:\\alliance\\subgraphs\\maximilien\\src\\index.ts', 'subgraph-maximilien'],
    ['/srv/app/scripts/start.ts', 'alliance-graph'],
    [undefined, 'alliance-graph'],
  ])('%s → %s', (entryPoint, name) => {
    expect(serviceNameOfEntryPoint(entryPoint)).toBe(name);
  });
});

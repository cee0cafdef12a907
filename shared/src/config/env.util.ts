/**
 * Reading configuration from the environment, once, at start-up. Every reader names the variable
 * in its error so that a bad value stops the process with a message that says what to fix.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

export function readString(env: Env, name: string, fallback?: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(name, 'is required but not set.');
  }
  return value;
}

export function readOptionalString(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** A TCP port: an integer from 0 (any free port) to 65535. */
export function readPort(env: Env, name: string, fallback: number): number {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return fallback;
  if (!/^[0-9]{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(name, `must be a port number from 0 to 65535; got ${JSON.stringify(raw)}.`);
  }
  return Number(raw);
}

export function readPositiveInt(env: Env, name: string, fallback: number): number {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return fallback;
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) {
    throw new ConfigError(name, `must be a positive integer; got ${JSON.stringify(raw)}.`);
  }
  return Number(raw);
}

export function readUrl(env: Env, name: string, protocols: readonly string[], fallback?: string): string {
  const raw = readOptionalString(env, name) ?? fallback;
  if (raw === undefined) throw new ConfigError(name, 'is required but not set.');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL; got ${JSON.stringify(redactUrl(raw))}.`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must be a ${protocols.join(' or ')} URL; got ${JSON.stringify(url.protocol)}.`);
  }
  return raw;
}

export function readOptionalUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  return readOptionalString(env, name) === undefined ? undefined : readUrl(env, name, protocols);
}

export function readEnum<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return fallback;
  if (!values.includes(raw as T)) {
    throw new ConfigError(name, `must be one of ${values.join(', ')}; got ${JSON.stringify(raw)}.`);
  }
  return raw as T;
}

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be true or false; got ${JSON.stringify(raw)}.`);
}

/** A URL with its password replaced, safe to print. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
}

/** An integer from 0 (off) up. */
export function readNonNegativeInt(env: Env, name: string, fallback: number): number {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return fallback;
  if (!/^(0|[1-9][0-9]{0,8})$/.test(raw)) throw new ConfigError(name, `must be a non-negative integer (0 turns it off); got ${JSON.stringify(raw)}.`);
  return Number(raw);
}

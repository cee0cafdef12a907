import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(__dirname, '..');

export interface Settings {
  quick: boolean;
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  out: string;
  /** Whether `--out` was given: a focused run writes only then (BENCHMARKS.md is the whole run's). */
  outGiven: boolean;
  /** Operation keys to run (`--only a,b`); all when empty. */
  only: string[];
  /** Targets to run (`--targets ours,direct`); all when empty. */
  targets: string[];
}

const list = (raw: string | undefined): string[] => (raw ?? '').split(',').map((item) => item.trim()).filter(Boolean);

/**
 * A numeric command-line option: `fallback` when absent, else a finite number from `min` to `max`,
 * or an error naming the option.
 */
export function numberOption(name: string, raw: string | undefined, fallback: number, min: number, max = Number.POSITIVE_INFINITY): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = Number.isFinite(max) ? `from ${min} to ${max}` : `≥ ${min}`;
    throw new Error(`--${name} must be a number ${range}; got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The command line: `--quick`, or each setting on its own. */
export function readSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      out: { type: 'string' },
      only: { type: 'string' },
      targets: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  return {
    quick,
    rounds: Math.round(numberOption('rounds', values.rounds, quick ? 3 : 5, 1)),
    durationSeconds: numberOption('duration', values.duration, quick ? 0.8 : 10, 0.5),
    warmupSeconds: numberOption('warmup', values.warmup, quick ? 0.2 : 3, 0),
    connections: Math.round(numberOption('connections', values.connections, 10, 1)),
    out: resolve(process.cwd(), values.out ?? resolve(ROOT, 'BENCHMARKS.md')),
    outGiven: values.out !== undefined,
    only: list(values.only),
    targets: list(values.targets),
  };
}

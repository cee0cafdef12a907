import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ConfigError } from '../shared/src/config/env.util';
import type { OperatorDefinition } from '../shared/src/operators/operator-definition';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { currentCommunes, departements, regions } from '../shared/src/reference/insee-reference';
import { runCli } from './operator-cli';
import { ROOT } from './schema-files';

/**
 * `npm run new-operator -- --code RECIA --name "GIP RECIA" --region 24 --departements 18,28,36,37,41,45
 *   [--legal-form "…"] [--seat "Orléans"] [--website https://…] [--members 300] [--port 4004]`
 *
 * Onboards an operator: one registry entry (shared/src/operators/operator-registry.ts) and one new
 * folder (subgraphs/<slug>/) with its module, listener and an empty catalogue; then regenerates the
 * SDL files and docker-compose.yml and recomposes the supergraph. No existing subgraph's file
 * changes. Its database is created, migrated and seeded from the INSEE reference of its
 * départements on the next `npm start` (or `npm run migrate` / `npm run seed` with its
 * `<CODE>_DATABASE_URL`).
 */
interface Options {
  code: string;
  name: string;
  region: string;
  departements: string[];
  legalForm: string;
  seat: string | null;
  website: string | null;
  members: number;
  port: number;
}

function parseArgs(argv: string[]): Options {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    if (index >= 0) return argv[index + 1];
    const inline = argv.find((arg) => arg.startsWith(`${flag}=`));
    return inline?.slice(flag.length + 1);
  };
  const required = (flag: string): string => {
    const found = value(flag);
    if (!found) throw new ConfigError(flag, 'is required.');
    return found;
  };
  const code = required('--code');
  if (!/^[A-Z][A-Z0-9_]{1,29}$/.test(code)) throw new ConfigError('--code', 'must be upper-case letters, digits and _ (e.g. RECIA).');
  if (OPERATORS.some((operator) => operator.code === code)) throw new ConfigError('--code', `${code} is already registered.`);
  const region = required('--region');
  const regionEntry = regions().find((r) => r.code === region);
  if (!regionEntry) throw new ConfigError('--region', `${region} is not an INSEE région code.`);
  const departementCodes = required('--departements').split(',').map((d) => d.trim());
  for (const code of departementCodes) {
    const entry = departements().find((d) => d.code === code);
    if (!entry || entry.region !== region) throw new ConfigError('--departements', `${code} is not a département of région ${region}.`);
  }
  const members = Number(value('--members') ?? 300);
  if (!Number.isInteger(members) || members < 50 || members > 100_000) throw new ConfigError('--members', 'must be an integer from 50 to 100000.');
  const port = Number(value('--port') ?? Math.max(...OPERATORS.map((o) => o.defaultPort)) + 1);
  if (!Number.isInteger(port) || port < 1024 || port > 65535 || OPERATORS.some((o) => o.defaultPort === port)) {
    throw new ConfigError('--port', 'must be a free port number from 1024 to 65535.');
  }
  const chefLieu = (regionEntry as { chefLieu?: string }).chefLieu;
  return {
    code,
    name: required('--name'),
    region,
    departements: departementCodes,
    legalForm: value('--legal-form') ?? "Groupement d'intérêt public",
    seat: value('--seat') ?? currentCommunes().find((c) => c.code === chefLieu)?.nom ?? null,
    website: value('--website') ?? null,
    members,
    port,
  };
}

const pascal = (code: string) => code.toLowerCase().split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');

function registryEntry(definition: OperatorDefinition): string {
  const q = (text: string | null) => (text === null ? 'null' : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
  return `  {
    code: ${q(definition.code)},
    slug: ${q(definition.slug)},
    typePrefix: ${q(definition.typePrefix)},
    name: ${q(definition.name)},
    legalForm: ${q(definition.legalForm)},
    siren: ${q(definition.siren)},
    seat: ${q(definition.seat)},
    website: ${q(definition.website)},
    regionCode: ${q(definition.regionCode)},
    departementCodes: [${definition.departementCodes.map(q).join(', ')}],
    defaultPort: ${definition.defaultPort},
    databaseName: ${q(definition.databaseName)},
    seed: { memberCount: ${definition.seed!.memberCount}, communes: '${definition.seed!.communes}' },
  },
`;
}

function moduleSource(definition: OperatorDefinition, exportName: string): string {
  return `import { getOperatorOrThrow } from '../../../shared/src/operators/operator-registry';
import type { OperatorModule } from '../../../shared/src/subgraph/operator-specifics';
import { CATALOGUE } from './catalogue';

/**
 * ${definition.name}: the kernel as it is, to begin with. Its specifics (extra SDL, resolvers,
 * tables, seed) go here, as the other operators' do.
 */
export const ${exportName}: OperatorModule = {
  operator: getOperatorOrThrow('${definition.code}'),
  specifics: { sdl: '', catalogue: CATALOGUE },
};
`;
}

runCli(async () => {
  const options = parseArgs(process.argv.slice(2));
  const slug = options.code.toLowerCase().replace(/_/g, '-');
  const definition: OperatorDefinition = {
    code: options.code,
    slug,
    typePrefix: pascal(options.code),
    name: options.name,
    legalForm: options.legalForm,
    siren: null,
    seat: options.seat ?? options.name,
    website: options.website,
    regionCode: options.region,
    departementCodes: options.departements,
    defaultPort: options.port,
    databaseName: options.code.toLowerCase(),
    seed: { memberCount: options.members, communes: 'LARGEST_FIRST' },
  };
  const folder = join(ROOT, 'subgraphs', slug);
  if (existsSync(folder)) throw new ConfigError('--code', `subgraphs/${slug} already exists.`);

  // 1. The registry entry, appended to the list.
  const registryPath = join(ROOT, 'shared/src/operators/operator-registry.ts');
  const registry = readFileSync(registryPath, 'utf8');
  const end = registry.indexOf('\n];', registry.indexOf('export const OPERATORS'));
  if (end < 0) throw new Error('The OPERATORS list was not found in operator-registry.ts');
  writeFileSync(registryPath, `${registry.slice(0, end + 1)}${registryEntry(definition)}${registry.slice(end + 1)}`);

  // 2. The operator's folder.
  const exportName = `${definition.typePrefix.charAt(0).toLowerCase()}${definition.typePrefix.slice(1)}Module`;
  mkdirSync(join(folder, 'src'), { recursive: true });
  writeFileSync(join(folder, 'src', `${slug}.module.ts`), moduleSource(definition, exportName));
  writeFileSync(
    join(folder, 'src', 'index.ts'),
    `// First, and as a bare import (never elided): tracing patches http, pg and graphql as they are
// required. Off unless an OTLP endpoint is configured.
import '../../../shared/src/tracing/register';
import { runOperatorSubgraph } from '../../../shared/src/subgraph/run-operator-subgraph';
import { ${exportName} } from './${slug}.module';

runOperatorSubgraph(${exportName}).catch((error: unknown) => {
  process.stderr.write(\`\${error instanceof Error ? error.stack : String(error)}\\n\`);
  process.exit(1);
});
`,
  );
  writeFileSync(
    join(folder, 'src', 'catalogue.ts'),
    `import type { SeedService } from '../../../shared/src/seed/seed-types';

/** ${definition.name}'s service catalogue for the seed: to be filled from its public offer. */
export const CATALOGUE: SeedService[] = [];
`,
  );

  // 3. Its npm script, beside the others'.
  const packagePath = join(ROOT, 'package.json');
  const manifest = JSON.parse(readFileSync(packagePath, 'utf8')) as { scripts: Record<string, string> };
  manifest.scripts[`start:${slug}`] = `tsx subgraphs/${slug}/src/index.ts`;
  writeFileSync(packagePath, `${JSON.stringify(manifest, null, 2)}\n`);

  // 4. Everything derived from the registry: SDL files, docker-compose.yml, the supergraph.
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/compose.ts')], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/generate.ts')], { cwd: ROOT, stdio: 'inherit' });
  process.stdout.write(
    `\n${definition.code} added: ${relative(ROOT, registryPath)}, subgraphs/${slug}/.\n` +
      `Start it all with npm start (its database is created, migrated and seeded), or its subgraph alone with\n` +
      `${definition.code}_DATABASE_URL=… ${definition.code}_PORT=${definition.defaultPort} npx tsx subgraphs/${slug}/src/index.ts\n`,
  );
});

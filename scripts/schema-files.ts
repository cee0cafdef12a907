import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { renderOperatorSchema } from '../shared/src/schema/operator-schema.template';
import { renderPartnershipSchema } from '../shared/src/schema/partnership-schema.template';
import { loadOperatorModule } from '../subgraphs/operator-modules';

export const ROOT = resolve(__dirname, '..');
export const SUPERGRAPH_FILE = resolve(ROOT, 'gateway/supergraph.graphql');

/** One subgraph's SDL file: its name in the supergraph, default URL, path and generated text. */
export interface SubgraphSchemaFile {
  name: string;
  url: string;
  path: string;
  render(): string;
}

/** The SDL files of every subgraph, derived from the registry. */
export function subgraphSchemaFiles(): SubgraphSchemaFile[] {
  return [
    {
      name: 'partnership',
      url: 'http://127.0.0.1:4010/graphql',
      path: resolve(ROOT, 'gateway/partnership/schema.graphql'),
      render: () => renderPartnershipSchema(OPERATORS),
    },
    ...OPERATORS.map((operator) => ({
      name: operator.slug,
      url: `http://127.0.0.1:${operator.defaultPort}/graphql`,
      path: resolve(ROOT, 'subgraphs', operator.slug, 'schema.graphql'),
      render: () => renderOperatorSchema(operator, loadOperatorModule(operator).specifics.sdl),
    })),
  ];
}

export class CompositionError extends Error {}

/** Composes the supergraph from SDL texts with @apollo/composition; throws on any error. */
export function composeSupergraph(files: { name: string; url: string; sdl: string }[]): { supergraphSdl: string; hints: string[] } {
  const result = composeServices(files.map((file) => ({ name: file.name, url: file.url, typeDefs: parse(file.sdl) })));
  if (result.errors) {
    throw new CompositionError(`Composition failed:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  return {
    supergraphSdl: `${result.supergraphSdl}\n`,
    hints: result.hints.map((hint) => hint.toString()),
  };
}

/** Composes from the SDL files as committed. */
export function composeCommittedFiles() {
  return composeSupergraph(
    subgraphSchemaFiles().map((file) => ({ name: file.name, url: file.url, sdl: readFileSync(file.path, 'utf8') })),
  );
}

export function writeIfChanged(path: string, text: string): boolean {
  let current: string | null = null;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = null;
  }
  if (current === text) return false;
  writeFileSync(path, text);
  return true;
}

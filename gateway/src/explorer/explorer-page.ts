import { createHash } from 'node:crypto';
import type { ExampleOperation } from '../../../examples/example-operations';
import { EXPLORER_ASSETS_PATH, type ExplorerAsset } from './explorer-assets';

/**
 * Everything from the gateway's own origin. GraphiQL's CSS carries its fonts and icons as `data:`
 * URLs; React and CodeMirror set styles through the CSSOM, which `style-src` does not restrict.
 */
export const EXPLORER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SCRIPTS = ['react.production.min.js', 'react-dom.production.min.js', 'graphiql.min.js', 'explorer.js'];
const STYLESHEETS = ['graphiql.min.css', 'explorer.css'];

/**
 * The explorer's HTML: the served assets, by relative URL (the page answers at `/explorer`,
 * `/graphql` and `/`, all one level below the root), and the example operations as a JSON data
 * block, which is not executed and so needs no CSP exception.
 */
export function renderExplorerPage(assets: ReadonlyMap<string, ExplorerAsset>, examples: readonly ExampleOperation[]): string {
  const href = (name: string): string => {
    const asset = assets.get(name);
    if (!asset) throw new Error(`The explorer page names an asset "${name}" that is not served`);
    return `${EXPLORER_ASSETS_PATH.slice(1)}${name}?v=${asset.hash}`;
  };
  const examplesJson = JSON.stringify(examples.map(({ name, description, query, variables }) => ({ name, description, query, variables })));
  const namespace = `alliance-graph:${createHash('sha256').update(examplesJson).digest('hex').slice(0, 8)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Alliance Graph explorer</title>
<link rel="icon" href="data:,">
${STYLESHEETS.map((name) => `<link rel="stylesheet" href="${href(name)}">`).join('\n')}
</head>
<body>
<div id="graphiql" data-storage-namespace="${namespace}">Loading the explorer…</div>
<script type="application/json" id="explorer-examples">${examplesJson.replace(/</g, '\\u003c')}</script>
${SCRIPTS.map((name) => `<script src="${href(name)}"></script>`).join('\n')}
</body>
</html>
`;
}

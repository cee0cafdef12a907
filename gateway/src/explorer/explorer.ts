import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXAMPLE_OPERATIONS } from '../../../examples/example-operations';
import { EXPLORER_ASSET_NAMES, EXPLORER_ASSETS_PATH, explorerAssets, type ExplorerAsset } from './explorer-assets';
import { EXPLORER_CONTENT_SECURITY_POLICY, renderExplorerPage } from './explorer-page';
import { prefersHtml } from './prefers-html.util';

type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean;

/**
 * The explorer's routes: GraphiQL with the example operations preloaded, served with React from
 * the gateway's own npm packages — no CDN, no remote font, nothing outside the gateway's origin.
 * `/explorer` is the page; `/graphql` and `/` show it to a browser (an `Accept` that prefers HTML
 * on GET or HEAD) and let every other request through to GraphQL. The gateway mounts these routes
 * in development only.
 */
export function explorerRoutes(): Record<string, RouteHandler> {
  let page: string | undefined;
  const sendPage = (request: IncomingMessage, response: ServerResponse): true => {
    page ??= renderExplorerPage(explorerAssets(), EXAMPLE_OPERATIONS);
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': EXPLORER_CONTENT_SECURITY_POLICY,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      vary: 'Accept',
    });
    response.end(request.method === 'HEAD' ? undefined : page);
    return true;
  };
  const pageForBrowsers: RouteHandler = (request, response) =>
    isRead(request) && prefersHtml(request.headers.accept) ? sendPage(request, response) : false;
  const routes: Record<string, RouteHandler> = {
    '/explorer': (request, response) => (isRead(request) ? sendPage(request, response) : methodNotAllowed(response)),
    '/graphql': pageForBrowsers,
    '/': pageForBrowsers,
  };
  // One exact path per asset: the assets are read on first request, not when routes are mounted.
  for (const name of EXPLORER_ASSET_NAMES) {
    routes[`${EXPLORER_ASSETS_PATH}${name}`] = (request, response) => {
      const asset = explorerAssets().get(name);
      if (!asset) throw new Error(`The explorer route of "${name}" has no asset`);
      return isRead(request) ? sendAsset(asset, request, response) : methodNotAllowed(response);
    };
  }
  return routes;
}

function isRead(request: IncomingMessage): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}

/** The page names assets with `?v=<hash>`: such a URL never changes content, so it is immutable. */
function sendAsset(asset: ExplorerAsset, request: IncomingMessage, response: ServerResponse): true {
  const etag = `"${asset.hash}"`;
  const version = new URL(request.url ?? '/', 'http://localhost').searchParams.get('v');
  const headers = {
    etag,
    'cache-control': version === asset.hash ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
  };
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    response.writeHead(304, headers);
    response.end();
    return true;
  }
  response.writeHead(200, { ...headers, 'content-type': asset.contentType, 'content-length': asset.body.length });
  response.end(request.method === 'HEAD' ? undefined : asset.body);
  return true;
}

function methodNotAllowed(response: ServerResponse): true {
  response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ error: 'method not allowed' }));
  return true;
}

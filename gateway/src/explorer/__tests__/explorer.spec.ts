import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXAMPLE_OPERATIONS } from '../../../../examples/example-operations';
import { offlineCss } from '../explorer-assets';
import { explorerRoutes } from '../explorer';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const FALLTHROUGH = 299;

let server: Server;
let origin: string;

/** The explorer's routes in front of a stand-in for GraphQL that answers 299. */
beforeAll(async () => {
  const routes = explorerRoutes();
  server = createServer((request, response) => {
    const route = routes[new URL(request.url ?? '/', 'http://localhost').pathname];
    void Promise.resolve(route ? route(request, response) : false).then((answered) => {
      if (answered) return;
      response.writeHead(FALLTHROUGH);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function explorerPage(): Promise<string> {
  return (await fetch(`${origin}/explorer`)).text();
}

function assetUrls(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(explorer\/assets\/[^"]+)"/g)].map((match) => `${origin}/${match[1]}`);
}

describe('Explorer: the page', () => {
  it('is HTML under a same-origin-only Content-Security-Policy', async () => {
    const response = await fetch(`${origin}/explorer`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('loads only its own assets, and runs no inline script', async () => {
    const html = await explorerPage();
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(assetUrls(html)).toHaveLength(6);
    for (const script of html.match(/<script[^>]*>/g)!) expect(script).toMatch(/ src="|type="application\/json"/);
  });

  it('carries every example operation, safely embedded', async () => {
    const html = await explorerPage();
    const block = /<script type="application\/json" id="explorer-examples">([^<]*)<\/script>/.exec(html)!;
    const examples = JSON.parse(block[1]) as { name: string; query: string }[];
    expect(examples.map((example) => example.name)).toEqual(EXAMPLE_OPERATIONS.map((operation) => operation.name));
    expect(examples[0].query).toBe(EXAMPLE_OPERATIONS[0].query);
  });

  it('answers GET and HEAD only', async () => {
    expect((await fetch(`${origin}/explorer`, { method: 'HEAD' })).status).toBe(200);
    const post = await fetch(`${origin}/explorer`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('Explorer: /graphql and /', () => {
  it.each(['/graphql', '/'])('show the page to a browser at %s', async (path) => {
    const response = await fetch(`${origin}${path}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it.each([
    ['GET', 'application/json'],
    ['GET', '*/*'],
    ['GET', 'application/graphql-response+json, application/json;q=0.9'],
    ['POST', BROWSER_ACCEPT],
    ['POST', 'application/json'],
  ])('let %s with Accept %s through to GraphQL', async (method, accept) => {
    const response = await fetch(`${origin}/graphql`, { method, headers: { accept }, body: method === 'POST' ? '{}' : undefined });
    expect(response.status).toBe(FALLTHROUGH);
  });
});

describe('Explorer: the assets', () => {
  it('are served with their content type and cached for good under their versioned URL', async () => {
    for (const url of assetUrls(await explorerPage())) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(url.includes('.css?') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const revalidated = await fetch(url, { headers: { 'if-none-match': response.headers.get('etag')! } });
      expect(revalidated.status).toBe(304);
      const unversioned = await fetch(url.replace(/\?v=.*/, ''));
      expect(unversioned.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('are a fixed list: no other path under /explorer/assets/ is served', async () => {
    expect(Object.keys(explorerRoutes()).filter((path) => path.startsWith('/explorer/assets/')).sort()).toEqual(
      [
        'explorer.css',
        'explorer.js',
        'graphiql.min.css',
        'graphiql.min.js',
        'react-dom.production.min.js',
        'react.production.min.js',
      ].map((name) => `/explorer/assets/${name}`),
    );
    for (const path of ['/explorer/assets/../../package.json', '/explorer/assets/%2e%2e/package.json', '/explorer/assets/graphiql.min.js.map']) {
      expect((await fetch(`${origin}${path}`)).status).toBe(FALLTHROUGH);
    }
  });

  it('reference nothing outside the page: GraphiQL CSS with data: URLs only, no source maps', async () => {
    const html = await explorerPage();
    for (const url of assetUrls(html)) {
      const text = await (await fetch(url)).text();
      expect(text).not.toMatch(/sourceMappingURL=/);
      if (url.includes('.css?')) {
        expect(text).not.toMatch(/@import/i);
        expect([...text.matchAll(/url\(\s*['"]?([a-z]+:)?/gi)].every((match) => match[1]?.toLowerCase() === 'data:')).toBe(true);
      }
    }
  });

  it('neutralise remote URLs and imports in CSS', () => {
    const css = `@import url("https://fonts.example/x.css");
a { background: url('https://cdn.example/a.png') } @font-face { src: url(//cdn.example/f.woff2) format("woff2") }
b { background: url(data:image/png;base64,AAAA) } c { background: url(local.png) }`;
    const offline = offlineCss(css);
    expect(offline).not.toMatch(/example/);
    expect(offline).toContain('url(data:image/png;base64,AAAA)');
    expect(offline).toContain('url(local.png)');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { EXAMPLE_OPERATIONS } from '../../examples/example-operations';
import { startAlliance, type Alliance } from '../support/alliance';

/** Debian's Chromium (`apt-get install chromium`): playwright-core never downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = process.env.EXPLORER_SCREENSHOT ?? join(tmpdir(), 'alliance-graph-explorer.png');

let alliance: Alliance;
let origin: string;
let userDataDir: string;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  alliance = await startAlliance();
  origin = new URL(alliance.gatewayUrl).origin;
  userDataDir = mkdtempSync(join(tmpdir(), 'alliance-graph-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  // Every request of every page and worker of the browser context, to prove none leaves the host.
  context.on('request', (request) => requests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await alliance?.close();
});

/** The text of a CodeMirror 5 editor, from the instance CodeMirror hangs on its element. */
function editorText(selector: string): Promise<string> {
  return page.evaluate(`document.querySelector(${JSON.stringify(`${selector} .CodeMirror`)}).CodeMirror.getValue()`);
}

describe('Explorer: GraphiQL served by the gateway, offline', () => {
  it('opens at /explorer with one tab per example operation', async () => {
    const response = await page.goto(`${origin}/explorer`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor();
    const titles = await page.locator('.graphiql-tab').allInnerTexts();
    expect(titles.map((title) => title.trim())).toEqual(EXAMPLE_OPERATIONS.map((operation) => operation.name));
    expect(await editorText('.graphiql-query-editor')).toContain(EXAMPLE_OPERATIONS[0].query);
  });

  it('runs a typed query and shows the answer', async () => {
    await page.locator('.graphiql-tab-add').click();
    await page.locator('.graphiql-tab').nth(EXAMPLE_OPERATIONS.length).waitFor();
    await page.locator('.graphiql-query-editor .CodeMirror').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('query OperatorSizes { operators { code memberCount } }');
    expect(await editorText('.graphiql-query-editor')).toBe('query OperatorSizes { operators { code memberCount } }');
    // GraphiQL reads the operation name 100 ms after the last keystroke (debounced), and titles the
    // tab with it: run only then, or it sends the name of the tab's previous operation.
    await page.locator('.graphiql-tab-active', { hasText: 'OperatorSizes' }).waitFor();
    await page.keyboard.press('Control+Enter');
    const result = page.locator('.graphiql-response .CodeMirror-code');
    await result.getByText('"MAXIMILIEN"').waitFor();
    const shown = (await result.innerText()).replace(/\s+/g, ' ');
    expect(shown).toContain('"code": "MEGALIS", "memberCount": 2250');
    expect(shown).toContain('"code": "TERNUM_BFC", "memberCount": 1750');
    expect(shown).toContain('"code": "MAXIMILIEN", "memberCount": 370');
    await page.screenshot({ path: SCREENSHOT });
  });

  it('shows the explorer to a browser at /graphql, and GraphQL to everyone else', async () => {
    const response = await page.goto(alliance.gatewayUrl);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await page.locator('.graphiql-container').waitFor();
    // A GET from a client (Apollo's CSRF prevention asks it for a preflight header) is GraphQL.
    const get = await fetch(`${alliance.gatewayUrl}?query=${encodeURIComponent('{ operators { code } }')}`, {
      headers: { accept: 'application/graphql-response+json, application/json', 'apollo-require-preflight': 'true' },
    });
    expect(((await get.json()) as { data: { operators: unknown[] } }).data.operators).toHaveLength(3);
    const post = await alliance.query('{ operators { code } }');
    expect(post.data!.operators).toHaveLength(3);
  });

  it('made no request outside the gateway, and raised no error', () => {
    expect(requests.length).toBeGreaterThan(0);
    const outside = requests.filter((url) => {
      const { protocol, hostname } = new URL(url);
      return protocol !== 'data:' && !(protocol === 'http:' && (hostname === '127.0.0.1' || hostname === 'localhost'));
    });
    expect(outside).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});

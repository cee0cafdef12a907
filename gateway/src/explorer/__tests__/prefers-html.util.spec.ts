import { prefersHtml } from '../prefers-html.util';

describe('prefersHtml: a browser navigation, not a GraphQL client', () => {
  it.each([
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
    'text/html',
    'text/*, application/json;q=0.5',
  ])('prefers HTML for %s', (accept) => {
    expect(prefersHtml(accept)).toBe(true);
  });

  it.each([
    undefined,
    '',
    '*/*',
    'application/json',
    'application/graphql-response+json, application/json;q=0.9',
    'text/html;q=0.5, application/json',
    'text/html, application/json',
    'text/html;q=0, */*',
    'multipart/mixed;deferSpec=20220824, application/json',
  ])('lets %s through to GraphQL', (accept) => {
    expect(prefersHtml(accept)).toBe(false);
  });
});

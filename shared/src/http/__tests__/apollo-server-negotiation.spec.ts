import { createRequire } from 'node:module';
import { MAX_REMEMBERED_ACCEPT_LENGTH, rememberingNegotiator, type NegotiatorConstructor } from '../apollo-server-negotiation';

/** The offered type lists Apollo Server negotiates with (@apollo/server 5: requestPipeline, runHttpQuery, ApolloServer). */
const OFFERS = [
  ['multipart/mixed; deferSpec=20220824', 'multipart/mixed'],
  ['multipart/mixed;incrementalDeliverySpec=3283f8a', 'multipart/mixed; deferSpec=20220824', 'multipart/mixed'],
  ['application/json; charset=utf-8', 'application/graphql-response+json; charset=utf-8', 'application/json; charset=utf-8'],
  ['application/json; charset=utf-8', 'application/graphql-response+json; charset=utf-8', 'text/html'],
];
const ACCEPTS = [
  undefined,
  '',
  '*/*',
  'application/json',
  'application/graphql-response+json, application/json;q=0.9',
  'application/json;q=0.1, application/graphql-response+json',
  'multipart/mixed;deferSpec=20220824, application/json',
  'multipart/mixed; deferSpec=20220824; q=0.5, application/json',
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'text/plain',
  'application/*;q=0.2, */*;q=0.1',
  'garbage;;;q=abc',
];

/** `negotiator` as Apollo Server requires it (not a dependency of ours). */
const Original = createRequire(require.resolve('@apollo/server'))('negotiator') as NegotiatorConstructor;

describe('rememberingNegotiator', () => {
  it("answers every media type negotiation as negotiator does, the first time and again", () => {
    const Remembering = rememberingNegotiator(Original);
    for (let round = 0; round < 2; round++) {
      for (const accept of ACCEPTS) {
        for (const offered of OFFERS) {
          const request = { headers: { accept } };
          expect(new Remembering(request).mediaType([...offered])).toBe(new Original(request).mediaType([...offered]));
        }
      }
    }
  });

  it('negotiates once per Accept header and offered types, then answers from memory', () => {
    const negotiate = jest.spyOn(Original.prototype, 'mediaType');
    try {
      const Remembering = rememberingNegotiator(Original);
      const ask = (accept: string | undefined, offered = OFFERS[2]) => new Remembering({ headers: { accept } }).mediaType([...offered]);
      ask('application/json');
      ask('application/json');
      ask(undefined);
      ask(undefined);
      expect(negotiate).toHaveBeenCalledTimes(2);
      ask('application/json', OFFERS[3]);
      expect(negotiate).toHaveBeenCalledTimes(3);
    } finally {
      negotiate.mockRestore();
    }
  });

  it('keeps at most `capacity` answers (the oldest goes) and never an over-long header', () => {
    const negotiate = jest.spyOn(Original.prototype, 'mediaType');
    try {
      const Remembering = rememberingNegotiator(Original, 2);
      const ask = (accept: string) => new Remembering({ headers: { accept } }).mediaType([...OFFERS[2]]);
      ask('a/a');
      ask('b/b');
      ask('c/c'); // evicts a/a
      ask('b/b');
      expect(negotiate).toHaveBeenCalledTimes(3);
      ask('a/a');
      expect(negotiate).toHaveBeenCalledTimes(4);
      const long = `application/json, ${'x/y, '.repeat(MAX_REMEMBERED_ACCEPT_LENGTH / 5)}`;
      ask(long);
      ask(long);
      expect(negotiate).toHaveBeenCalledTimes(6);
      expect(ask(long)).toBe('application/json; charset=utf-8');
      // A header holding a line break could pose as another's key: negotiated every time.
      const broken = 'text/plain\napplication/json; charset=utf-8';
      const calls = negotiate.mock.calls.length;
      expect(ask(broken)).toBe(new Original({ headers: { accept: broken } }).mediaType([...OFFERS[2]]));
      ask(broken);
      expect(negotiate.mock.calls.length - calls).toBe(3);
    } finally {
      negotiate.mockRestore();
    }
  });

  it('is the package otherwise: called without new, its other negotiations, its own name for itself', () => {
    const Remembering = rememberingNegotiator(Original) as NegotiatorConstructor & { Negotiator: unknown };
    const request = { headers: { accept: 'text/html', 'accept-language': 'fr-FR, en;q=0.5' } };
    const called = Remembering(request) as ReturnType<NegotiatorConstructor> & { language(available: string[]): string | undefined };
    expect(called).toBeInstanceOf(Remembering);
    expect(called).toBeInstanceOf(Original);
    expect(called.language(['en', 'fr-FR'])).toBe('fr-FR');
    expect(called.mediaType()).toBe('text/html');
    expect(Remembering.Negotiator).toBe(Remembering);
  });
});

import { getOperatorOrThrow } from '../../operators/operator-registry';
import { readSubgraphConfig } from '../runtime-config';
import { readGatewayConfig } from '../../../../gateway/src/gateway-config';
import { OPERATORS } from '../../operators/operator-registry';

const megalis = getOperatorOrThrow('MEGALIS');
const db = 'postgresql://u:p@127.0.0.1:5432/megalis';

describe('Configuration: read once, errors name the variable', () => {
  it('reads an operator subgraph configuration with defaults', () => {
    expect(readSubgraphConfig(megalis, { MEGALIS_DATABASE_URL: db })).toMatchObject({ port: 4001, databaseUrl: db, nodeEnv: 'development' });
  });

  it.each([
    [{}, /MEGALIS_DATABASE_URL is required/],
    [{ MEGALIS_DATABASE_URL: 'mysql://x/y' }, /MEGALIS_DATABASE_URL must be a postgres: or postgresql: URL/],
    [{ MEGALIS_DATABASE_URL: db, MEGALIS_PORT: 'eighty' }, /MEGALIS_PORT must be a port number/],
    [{ MEGALIS_DATABASE_URL: db, MEGALIS_PORT: '70000' }, /MEGALIS_PORT must be a port number/],
    [{ MEGALIS_DATABASE_URL: db, NODE_ENV: 'prod' }, /NODE_ENV must be one of development, production, test/],
  ])('refuses %j', (env, message) => {
    expect(() => readSubgraphConfig(megalis, env)).toThrow(message);
  });

  it('reads the gateway configuration: subgraph URLs default from the registry', () => {
    const config = readGatewayConfig(OPERATORS, { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-characters-or-more' });
    expect(config.subgraphUrls).toEqual({
      MEGALIS: 'http://127.0.0.1:4001/graphql',
      TERNUM_BFC: 'http://127.0.0.1:4002/graphql',
      MAXIMILIEN: 'http://127.0.0.1:4003/graphql',
    });
    expect(config).toMatchObject({ port: 4000, introspection: false, exposeQueryPlans: false });
    expect(() => readGatewayConfig(OPERATORS, { TERNUM_BFC_URL: 'nowhere' })).toThrow(/TERNUM_BFC_URL must be a URL/);
  });
});

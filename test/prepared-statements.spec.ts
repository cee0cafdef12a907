import { createOperatorDataSource } from '../shared/src/database/operator-data-source';
import { enablePreparedStatements, namedStatementCount } from '../shared/src/database/prepared-statements';
import { readSubgraphConfig } from '../shared/src/config/runtime-config';
import { findOperator } from '../shared/src/operators/operator-registry';
import { testDatabaseUrls } from '../shared/src/testing/test-databases';
import { startOperatorSubgraph } from '../shared/src/testing/operator-subgraph-harness';
import { loadOperatorModule } from '../subgraphs/operator-modules';

/** One pooled connection: `pg_prepared_statements` shows that session's statements. */
async function singleConnection() {
  const dataSource = createOperatorDataSource({ url: testDatabaseUrls().MEGALIS, poolSize: 1 });
  await dataSource.initialize();
  return dataSource;
}

const LOOKUP = 'SELECT name FROM member WHERE id = $1';
const prepared = async (dataSource: Awaited<ReturnType<typeof singleConnection>>) =>
  ((await dataSource.query('SELECT statement FROM pg_prepared_statements')) as { statement: string }[]).map((row) => row.statement);

describe('Prepared statements: parameterised statements are parsed and planned once per connection', () => {
  it('are off until enabled (migrations first), then every parameterised statement is a named prepared statement', async () => {
    const dataSource = await singleConnection();
    try {
      const before = await dataSource.query(LOOKUP, [1]);
      expect(await prepared(dataSource)).not.toContain(LOOKUP);
      enablePreparedStatements(dataSource);
      const first = await dataSource.query(LOOKUP, [1]);
      const again = await dataSource.query(LOOKUP, [2]);
      expect(first).toEqual(before);
      expect(again).toHaveLength(1);
      expect((await prepared(dataSource)).filter((statement) => statement === LOOKUP)).toHaveLength(1);
      expect(namedStatementCount(dataSource)).toBe(1);
      // Statements without parameters run as they are.
      expect(await prepared(dataSource)).not.toContain('SELECT statement FROM pg_prepared_statements');
    } finally {
      await dataSource.destroy();
    }
  });

  it('a subgraph serves its pages with them, with the same answers', async () => {
    const module = loadOperatorModule(findOperator('MEGALIS')!);
    const page = '{ megalisOperator { members(first: 5, orderBy: { field: POPULATION, direction: DESC }, filter: { departements: ["35"], kinds: [COMMUNE] }) { nodes { name population } } } }';
    const answers = [];
    for (const preparedStatements of [false, true]) {
      const subgraph = await startOperatorSubgraph(module, testDatabaseUrls().MEGALIS, { preparedStatements });
      try {
        const post = () => fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: page }) }).then((r) => r.json());
        answers.push([await post(), await post()]);
        expect(namedStatementCount(subgraph.dataSource) > 0).toBe(preparedStatements);
      } finally {
        await subgraph.close();
      }
    }
    expect(answers[1]).toEqual(answers[0]);
    expect((answers[0][0] as any).data.megalisOperator.members.nodes[0]).toEqual({ name: 'Rennes', population: expect.any(Number) });
  });

  it('DB_PREPARED_STATEMENTS=false turns them off (for a transaction-mode connection pooler)', () => {
    const megalis = findOperator('MEGALIS')!;
    const env = { MEGALIS_DATABASE_URL: 'postgres://localhost/megalis' };
    expect(readSubgraphConfig(megalis, env).preparedStatements).toBe(true);
    expect(readSubgraphConfig(megalis, { ...env, DB_PREPARED_STATEMENTS: 'false' }).preparedStatements).toBe(false);
    expect(() => readSubgraphConfig(megalis, { ...env, DB_PREPARED_STATEMENTS: 'sometimes' })).toThrow(/DB_PREPARED_STATEMENTS/);
  });
});

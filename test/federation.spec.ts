import { encodeGlobalId } from '../shared/src/ids/global-id';
import { startAlliance, type Alliance } from './support/alliance';

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(() => alliance?.close());

interface PlanNode {
  kind: string;
  serviceName?: string;
  nodes?: PlanNode[];
  node?: PlanNode;
}

async function queryPlan(query: string, variables?: Record<string, unknown>): Promise<PlanNode> {
  const response = await alliance.query(query, variables, {
    'Apollo-Query-Plan-Experimental': 'true',
    'Apollo-Query-Plan-Experimental-Format': 'internal',
  });
  expect(response.errors).toBeUndefined();
  return (response.extensions!.__queryPlanExperimental as { node: PlanNode }).node;
}

/** Subgraph requests served by each operator subgraph so far. */
async function subgraphRequests(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [code, running] of Object.entries(alliance.subgraphs)) {
    const metric = await running.metrics.requests.get();
    counts[code] = metric.values.reduce((sum, value) => sum + value.value, 0);
  }
  return counts;
}

async function firstMemberId(operator: string): Promise<string> {
  const { data }: any = await alliance.query(`{ operator(code: ${operator}) { members(first: 1) { nodes { id } } } }`);
  return data.operator.members.nodes[0].id;
}

describe('Federation: query plans', () => {
  it('fans operators { members } out to the three operator subgraphs in parallel', async () => {
    const plan = await queryPlan('{ operators { code members(first: 10) { nodes { name } } } }');
    expect(plan.kind).toBe('Sequence');
    const [partnership, fanOut] = plan.nodes!;
    expect(partnership).toMatchObject({ kind: 'Fetch', serviceName: 'partnership' });
    expect(fanOut.kind).toBe('Parallel');
    const services = fanOut.nodes!.map((node) => (node.kind === 'Flatten' ? node.node!.serviceName : node.serviceName));
    expect(services.sort()).toEqual(['maximilien', 'megalis', 'ternum-bfc']);
  });

  it('routes node(id) to the owning subgraph only', async () => {
    const id = await firstMemberId('TERNUM_BFC');
    // The plan is static: one entity fetch per subgraph, each conditioned on that subgraph's own
    // type, so that at run time only the owner of the decoded type is called (checked below).
    const plan = await queryPlan('query($id: ID!) { node(id: $id) { id ... on Member { name siren } } }', { id });
    const [, hydration] = plan.nodes!;
    const conditions = hydration.nodes!.map((node: any) => [node.node.serviceName, node.node.requires[0].typeCondition]);
    expect(conditions.sort()).toEqual([['maximilien', 'MaximilienMember'], ['megalis', 'MegalisMember'], ['ternum-bfc', 'TernumMember']]);

    const before = await subgraphRequests();
    const { data, errors }: any = await alliance.query('query($id: ID!) { node(id: $id) { id ... on Member { name siren } } }', { id });
    expect(errors).toBeUndefined();
    expect(data.node.id).toBe(id);
    const after = await subgraphRequests();
    expect(after.TERNUM_BFC - before.TERNUM_BFC).toBe(1);
    expect(after.MEGALIS - before.MEGALIS).toBe(0);
    expect(after.MAXIMILIEN - before.MAXIMILIEN).toBe(0);
  });
});

describe('Federation: node and nodes', () => {
  it('returns a member, with fields from its subgraph and from the partnership layer', async () => {
    const id = await firstMemberId('MEGALIS');
    const { data, errors }: any = await alliance.query(
      `query($id: ID!) { node(id: $id) { __typename id ... on Member { name siren operator { code name } } } }`,
      { id },
    );
    expect(errors).toBeUndefined();
    expect(data.node).toMatchObject({ __typename: 'MegalisMember', id, operator: { code: 'MEGALIS', name: 'Mégalis Bretagne' } });
    expect(data.node.siren).toMatch(/^[0-9]{9}$/);
  });

  it('returns operators, services and subscriptions by ID', async () => {
    const { data }: any = await alliance.query('{ operator(code: MAXIMILIEN) { id services { id code } } }');
    const ids = [data.operator.id, data.operator.services[0].id];
    const { data: nodes, errors }: any = await alliance.query(
      'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Service { operator { code } } ... on Operator { code } } }',
      { ids },
    );
    expect(errors).toBeUndefined();
    expect(nodes.nodes).toEqual([
      { __typename: 'MaximilienOperator', id: ids[0], code: 'MAXIMILIEN' },
      { __typename: 'MaximilienService', id: ids[1], operator: { code: 'MAXIMILIEN' } },
    ]);
  });

  it('goes from a member to its operator and back into the operator subgraph (entity interface references)', async () => {
    const { data, errors }: any = await alliance.query(
      '{ operator(code: MEGALIS) { members(first: 1) { nodes { operator { code members(first: 1) { nodes { name } } } } } } }',
    );
    expect(errors).toBeUndefined();
    expect(data.operator.members.nodes[0].operator).toEqual({ code: 'MEGALIS', members: { nodes: [{ name: expect.any(String) }] } });
  });

  it('answers null for a well-formed ID that does not exist', async () => {
    const id = encodeGlobalId('MegalisMember', 999_999);
    const { data, errors }: any = await alliance.query('query($id: ID!) { node(id: $id) { id ... on Member { name } } }', { id });
    expect(errors).toBeUndefined();
    expect(data.node).toBeNull();
  });

  it.each([
    ['garbage', 'not an id'],
    ['an unknown type', encodeGlobalId('RECIAMember', 1)],
    ['SQL', "MegalisMember:1' OR '1'='1"],
    ['huge', 'x'.repeat(100_000)],
  ])('refuses %s with BAD_USER_INPUT on id', async (_label, id) => {
    const { data, errors }: any = await alliance.query('query($id: ID!) { node(id: $id) { id } }', { id });
    expect(data.node).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'id' }) })]);
  });

  it('refuses more than 100 IDs', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => encodeGlobalId('MegalisMember', i + 1));
    const { errors }: any = await alliance.query('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
  });
});

describe('Batching: SQL statements depend on query depth, not on rows', () => {
  const deepQuery = (first: number) =>
    `{ operators { members(first: ${first}) { nodes { name subscriptions { since service { name vendor { name } } } } } } }`;

  it('sends the same statements for first: 100 as for first: 5', async () => {
    const statementsFor = async (first: number) => {
      const before = await alliance.sqlStatements();
      const { data, errors }: any = await alliance.query(deepQuery(first));
      expect(errors).toBeUndefined();
      expect(data.operators.every((o: any) => o.members.nodes.length === first)).toBe(true);
      return (await alliance.sqlStatements()) - before;
    };
    const few = await statementsFor(5);
    const many = await statementsFor(100);
    expect(many).toBe(few);
    // per operator: the page, subscriptions, services, vendors
    expect(few).toBe(3 * 4);
  });

  it('resolves N entity representations with one statement', async () => {
    const { data }: any = await alliance.query('{ operator(code: MEGALIS) { members(first: 50) { nodes { id } } } }');
    const representations = data.operator.members.nodes.map((n: { id: string }) => ({ __typename: 'MegalisMember', id: n.id }));
    const megalis = alliance.subgraphs.MEGALIS;
    const before = await megalis.metrics.sqlStatementCount();
    const response = await fetch(megalis.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on MegalisMember { id name } } }',
        variables: { r: representations },
      }),
    });
    const body: any = await response.json();
    expect(body.data._entities).toHaveLength(50);
    expect(body.data._entities.map((e: { id: string }) => e.id)).toEqual(representations.map((r: { id: string }) => r.id));
    expect((await megalis.metrics.sqlStatementCount()) - before).toBe(1);
  });
});

describe('Partial failure: one operator down', () => {
  it('returns the other operators\' members and an error naming the missing one', async () => {
    await alliance.subgraphs.MAXIMILIEN.stopListening();
    try {
      const { data, errors }: any = await alliance.query('{ operators { code memberCount members(first: 3) { nodes { name } } } }');
      const byCode = Object.fromEntries(data.operators.map((o: any) => [o.code, o]));
      expect(byCode.MEGALIS.members.nodes).toHaveLength(3);
      expect(byCode.TERNUM_BFC.members.nodes).toHaveLength(3);
      expect(byCode.MEGALIS.memberCount).toBe(2250);
      expect(byCode.MAXIMILIEN.members).toBeNull();
      expect(byCode.MAXIMILIEN.memberCount).toBeNull();
      expect(errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'OPERATOR_UNAVAILABLE', operator: 'MAXIMILIEN' }) }),
      ]);
    } finally {
      await alliance.subgraphs.MAXIMILIEN.startListening();
    }
    const { data, errors }: any = await alliance.query('{ operator(code: MAXIMILIEN) { memberCount } }');
    expect(errors).toBeUndefined();
    expect(data.operator.memberCount).toBe(370);
  });
});

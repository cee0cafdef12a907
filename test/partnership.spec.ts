import { startAlliance, type Alliance } from './support/alliance';

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(() => alliance?.close());

const fold = (name: string) =>
  name.replace(/œ/g, 'oe').replace(/Œ/g, 'OE').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

async function walk(orderBy: string, pageSize = 500): Promise<{ id: string; name: string; population: number | null; operator: string }[]> {
  const all: { id: string; name: string; population: number | null; operator: string }[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const { data, errors }: any = await alliance.query(
      `query($after: String) { members(first: ${pageSize}, after: $after, orderBy: ${orderBy}) {
         totalCount pageInfo { hasNextPage endCursor } nodes { id name population operator { code } } } }`,
      { after },
    );
    expect(errors).toBeUndefined();
    expect(data.members.totalCount).toBe(4370);
    all.push(...data.members.nodes.map((n: any) => ({ ...n, operator: n.operator.code })));
    if (!data.members.pageInfo.hasNextPage) return all;
    after = data.members.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

/** The SQL statements and requests each operator subgraph served for one query through the gateway. */
const served = async (query: string) => {
  const statements: Record<string, number> = {};
  const requests: Record<string, number> = {};
  for (const [code, running] of Object.entries(alliance.subgraphs)) {
    statements[code] = -(await running.metrics.sqlStatementCount());
    requests[code] = -(await running.metrics.requests.get()).values.reduce((s, v) => s + v.value, 0);
  }
  const { data, errors }: any = await alliance.query(query);
  expect(errors).toBeUndefined();
  for (const [code, running] of Object.entries(alliance.subgraphs)) {
    statements[code] += await running.metrics.sqlStatementCount();
    requests[code] += (await running.metrics.requests.get()).values.reduce((s, v) => s + v.value, 0);
  }
  return { data, statements, requests };
};

describe('Partnership-wide members', () => {
  it('walks every page by name: all 4,370 members once, accented names among their neighbours', async () => {
    const members = await walk('{ field: NAME }');
    expect(members).toHaveLength(4370);
    expect(new Set(members.map((m) => m.id)).size).toBe(4370);
    expect(new Set(members.map((m) => m.operator))).toEqual(new Set(['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN']));
    const keys = members.map((m) => fold(m.name));
    for (let i = 1; i < keys.length; i += 1) expect(keys[i - 1] <= keys[i]).toBe(true);
    // É with E, not after Z
    const accented = members.map((m, index) => ({ m, index })).filter(({ m }) => /^[ÉÈÊ]/.test(m.name));
    expect(accented.length).toBeGreaterThan(3);
    const firstF = keys.findIndex((key) => key.startsWith('f'));
    const lastD = keys.length - 1 - [...keys].reverse().findIndex((key) => key.startsWith('d'));
    for (const { index } of accented) {
      expect(keys[index].startsWith('e')).toBe(true);
      expect(index).toBeGreaterThan(lastD);
      expect(index).toBeLessThan(firstF);
    }
  });

  it('walks every page by population, descending: monotonic', async () => {
    const members = await walk('{ field: POPULATION, direction: DESC }', 450);
    expect(members).toHaveLength(4370);
    expect(new Set(members.map((m) => m.id)).size).toBe(4370);
    const populations = members.map((m) => m.population ?? -1);
    for (let i = 1; i < populations.length; i += 1) expect(populations[i - 1]).toBeGreaterThanOrEqual(populations[i]);
    expect(members[0].name).toBe('Région Île-de-France');
  });

  it('orders by joining date across operators, members who have not joined first', async () => {
    const { data, errors }: any = await alliance.query(`{
      first: members(first: 200, orderBy: { field: JOINED_AT }) { nodes { joinedAt status } pageInfo { endCursor } }
      last: members(first: 300, orderBy: { field: JOINED_AT, direction: DESC }) { nodes { joinedAt operator { code } } } }`);
    expect(errors).toBeUndefined();
    const ascending = data.first.nodes.map((n: any) => n.joinedAt ?? '0001-01-01');
    expect(ascending).toEqual([...ascending].sort());
    expect(data.first.nodes[0].joinedAt).toBeNull();
    const descending = data.last.nodes.map((n: any) => n.joinedAt);
    expect(descending).toEqual([...descending].sort().reverse());
    expect(new Set(data.last.nodes.map((n: any) => n.operator.code)).size).toBeGreaterThan(1);
  });

  it.each([
    ['kinds', '{ kinds: [COMMUNE] }'],
    ['population range', '{ minPopulation: 1000, maxPopulation: 5000 }'],
    ['statuses', '{ statuses: [RESILIE, PARTENAIRE] }'],
    ['synthetic', '{ synthetic: true }'],
    ['service categories', '{ serviceCategories: [ARCHIVAGE] }'],
    ['vendors', '{ vendors: ["Atexo"] }'],
    ['name', '{ nameContains: "saint" }'],
  ])('agrees with the per-operator lists on %s', async (_label, filter) => {
    const { data, errors }: any = await alliance.query(`{
      members(filter: ${filter}) { totalCount }
      operators { code members(filter: ${filter}) { totalCount } } }`);
    expect(errors).toBeUndefined();
    const sum = data.operators.reduce((total: number, o: any) => total + o.members.totalCount, 0);
    expect(data.members.totalCount).toBe(sum);
    expect(sum).toBeGreaterThan(0);
  });

  it('filters by operator and région', async () => {
    const { data }: any = await alliance.query(`{
      bretagne: members(filter: { regions: ["53"] }) { totalCount }
      two: members(filter: { operators: [TERNUM_BFC, MAXIMILIEN] }) { totalCount }
      none: members(filter: { operators: [MEGALIS], regions: ["11"] }) { totalCount nodes { id } pageInfo { hasNextPage } } }`);
    expect(data.bretagne.totalCount).toBe(2250);
    expect(data.two.totalCount).toBe(2120);
    expect(data.none).toEqual({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false } });
  });

  it.each([
    ['a bad région', '{ members(filter: { regions: ["Bretagne"] }) { totalCount } }', 'filter.regions'],
    ['a bad page size', '{ members(first: 501) { totalCount } }', 'first'],
    ['a forged cursor', '{ members(after: "eyJ0IjoiTUVNQkVSUzpOQU1FOkFTQyIsInAiOnsiWCI6IjEifX0") { totalCount } }', 'after'],
    ['a cursor of another order', '{ members(after: "eyJ0IjoiTUVNQkVSUzpQT1BVTEFUSU9OOkFTQyIsInAiOnt9fQ") { totalCount } }', 'after'],
    ['an empty name', '{ members(filter: { nameContains: "" }) { totalCount } }', 'filter.nameContains'],
  ])('refuses %s with BAD_USER_INPUT', async (_label, query, field) => {
    const { errors }: any = await alliance.query(query);
    expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) })]);
  });

  it('bounds SQL per subgraph by depth, not by page size, and fetches each subgraph a fixed number of times', async () => {
    const query = (first: number) =>
      `{ members(first: ${first}) { nodes { name subscriptions { service { name vendor { name } } } } } }`;
    const page50 = await served(query(50));
    const page200 = await served(query(200));
    expect(page50.data.members.nodes).toHaveLength(50);
    expect(page200.data.members.nodes).toHaveLength(200);
    expect(page200.statements).toEqual(page50.statements);
    // per operator: the index page (1), then one _entities call: members, subscriptions, services, vendors (4)
    for (const code of ['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN']) {
      expect(page50.statements[code]).toBeLessThanOrEqual(5);
      expect(page50.requests[code]).toBeLessThanOrEqual(2); // the index call and one hydration
    }
  });

  it('reads a sorted page with its totalCount in two statements per operator: the index page with its count, then the members', async () => {
    const page = await served(
      '{ members(first: 50, orderBy: { field: POPULATION, direction: DESC }) { totalCount nodes { id name kind population operator { code } } } }',
    );
    expect(page.data.members.totalCount).toBe(2250 + 1750 + 370);
    for (const code of ['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN']) {
      const hydrated = page.data.members.nodes.some((node: { operator: { code: string } }) => node.operator.code === code);
      expect({ code, statements: page.statements[code] }).toEqual({ code, statements: hydrated ? 2 : 1 });
    }
    // A name filter is counted apart: one more statement per operator.
    const named = await served('{ members(first: 50, filter: { nameContains: "saint" }) { totalCount nodes { name } } }');
    expect(named.statements.MEGALIS).toBe(3);
  });
});

describe('Partnership-wide search', () => {
  it('reads a page of hits with its totalCount in one statement per operator, and the hits found in one more', async () => {
    const query = `{ search(text: "brieuc", first: 10) { totalCount edges { score node { __typename ... on Member { name operator { code } } ... on Service { name operator { code } } } } } }`;
    await served(query); // each subgraph reads its trigram statistics once, on its first search
    const { data, statements } = await served(query);
    expect(data.search.totalCount).toBeGreaterThan(10);
    for (const code of ['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN']) {
      const hydrated = data.search.edges.some((edge: { node: { operator: { code: string } } }) => edge.node.operator.code === code);
      expect({ code, statements: statements[code] }).toEqual({ code, statements: hydrated ? 2 : 1 });
    }
  });

  it.each([
    ['saint brieuc', 'Saint-Brieuc'],
    ['chateaulin', 'Châteaulin'],
    ['pont l abbe', "Pont-l'Abbé"],
    ['SAINT-BRIEUC', 'Saint-Brieuc'],
    ['chateaulni', 'Châteaulin'], // a typo
  ])('"%s" finds %s first', async (text, name) => {
    const { data, errors }: any = await alliance.query(
      `query($text: String!) { search(text: $text, first: 5) { totalCount edges { score node { __typename ... on Member { name } } } } }`,
      { text },
    );
    expect(errors).toBeUndefined();
    expect(data.search.edges[0].node.name).toBe(name);
  });

  it('merges results from several operators in score order, pages without repeats', async () => {
    const seen = new Set<string>();
    const scores: number[] = [];
    const typenames = new Set<string>();
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const { data, errors }: any = await alliance.query(
        `query($after: String) { search(text: "marches publics", first: 3, after: $after) {
           totalCount pageInfo { hasNextPage endCursor } edges { score node { __typename ... on Node { id } } } } }`,
        { after },
      );
      expect(errors).toBeUndefined();
      for (const edge of data.search.edges) {
        expect(seen.has(edge.node.id)).toBe(false);
        seen.add(edge.node.id);
        scores.push(edge.score);
        typenames.add(edge.node.__typename);
      }
      if (!data.search.pageInfo.hasNextPage) break;
      after = data.search.pageInfo.endCursor;
    }
    expect(typenames.has('MegalisService') && typenames.has('TernumService') && typenames.has('MaximilienService')).toBe(true);
    for (let i = 1; i < scores.length; i += 1) expect(scores[i - 1]).toBeGreaterThanOrEqual(scores[i]);
    const { data }: any = await alliance.query('{ search(text: "marches publics") { totalCount } }');
    expect(seen.size).toBe(data.search.totalCount);
  });

  it.each([['x'], ['--'], ['a'.repeat(101)]])('refuses %j with BAD_USER_INPUT on text', async (text) => {
    const { errors }: any = await alliance.query('query($t: String!) { search(text: $t) { totalCount } }', { t: text });
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text' });
  });
});

describe('Partnership-wide catalogue, vendors, SIREN look-up and statistics', () => {
  it('lists the three catalogues as one, filterable by category, vendor and operator', async () => {
    const { data, errors }: any = await alliance.query(`{
      all: services(first: 100) { totalCount nodes { name } }
      atexo: services(filter: { vendors: ["Atexo"] }, first: 100) { totalCount nodes { name vendor { name } operator { code } } }
      mpe: services(filter: { categories: [COMMANDE_PUBLIQUE], operators: [MEGALIS] }) { nodes { name product } }
      operators { services { id } } }`);
    expect(errors).toBeUndefined();
    expect(data.all.totalCount).toBe(data.operators.reduce((s: number, o: any) => s + o.services.length, 0));
    expect(data.all.nodes).toHaveLength(data.all.totalCount);
    const names = data.all.nodes.map((n: any) => fold(n.name));
    expect(names).toEqual([...names].sort());
    expect(new Set(data.atexo.nodes.map((n: any) => n.operator.code))).toEqual(new Set(['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN']));
    expect(data.atexo.nodes.every((n: any) => n.vendor.name === 'Atexo')).toBe(true);
    expect(data.mpe.nodes).toEqual([expect.objectContaining({ product: 'Local Trust MPE' })]);
  });

  it('shows each vendor with the operators and services that use it', async () => {
    const { data, errors }: any = await alliance.query('{ vendors { vendor { name } operators { code } services { name } memberCount } }');
    expect(errors).toBeUndefined();
    const atexo = data.vendors.find((v: any) => v.vendor.name === 'Atexo');
    expect(atexo.operators.map((o: any) => o.code)).toEqual(['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN']);
    const { data: users }: any = await alliance.query('{ operators { members(filter: { vendors: ["Atexo"] }) { totalCount } } }');
    expect(atexo.memberCount).toBe(users.operators.reduce((s: number, o: any) => s + o.members.totalCount, 0));
  });

  it('finds every operator record of a SIREN, and refuses an invalid one', async () => {
    const { data }: any = await alliance.query('{ membersBySiren(siren: "233500016") { name operator { code } } }');
    expect(data.membersBySiren).toEqual([{ name: 'Région Bretagne', operator: { code: 'MEGALIS' } }]);
    for (const siren of ['233500017', '12345678', 'abcdefghi']) {
      const { errors }: any = await alliance.query('query($s: String!) { membersBySiren(siren: $s) { id } }', { s: siren });
      expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'siren' });
    }
  });

  it('sums statistics computed by each operator', async () => {
    const { data, errors }: any = await alliance.query(`{ statistics {
      memberCount populationCovered subscriptionCount
      membersByOperator { operator { code } count } membersByKind { kind count } membersByStatus { status count }
      membersByDepartement { departement { code name } count } subscriptionsByCategory { category count }
      subscriptionsByOperator { count } catalogueComparison { category offers { operator { code } services { name product vendor { name } } } }
      unavailableOperators { code } } }`);
    expect(errors).toBeUndefined();
    const s = data.statistics;
    expect(s.memberCount).toBe(4370);
    expect(s.membersByOperator.map((e: any) => [e.operator.code, e.count])).toEqual([['MEGALIS', 2250], ['TERNUM_BFC', 1750], ['MAXIMILIEN', 370]]);
    for (const list of [s.membersByKind, s.membersByStatus, s.membersByDepartement]) {
      expect(list.reduce((sum: number, e: any) => sum + e.count, 0)).toBe(4370);
    }
    expect(s.subscriptionsByCategory.reduce((sum: number, e: any) => sum + e.count, 0)).toBe(s.subscriptionCount);
    expect(s.subscriptionsByOperator.reduce((sum: number, e: any) => sum + e.count, 0)).toBe(s.subscriptionCount);
    expect(s.membersByDepartement).toContainEqual({ departement: { code: '29', name: 'Finistère' }, count: expect.any(Number) });
    const procurement = s.catalogueComparison.find((c: any) => c.category === 'COMMANDE_PUBLIQUE');
    expect(procurement.offers.map((o: any) => o.operator.code)).toEqual(['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN']);
    expect(s.unavailableOperators).toEqual([]);
    const rows = await alliance.subgraphs.MEGALIS.dataSource.query(
      `SELECT sum(population)::int AS p FROM member WHERE kind = 'COMMUNE' AND status IN ('ADHERENT', 'PARTENAIRE')`,
    );
    expect(s.populationCovered).toBeGreaterThan(rows[0].p);
  });
});

describe('Partnership-wide partial failure', () => {
  it('returns the others, names the missing operator, and skips none of its rows when it is back', async () => {
    const first = await alliance.query('{ members(first: 100, filter: { nameContains: "saint" }) { totalCount pageInfo { endCursor } nodes { id operator { code } } } }');
    const expectedIds = new Set<string>();
    // the whole list, for reference
    let after: string | null = null;
    do {
      const { data }: any = await alliance.query(
        'query($after: String) { members(first: 500, after: $after, filter: { nameContains: "saint" }) { pageInfo { hasNextPage endCursor } nodes { id } } }',
        { after },
      );
      data.members.nodes.forEach((n: any) => expectedIds.add(n.id));
      after = data.members.pageInfo.hasNextPage ? data.members.pageInfo.endCursor : null;
    } while (after);
    expect(first.data!.members.totalCount).toBe(expectedIds.size);

    await alliance.subgraphs.TERNUM_BFC.stopListening();
    const seen: string[] = [];
    let degraded: any;
    try {
      degraded = await alliance.query(
        '{ members(first: 100, filter: { nameContains: "saint" }) { totalCount unavailableOperators { code } pageInfo { endCursor } nodes { id operator { code } } } }',
      );
      expect(degraded.data.members.unavailableOperators).toEqual([{ code: 'TERNUM_BFC' }]);
      expect(degraded.data.members.nodes.some((n: any) => n.operator.code === 'TERNUM_BFC')).toBe(false);
      expect(degraded.data.members.nodes).toHaveLength(100);
      expect(degraded.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'OPERATOR_UNAVAILABLE', operator: 'TERNUM_BFC' }) })]);
      seen.push(...degraded.data.members.nodes.map((n: any) => n.id));
    } finally {
      await alliance.subgraphs.TERNUM_BFC.startListening();
    }
    after = degraded.data.members.pageInfo.endCursor;
    while (after) {
      const { data, errors }: any = await alliance.query(
        'query($after: String) { members(first: 500, after: $after, filter: { nameContains: "saint" }) { pageInfo { hasNextPage endCursor } nodes { id } } }',
        { after },
      );
      expect(errors).toBeUndefined();
      seen.push(...data.members.nodes.map((n: any) => n.id));
      after = data.members.pageInfo.hasNextPage ? data.members.pageInfo.endCursor : null;
    }
    expect(new Set(seen)).toEqual(expectedIds);
    expect(seen).toHaveLength(expectedIds.size);
  });

  it('leaves an unreachable operator out of the statistics and says so', async () => {
    await alliance.subgraphs.MAXIMILIEN.stopListening();
    try {
      const { data, errors }: any = await alliance.query('{ statistics { memberCount unavailableOperators { code } } }');
      expect(data.statistics).toEqual({ memberCount: 4000, unavailableOperators: [{ code: 'MAXIMILIEN' }] });
      expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'OPERATOR_UNAVAILABLE', operator: 'MAXIMILIEN' }) })]);
    } finally {
      await alliance.subgraphs.MAXIMILIEN.startListening();
    }
  });
});

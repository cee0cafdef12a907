import { currentCommunes } from '../shared/src/reference/insee-reference';
import { startAlliance, type Alliance } from './support/alliance';

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(() => alliance?.close());

describe('Directory: operators and their members through the gateway', () => {
  it('answers every operator with its member count (2,250 / 1,750 / 370)', async () => {
    const { data, errors } = await alliance.query('{ operators { code name region { code name } departements { code } memberCount } }');
    expect(errors).toBeUndefined();
    expect(data!.operators).toEqual([
      expect.objectContaining({ code: 'MEGALIS', name: 'Mégalis Bretagne', region: { code: '53', name: 'Bretagne' }, memberCount: 2250 }),
      expect.objectContaining({ code: 'TERNUM_BFC', region: { code: '27', name: 'Bourgogne-Franche-Comté' }, memberCount: 1750 }),
      expect.objectContaining({ code: 'MAXIMILIEN', region: { code: '11', name: 'Île-de-France' }, memberCount: 370 }),
    ]);
    expect(data!.operators[0].departements.map((d: { code: string }) => d.code)).toEqual(['22', '29', '35', '56']);
  });

  it('lists every Breton commune as a Mégalis member with its INSEE SIREN, name and population', async () => {
    const reference = currentCommunes().filter((c) => ['22', '29', '35', '56'].includes(c.departement));
    expect(reference.length).toBeGreaterThan(1200);
    const rows: { siren: string; name: string; population: number | null; insee_code: string }[] = await alliance.subgraphs.MEGALIS.dataSource.query(
      `SELECT siren, name, population, insee_code FROM member WHERE kind = 'COMMUNE'`,
    );
    const bySiren = new Map(rows.map((row) => [row.siren, row]));
    for (const commune of reference) {
      expect(bySiren.get(commune.siren)).toEqual({ siren: commune.siren, name: commune.nom, population: commune.population ?? null, insee_code: commune.code });
    }
  });

  it('pages through an operator directory by name: every member once, in order', async () => {
    const seen: string[] = [];
    const names: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { data, errors }: any = await alliance.query(
        `query($after: String) { operator(code: TERNUM_BFC) { members(first: 500, after: $after) {
           totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } } }`,
        { after },
      );
      expect(errors).toBeUndefined();
      const connection = data.operator.members;
      expect(connection.totalCount).toBe(1750);
      for (const edge of connection.edges) {
        seen.push(edge.node.id);
        names.push(edge.node.name);
      }
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(1750);
    const folded = names.map((n) => n.replace(/œ/g, 'oe').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim());
    expect(folded).toEqual([...folded].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // É sorts with E, not after Z
    const firstE = folded.findIndex((n) => n.startsWith('e'));
    const accented = names.findIndex((n) => n.startsWith('É'));
    if (accented >= 0) expect(accented).toBeGreaterThanOrEqual(firstE);
  });

  it('orders by population, descending, with filters', async () => {
    const { data, errors }: any = await alliance.query(`{ operator(code: MAXIMILIEN) {
      members(first: 5, orderBy: { field: POPULATION, direction: DESC }, filter: { kinds: [COMMUNE], departements: ["92"] }) {
        totalCount nodes { name population kind departement { code name } } } } }`);
    expect(errors).toBeUndefined();
    const nodes = data.operator.members.nodes;
    expect(nodes).toHaveLength(5);
    expect(nodes.every((n: any) => n.kind === 'COMMUNE' && n.departement.code === '92' && n.departement.name === 'Hauts-de-Seine')).toBe(true);
    const populations = nodes.map((n: any) => n.population);
    expect(populations).toEqual([...populations].sort((a, b) => b - a));
    expect(nodes[0].name).toBe('Boulogne-Billancourt');
  });

  it('finds names accent- and case-insensitively', async () => {
    const { data }: any = await alliance.query(`{ operator(code: MEGALIS) { members(filter: { nameContains: "CHATEAULIN" }) { nodes { name kind } } } }`);
    expect(data.operator.members.nodes).toContainEqual({ name: 'Châteaulin', kind: 'COMMUNE' });
  });

  it.each([
    ['negative first', '{ operator(code: MEGALIS) { members(first: -1) { totalCount } } }', 'first'],
    ['huge first', '{ operator(code: MEGALIS) { members(first: 100000) { totalCount } } }', 'first'],
    ['malformed cursor', '{ operator(code: MEGALIS) { members(after: "garbage!") { totalCount } } }', 'after'],
    ['empty name filter', '{ operator(code: MEGALIS) { members(filter: { nameContains: "" }) { totalCount } } }', 'filter.nameContains'],
    ['inverted population bounds', '{ operator(code: MEGALIS) { members(filter: { minPopulation: 10, maxPopulation: 1 }) { totalCount } } }', 'filter.minPopulation'],
    ['bad département', '{ operator(code: MEGALIS) { members(filter: { departements: ["35\'; DROP TABLE member; --"] }) { totalCount } } }', 'filter.departements'],
  ])('refuses a %s with BAD_USER_INPUT naming the field', async (_label, query, field) => {
    const { data, errors }: any = await alliance.query(query);
    expect(data.operator.members).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) })]);
    const { data: after }: any = await alliance.query('{ operator(code: MEGALIS) { memberCount } }');
    expect(after.operator.memberCount).toBe(2250);
  });

  it('refuses a cursor of another order', async () => {
    const { data }: any = await alliance.query('{ operator(code: MEGALIS) { members(first: 1) { pageInfo { endCursor } } } }');
    const { errors }: any = await alliance.query(
      `query($after: String) { operator(code: MEGALIS) { members(after: $after, orderBy: { field: POPULATION }) { totalCount } } }`,
      { after: data.operator.members.pageInfo.endCursor },
    );
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

import { epcis } from '../shared/src/reference/insee-reference';
import { startAlliance, type Alliance } from './support/alliance';

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(() => alliance?.close());

describe('Mégalis Bretagne: membership basis and covering EPCI', () => {
  it('makes the Région, départements and EPCI statutory members, and communes charter members covered by their EPCI', async () => {
    const { data, errors }: any = await alliance.query(`{ operator(code: MEGALIS) {
      statutory: members(first: 100, filter: { kinds: [REGION, DEPARTEMENT, COMMUNAUTE_DE_COMMUNES, COMMUNAUTE_D_AGGLOMERATION, METROPOLE] }) {
        totalCount nodes { ... on MegalisMember { membershipBasis coveringEpci { id } } } }
      cesson: members(filter: { nameContains: "Cesson-Sévigné", kinds: [COMMUNE] }) {
        nodes { name ... on MegalisMember { membershipBasis coveringEpci { name kind siren } } } }
    } }`);
    expect(errors).toBeUndefined();
    expect(data.operator.statutory.totalCount).toBe(65); // 1 région + 4 départements + 60 EPCI
    expect(data.operator.statutory.nodes.every((n: any) => n.membershipBasis === 'STATUTORY' && n.coveringEpci === null)).toBe(true);
    expect(data.operator.cesson.nodes).toEqual([
      { name: 'Cesson-Sévigné', membershipBasis: 'CHARTER', coveringEpci: { name: 'Rennes Métropole', kind: 'METROPOLE', siren: '243500139' } },
    ]);
  });

  it('covers every charter commune by its EPCI, unless it has none (islands) or its EPCI is outside Bretagne', async () => {
    const epciOf = new Map(epcis().flatMap((epci) => epci.membres.map((m) => [m.code, epci.code] as const)));
    const rows: { insee_code: string; epci_siren: string | null }[] = await alliance.subgraphs.MEGALIS.dataSource.query(`
      SELECT m.insee_code, e.siren AS epci_siren FROM member m
        JOIN megalis_membership mm ON mm.member_id = m.id
        LEFT JOIN member e ON e.id = mm.covering_epci_id
       WHERE m.kind = 'COMMUNE'`);
    const directory = new Set((await alliance.subgraphs.MEGALIS.dataSource.query('SELECT siren FROM member')).map((r: { siren: string }) => r.siren));
    expect(rows).toHaveLength(1202);
    for (const row of rows) {
      const expected = epciOf.get(row.insee_code);
      expect({ commune: row.insee_code, epci: row.epci_siren }).toEqual({ commune: row.insee_code, epci: expected && directory.has(expected) ? expected : null });
    }
    // Ouessant, Île-de-Sein, Île-de-Bréhat belong to no EPCI; Camoël, Férel, Pénestin to Cap Atlantique (Pays de la Loire).
    expect(rows.filter((row) => row.epci_siren === null)).toHaveLength(6);
  });
});

describe('Territoires Numériques BFC: free of charge under 500 inhabitants', () => {
  it('charges communes of 500 inhabitants or more and other bodies, not smaller communes', async () => {
    const { data, errors }: any = await alliance.query(`{ operator(code: TERNUM_BFC) {
      small: members(first: 50, filter: { kinds: [COMMUNE], maxPopulation: 499 }) { totalCount nodes { ... on TernumMember { chargedForServices feeExemption } } }
      edge: members(first: 50, filter: { kinds: [COMMUNE], minPopulation: 500 }) { nodes { population ... on TernumMember { chargedForServices feeExemption } } }
      others: members(first: 50, filter: { kinds: [DEPARTEMENT, REGION] }) { nodes { ... on TernumMember { chargedForServices } } }
    } }`);
    expect(errors).toBeUndefined();
    expect(data.operator.small.totalCount).toBeGreaterThan(875); // a strong bias towards small communes
    expect(data.operator.small.nodes.every((n: any) => n.chargedForServices === false && n.feeExemption === 'SMALL_COMMUNE')).toBe(true);
    expect(data.operator.edge.nodes.every((n: any) => n.chargedForServices === true && n.feeExemption === null)).toBe(true);
    expect(data.operator.others.nodes).toHaveLength(9);
    expect(data.operator.others.nodes.every((n: any) => n.chargedForServices === true)).toBe(true);
  });
});

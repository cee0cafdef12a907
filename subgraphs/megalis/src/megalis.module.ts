import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { getOperatorOrThrow } from '../../../shared/src/operators/operator-registry';
import { MEGALIS_CATALOGUE } from './catalogue';
import type { OperatorModule } from '../../../shared/src/subgraph/operator-specifics';
import { toMemberApi } from '../../../shared/src/subgraph/member.mapper';
import type { SubgraphContext } from '../../../shared/src/subgraph/subgraph-context';
import type { Resolvers } from './generated/megalis-resolvers.generated';
import {
  CreateMegalisMembership1764450100000,
  MegalisMembershipEntity,
  type MegalisMembershipRow,
  statutoryBasisOf,
} from './megalis-membership';

const operator = getOperatorOrThrow('MEGALIS');

const sdl = `
"""
How a body is a member of Mégalis Bretagne (its statutes).
"""
enum MegalisMembershipBasis {
  "Statutory member of the syndicat mixte: the Région, the four départements and the EPCI."
  STATUTORY
  "Uses the services under a charter (a commune, a CCAS, another body); its contribution is pooled at the level of its EPCI."
  CHARTER
}

extend type MegalisMember {
  "Whether the body is a statutory member or uses the services under a charter."
  membershipBasis: MegalisMembershipBasis!
  "For a charter member, the EPCI through which it is covered and its contribution pooled; null for a statutory member, or when its EPCI is not in the directory."
  coveringEpci: MegalisMember
}
`;

function createLoaders(dataSource: DataSource) {
  return {
    membershipByMemberId: new DataLoader<number, MegalisMembershipRow | null>(async (memberIds) => {
      const rows = await dataSource.getRepository(MegalisMembershipEntity).findBy({ memberId: In([...memberIds]) });
      const byMember = new Map(rows.map((row) => [row.memberId, row]));
      return memberIds.map((id) => byMember.get(id) ?? null);
    }),
  };
}
type MegalisLoaders = ReturnType<typeof createLoaders>;
const loadersOf = (context: SubgraphContext) => context.specificLoaders as MegalisLoaders;

const resolvers: Resolvers = {
  MegalisMember: {
    membershipBasis: async (member, _args, context) =>
      (await loadersOf(context).membershipByMemberId.load(member.localId))?.basis ?? statutoryBasisOf(member.kind),
    coveringEpci: async (member, _args, context) => {
      const membership = await loadersOf(context).membershipByMemberId.load(member.localId);
      if (!membership?.coveringEpciId) return null;
      const epci = await context.loaders.memberById.load(membership.coveringEpciId);
      return epci ? toMemberApi(operator.typePrefix, epci) : null;
    },
  },
};

/** Mégalis Bretagne: the kernel, plus the membership basis and the covering EPCI. */
export const megalisModule: OperatorModule = {
  operator,
  specifics: {
    sdl,
    catalogue: MEGALIS_CATALOGUE,
    seedComposition: {
      foundedOn: '1999-06-01',
      synthetic: { SDIS: 4, GIP: 4, HOPITAL: 35, OPH: 10, EPLE: 130, SYNDICAT_MIXTE: 80, SIVOM: 50, SIVU: 180 },
      remainderKind: 'CCAS',
      statutoryIntercommunalities: true,
    },
    entities: [MegalisMembershipEntity],
    migrations: [CreateMegalisMembership1764450100000],
    createLoaders,
    resolvers,
    seed: async (dataSource, seed) => {
      const members = seed.members;
      const bases = members.map((m) => statutoryBasisOf(m.kind));
      await dataSource.query(
        `INSERT INTO megalis_membership (member_id, basis, covering_epci_id)
         SELECT m.id, x.basis, CASE WHEN x.basis = 'CHARTER' THEN e.id END
           FROM unnest($1::char(9)[], $2::varchar[], $3::char(9)[]) AS x(siren, basis, epci_siren)
           JOIN member m ON m.siren = x.siren
           LEFT JOIN member e ON e.siren = x.epci_siren
         ON CONFLICT (member_id) DO NOTHING`,
        [members.map((m) => m.siren), bases, members.map((m) => m.epciSiren)],
      );
    },
  },
};

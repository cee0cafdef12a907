import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The directory and catalogue of one operator: vendors, services, members, subscriptions, with
 * the indexes every list filter and order needs. The enum checks are written out literally: a
 * migration never changes once landed, so a new enum value needs a migration of its own.
 */
export class CreateDirectorySchema1764450000000 implements MigrationInterface {
  name = 'CreateDirectorySchema1764450000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`
      CREATE TABLE vendor (
        id serial PRIMARY KEY,
        name varchar(200) NOT NULL UNIQUE,
        siren char(9),
        website varchar(300)
      )`);
    await queryRunner.query(`
      CREATE TABLE service (
        id serial PRIMARY KEY,
        code varchar(64) NOT NULL UNIQUE,
        name varchar(200) NOT NULL,
        sort_name varchar(200) COLLATE "C" NOT NULL,
        category varchar(40) NOT NULL CHECK (category IN ('COMMANDE_PUBLIQUE', 'DEMATERIALISATION', 'ARCHIVAGE', 'OPEN_DATA', 'SIG', 'RELATION_USAGER', 'DONNEES_PERSONNELLES', 'CYBERSECURITE', 'IDENTITE_CERTIFICATS', 'INFRA_HEBERGEMENT', 'COLLABORATIF', 'FORMATION_ACCOMPAGNEMENT', 'INCLUSION_NUMERIQUE')),
        description text NOT NULL,
        product varchar(200),
        vendor_id int REFERENCES vendor(id),
        retired_at timestamptz,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE member (
        id serial PRIMARY KEY,
        siren char(9) NOT NULL UNIQUE CHECK (siren ~ '^[0-9]{9}$'),
        name varchar(300) NOT NULL,
        sort_name varchar(300) COLLATE "C" NOT NULL,
        kind varchar(40) NOT NULL CHECK (kind IN ('COMMUNE', 'DEPARTEMENT', 'REGION', 'COMMUNAUTE_DE_COMMUNES', 'COMMUNAUTE_D_AGGLOMERATION', 'COMMUNAUTE_URBAINE', 'METROPOLE', 'EPT', 'SIVU', 'SIVOM', 'SYNDICAT_MIXTE', 'CCAS', 'HOPITAL', 'SDIS', 'OPH', 'EPLE', 'GIP', 'OTHER')),
        legal_category varchar(4),
        insee_code varchar(5),
        population int CHECK (population >= 0),
        departement varchar(3) NOT NULL,
        status varchar(30) NOT NULL CHECK (status IN ('ADHERENT', 'EN_COURS_D_ADHESION', 'PARTENAIRE', 'PROSPECT', 'RESILIE', 'REFUS_D_ADHERER', 'DISSOLUTION')),
        joined_at date,
        synthetic boolean NOT NULL,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Keyset orders: (sort key, id) for every MemberOrderField.
    await queryRunner.query(`CREATE INDEX member_name_order_idx ON member (sort_name, id)`);
    await queryRunner.query(`CREATE INDEX member_population_order_idx ON member ((coalesce(population, -1)), id)`);
    await queryRunner.query(`CREATE INDEX member_joined_at_order_idx ON member ((coalesce(joined_at, DATE '0001-01-01')), id)`);
    await queryRunner.query(`CREATE INDEX member_kind_idx ON member (kind)`);
    await queryRunner.query(`CREATE INDEX member_status_idx ON member (status)`);
    await queryRunner.query(`CREATE INDEX member_departement_idx ON member (departement)`);
    await queryRunner.query(`CREATE INDEX member_sort_name_trgm_idx ON member USING gin (sort_name gin_trgm_ops)`);
    await queryRunner.query(`
      CREATE TABLE subscription (
        id serial PRIMARY KEY,
        member_id int NOT NULL REFERENCES member(id) ON DELETE CASCADE,
        service_id int NOT NULL REFERENCES service(id),
        since date NOT NULL,
        status varchar(20) NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'ENDED')),
        UNIQUE (member_id, service_id)
      )`);
    await queryRunner.query(`CREATE INDEX subscription_service_idx ON subscription (service_id, status)`);
    await queryRunner.query(`CREATE INDEX service_name_order_idx ON service (sort_name, id)`);
    await queryRunner.query(`CREATE INDEX service_sort_name_trgm_idx ON service USING gin (sort_name gin_trgm_ops)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE subscription`);
    await queryRunner.query(`DROP TABLE member`);
    await queryRunner.query(`DROP TABLE service`);
    await queryRunner.query(`DROP TABLE vendor`);
  }
}

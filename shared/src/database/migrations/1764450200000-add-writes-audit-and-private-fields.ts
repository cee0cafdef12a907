import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What writes need: members' private fields (contact, annual contribution), the membership status
 * history, the audit log of every change, and the idempotency keys of retried mutations.
 */
export class AddWritesAuditAndPrivateFields1764450200000 implements MigrationInterface {
  name = 'AddWritesAuditAndPrivateFields1764450200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE member ADD COLUMN contact_email varchar(254)`);
    await queryRunner.query(`ALTER TABLE member ADD COLUMN annual_contribution int CHECK (annual_contribution >= 0)`);
    await queryRunner.query(`
      CREATE TABLE membership_status_change (
        id serial PRIMARY KEY,
        member_id int NOT NULL REFERENCES member(id) ON DELETE CASCADE,
        from_status varchar(30) NOT NULL,
        to_status varchar(30) NOT NULL,
        reason varchar(500) NOT NULL,
        changed_by varchar(200) NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX membership_status_change_member_idx ON membership_status_change (member_id, id)`);
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor varchar(200) NOT NULL,
        action varchar(60) NOT NULL,
        entity_type varchar(40) NOT NULL,
        entity_id int NOT NULL,
        before jsonb,
        after jsonb,
        request_id varchar(128)
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id)`);
    await queryRunner.query(`
      CREATE TABLE idempotency_key (
        actor varchar(200) NOT NULL,
        client_mutation_id varchar(100) NOT NULL,
        mutation varchar(60) NOT NULL,
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (actor, client_mutation_id)
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_key`);
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`DROP TABLE membership_status_change`);
    await queryRunner.query(`ALTER TABLE member DROP COLUMN annual_contribution`);
    await queryRunner.query(`ALTER TABLE member DROP COLUMN contact_email`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exact member counts for filters on services, vendors and service categories, and the statistics'
 * subscription figures, without reading the subscriptions (`npm run bench:scale`: a vendor filter's
 * `totalCount` read 1.2 million subscriptions at 1,000,000 members, 3 s).
 *
 * 1. `member.active_services`: the sorted ids of the services a member has an ACTIVE subscription
 *    to, kept by statement-level triggers on `subscription` in the writing transaction. The trigger
 *    locks the members concerned (in id order, `FOR NO KEY UPDATE`: compatible with the key-share
 *    locks foreign-key checks take) before it reads their subscriptions, so that its read comes after
 *    any concurrent writer to the same member has committed. Nothing else writes it.
 * 2. `member_service_group_count`: like `member_group_count` (migration 1764450300000), with the
 *    set of active services as one more dimension, kept by the same kind of triggers on `member`. A
 *    count filtered by services sums the groups whose set overlaps the services asked for; the
 *    number of groups grows with the distinct sets of services members have, not with the members
 *    (4,929 groups for the benchmark's 1,000,000 members over 8 services). `member_group_count`
 *    stays as it is for the counts without a service filter (fewer groups to read).
 *
 * Written out literally: a migration never changes once landed.
 */
const TRIGGER_EVENTS = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] as const;

/**
 * One statement-level trigger per event on `table`, named `<prefix>_<event>`, each with the
 * transition tables its event has (a trigger with transition tables takes one event only).
 */
function statementTriggers(table: string, prefix: string, fn: string): string[] {
  const transitions: Record<(typeof TRIGGER_EVENTS)[number], string> = {
    INSERT: 'REFERENCING NEW TABLE AS new_rows',
    UPDATE: 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows',
    DELETE: 'REFERENCING OLD TABLE AS old_rows',
    TRUNCATE: '',
  };
  return TRIGGER_EVENTS.map(
    (event) => `CREATE TRIGGER ${prefix}_${event.toLowerCase()} AFTER ${event} ON ${table} ${transitions[event]} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  );
}

export class AddMemberServiceCounts1764450500000 implements MigrationInterface {
  name = 'AddMemberServiceCounts1764450500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Filling the new column and table reads every member and subscription: not bounded by the
    // service's statement timeout (this migration runs in a transaction of its own).
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    await queryRunner.query(`ALTER TABLE member ADD COLUMN active_services int[] NOT NULL DEFAULT '{}'`);
    // What `active_services` must hold for a member: the trigger below and a bulk load use it.
    await queryRunner.query(`
      CREATE FUNCTION member_active_services(member int) RETURNS int[] LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT coalesce(array_agg(service_id ORDER BY service_id), '{}') FROM subscription
               WHERE member_id = member AND status = 'ACTIVE' $$`);
    await queryRunner.query(`
      UPDATE member SET active_services = member_active_services(id)
       WHERE id IN (SELECT member_id FROM subscription WHERE status = 'ACTIVE')`);

    await queryRunner.query(`
      CREATE TABLE member_service_group_count (
        kind varchar(40) NOT NULL,
        departement varchar(3) NOT NULL,
        status varchar(30) NOT NULL,
        synthetic boolean NOT NULL,
        population_band int NOT NULL,
        services int[] NOT NULL,
        members bigint NOT NULL,
        PRIMARY KEY (kind, departement, status, synthetic, population_band, services)
      )`);
    await queryRunner.query(`
      INSERT INTO member_service_group_count (kind, departement, status, synthetic, population_band, services, members)
      SELECT kind, departement, status, synthetic, member_population_band(population), active_services, count(*)
        FROM member GROUP BY 1, 2, 3, 4, 5, 6`);
    // As member_group_count_apply: one delta per group and statement, applied in key order.
    const apply = (source: string) => `
        INSERT INTO member_service_group_count AS c (kind, departement, status, synthetic, population_band, services, members)
        SELECT kind, departement, status, synthetic, member_population_band(population), active_services, sum(sign)
          FROM (${source}) delta
         GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(sign) <> 0
         ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (kind, departement, status, synthetic, population_band, services)
        DO UPDATE SET members = c.members + EXCLUDED.members;`;
    const added = `SELECT kind, departement, status, synthetic, population, active_services, 1::bigint AS sign FROM new_rows`;
    const removed = `SELECT kind, departement, status, synthetic, population, active_services, -1::bigint AS sign FROM old_rows`;
    await queryRunner.query(`
      CREATE FUNCTION member_service_group_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${apply(added)}
        ELSIF TG_OP = 'DELETE' THEN ${apply(removed)}
        ELSIF TG_OP = 'UPDATE' THEN ${apply(`${added} UNION ALL ${removed}`)}
        ELSE DELETE FROM member_service_group_count;
        END IF;
        RETURN NULL;
      END $$`);
    for (const statement of statementTriggers('member', 'member_service_group_count', 'member_service_group_count_apply')) await queryRunner.query(statement);

    const refresh = (members: string) => `
        SELECT array_agg(DISTINCT member_id ORDER BY member_id) INTO ids FROM (${members}) r;
        PERFORM 1 FROM member WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
        UPDATE member m SET active_services = a.services
          FROM (SELECT i AS id, member_active_services(i) AS services FROM unnest(ids) i) a
         WHERE m.id = a.id AND m.active_services IS DISTINCT FROM a.services;`;
    await queryRunner.query(`
      CREATE FUNCTION member_active_services_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ids int[];
      BEGIN
        -- Each statement below takes a snapshot of its own (READ COMMITTED): the subscriptions are
        -- read once the members are locked.
        IF TG_OP = 'INSERT' THEN ${refresh('SELECT member_id FROM new_rows')}
        ELSIF TG_OP = 'DELETE' THEN ${refresh('SELECT member_id FROM old_rows')}
        ELSIF TG_OP = 'UPDATE' THEN ${refresh('SELECT member_id FROM new_rows UNION ALL SELECT member_id FROM old_rows')}
        ELSE UPDATE member SET active_services = '{}' WHERE active_services <> '{}';
        END IF;
        RETURN NULL;
      END $$`);
    for (const statement of statementTriggers('subscription', 'member_active_services', 'member_active_services_refresh')) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of TRIGGER_EVENTS) await queryRunner.query(`DROP TRIGGER member_active_services_${event.toLowerCase()} ON subscription`);
    await queryRunner.query(`DROP FUNCTION member_active_services_refresh()`);
    await queryRunner.query(`DROP FUNCTION member_active_services(int)`);
    for (const event of TRIGGER_EVENTS) await queryRunner.query(`DROP TRIGGER member_service_group_count_${event.toLowerCase()} ON member`);
    await queryRunner.query(`DROP FUNCTION member_service_group_count_apply()`);
    await queryRunner.query(`DROP TABLE member_service_group_count`);
    await queryRunner.query(`ALTER TABLE member DROP COLUMN active_services`);
  }
}

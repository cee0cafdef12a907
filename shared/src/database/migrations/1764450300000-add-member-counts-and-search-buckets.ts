import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What keeps counts, name filters and search fast at a million members (`npm run bench:scale`):
 *
 * 1. `member_group_count`: exact member counts (and population totals) per kind × département ×
 *    status × synthetic × population band, kept by statement-level triggers in the writing
 *    transaction, so a count over those dimensions reads a few hundred rows instead of the members.
 *    The band starts (0 to 8, then 12 per power of ten: 10, 12, 15, 20, 25, 30, 35, 40, 50, 60, 70,
 *    80, 100…) are written out here and computed in `shared/src/directory/population-bands.ts`; a
 *    test keeps the two equal.
 * 2. `member.name_trigram_count` (how many distinct trigrams `sort_name` has) and one partial GIN
 *    trigram index per range of it: a name with n trigrams has a similarity of at most q/n to a
 *    search text of q trigrams, so search ranks the short names first without scoring the long ones
 *    (shared/src/directory/search.ts). The ranges are the ones `SEARCH_NAME_BUCKETS` names.
 * 3. An index for counting the part of a population band a bound falls in (index-only).
 *
 * Written out literally: a migration never changes once landed.
 */
export class AddMemberCountsAndSearchBuckets1764450300000 implements MigrationInterface {
  name = 'AddMemberCountsAndSearchBuckets1764450300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const bandStarts = `ARRAY[
      0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 35, 40, 50, 60, 70, 80, 100, 120, 150, 200, 250,
      300, 350, 400, 500, 600, 700, 800, 1000, 1200, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 7000,
      8000, 10000, 12000, 15000, 20000, 25000, 30000, 35000, 40000, 50000, 60000, 70000, 80000, 100000,
      120000, 150000, 200000, 250000, 300000, 350000, 400000, 500000, 600000, 700000, 800000, 1000000,
      1200000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000, 5000000, 6000000, 7000000, 8000000,
      10000000, 12000000, 15000000, 20000000, 25000000, 30000000, 35000000, 40000000, 50000000, 60000000,
      70000000, 80000000, 100000000, 120000000, 150000000, 200000000, 250000000, 300000000, 350000000,
      400000000, 500000000, 600000000, 700000000, 800000000, 1000000000, 1200000000, 1500000000,
      2000000000]`;
    await queryRunner.query(`
      CREATE FUNCTION member_population_band(population int) RETURNS int
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT CASE WHEN population IS NULL THEN -1 ELSE (${bandStarts})[width_bucket(population, ${bandStarts})] END $$`);
    await queryRunner.query(`
      CREATE TABLE member_group_count (
        kind varchar(40) NOT NULL,
        departement varchar(3) NOT NULL,
        status varchar(30) NOT NULL,
        synthetic boolean NOT NULL,
        population_band int NOT NULL,
        members bigint NOT NULL,
        population_total bigint NOT NULL,
        PRIMARY KEY (kind, departement, status, synthetic, population_band)
      )`);
    await queryRunner.query(`
      INSERT INTO member_group_count (kind, departement, status, synthetic, population_band, members, population_total)
      SELECT kind, departement, status, synthetic, member_population_band(population), count(*), coalesce(sum(population), 0)
        FROM member GROUP BY 1, 2, 3, 4, 5`);
    // One delta per group and statement, applied in key order (two writers lock shared rows in the
    // same order); an update that moves no member between groups writes nothing.
    const apply = (source: string) => `
        INSERT INTO member_group_count AS c (kind, departement, status, synthetic, population_band, members, population_total)
        SELECT kind, departement, status, synthetic, member_population_band(population), sum(sign), sum(sign * coalesce(population, 0))
          FROM (${source}) delta
         GROUP BY 1, 2, 3, 4, 5
        HAVING sum(sign) <> 0 OR sum(sign * coalesce(population, 0)) <> 0
         ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (kind, departement, status, synthetic, population_band)
        DO UPDATE SET members = c.members + EXCLUDED.members, population_total = c.population_total + EXCLUDED.population_total;`;
    const added = `SELECT kind, departement, status, synthetic, population, 1::bigint AS sign FROM new_rows`;
    const removed = `SELECT kind, departement, status, synthetic, population, -1::bigint AS sign FROM old_rows`;
    await queryRunner.query(`
      CREATE FUNCTION member_group_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${apply(added)}
        ELSIF TG_OP = 'DELETE' THEN ${apply(removed)}
        ELSIF TG_OP = 'UPDATE' THEN ${apply(`${added} UNION ALL ${removed}`)}
        ELSE DELETE FROM member_group_count;
        END IF;
        RETURN NULL;
      END $$`);
    // Transition tables allow one event per trigger.
    await queryRunner.query(`CREATE TRIGGER member_group_count_insert AFTER INSERT ON member
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_group_count_apply()`);
    await queryRunner.query(`CREATE TRIGGER member_group_count_update AFTER UPDATE ON member
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_group_count_apply()`);
    await queryRunner.query(`CREATE TRIGGER member_group_count_delete AFTER DELETE ON member
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION member_group_count_apply()`);
    await queryRunner.query(`CREATE TRIGGER member_group_count_truncate AFTER TRUNCATE ON member
      FOR EACH STATEMENT EXECUTE FUNCTION member_group_count_apply()`);
    await queryRunner.query(`CREATE INDEX member_population_count_idx ON member (population) INCLUDE (kind, departement, status, synthetic)`);

    await queryRunner.query(`
      ALTER TABLE member ADD COLUMN name_trigram_count smallint NOT NULL
        GENERATED ALWAYS AS (coalesce(array_length(show_trgm(sort_name), 1), 0)) STORED`);
    await queryRunner.query(`CREATE INDEX member_search_trgm_upto_12_idx ON member USING gin (sort_name gin_trgm_ops) WHERE name_trigram_count <= 12`);
    await queryRunner.query(`CREATE INDEX member_search_trgm_13_20_idx ON member USING gin (sort_name gin_trgm_ops) WHERE name_trigram_count BETWEEN 13 AND 20`);
    await queryRunner.query(`CREATE INDEX member_search_trgm_21_32_idx ON member USING gin (sort_name gin_trgm_ops) WHERE name_trigram_count BETWEEN 21 AND 32`);
    await queryRunner.query(`CREATE INDEX member_search_trgm_from_33_idx ON member USING gin (sort_name gin_trgm_ops) WHERE name_trigram_count >= 33`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX member_search_trgm_from_33_idx`);
    await queryRunner.query(`DROP INDEX member_search_trgm_21_32_idx`);
    await queryRunner.query(`DROP INDEX member_search_trgm_13_20_idx`);
    await queryRunner.query(`DROP INDEX member_search_trgm_upto_12_idx`);
    await queryRunner.query(`ALTER TABLE member DROP COLUMN name_trigram_count`);
    await queryRunner.query(`DROP INDEX member_population_count_idx`);
    await queryRunner.query(`DROP TRIGGER member_group_count_truncate ON member`);
    await queryRunner.query(`DROP TRIGGER member_group_count_delete ON member`);
    await queryRunner.query(`DROP TRIGGER member_group_count_update ON member`);
    await queryRunner.query(`DROP TRIGGER member_group_count_insert ON member`);
    await queryRunner.query(`DROP FUNCTION member_group_count_apply()`);
    await queryRunner.query(`DROP TABLE member_group_count`);
    await queryRunner.query(`DROP FUNCTION member_population_band(int)`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How often each trigram occurs in each range of name lengths, for search
 * (shared/src/directory/search-candidates.ts): a range whose names all share a frequent word with
 * the text ("saint …" for "saint brieuc") is then read through the text's rarest trigrams only.
 *
 * `member_search_trigrams(sort_name, name_trigram_count)` is the name's trigrams, each prefixed with
 * its range ("3:bri"), plus the range itself ("3:"). Extended statistics on that expression make
 * ANALYZE (and autovacuum's) keep the most common elements and their frequencies, read from
 * `pg_stats_ext_exprs`. Nothing is written per row: no index, no trigger.
 *
 * The ranges are those of the partial trigram indexes of migration 1764450300000 (`SEARCH_NAME_BUCKETS`
 * in shared/src/directory/search.ts; a test keeps the two equal). `show_trgm` is called qualified
 * with the schema pg_trgm lives in: ANALYZE runs expressions with a search path of pg_catalog only.
 *
 * Written out literally: a migration never changes once landed.
 */
export class AddSearchTrigramStatistics1764450400000 implements MigrationInterface {
  name = 'AddSearchTrigramStatistics1764450400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const [{ schema }] = await queryRunner.query(
      `SELECT quote_ident(n.nspname) AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
    );
    await queryRunner.query(`
      CREATE FUNCTION member_search_trigrams(name text, trigram_count smallint) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$
          SELECT ARRAY[r.bucket] || coalesce((SELECT array_agg(r.bucket || t) FROM unnest(${schema}.show_trgm(name)) t), '{}')
            FROM (SELECT CASE WHEN trigram_count <= 12 THEN '1:' WHEN trigram_count <= 20 THEN '2:'
                              WHEN trigram_count <= 32 THEN '3:' ELSE '4:' END AS bucket) r
        $$`);
    await queryRunner.query(`CREATE STATISTICS member_search_trigrams ON (member_search_trigrams(sort_name, name_trigram_count)) FROM member`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP STATISTICS member_search_trigrams`);
    await queryRunner.query(`DROP FUNCTION member_search_trigrams(text, smallint)`);
  }
}

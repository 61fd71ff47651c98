// The few places where SQLite and PostgreSQL need different SQL.
import { CompiledQuery, PostgresAdapter, sql } from 'kysely';
import type { Db } from '../schema.js';
import { fastReaderOf } from '../connect.js';

export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Adds FOR UPDATE on PostgreSQL; SQLite has no row locks (and no such syntax). */
export function forUpdate<Q extends { forUpdate(): Q }>(db: Db, query: Q): Q {
  return isPostgres(db) ? query.forUpdate() : query;
}

/**
 * A fixed SQL statement, compiled once per dialect, for the request hot path: Kysely's builder
 * costs tens of microseconds per query, more than the indexed lookup itself. Write `?` for each
 * parameter; PostgreSQL gets `$1, $2, ...`. Only for reads: on SQLite they may run on the read
 * connection.
 */
export function statement<Row>(text: string | { sqlite: string; postgres: string }): (db: Db, params: readonly unknown[]) => Promise<Row[]> {
  const forSqlite = typeof text === 'string' ? text : text.sqlite;
  let n = 0;
  const forPostgres = (typeof text === 'string' ? text : text.postgres).replace(/\?/g, () => `$${++n}`);
  return async (db, params) => {
    const fast = fastReaderOf(db);
    if (fast) return fast(forSqlite, params) as Row[];
    const query = CompiledQuery.raw(isPostgres(db) ? forPostgres : forSqlite, params as unknown[]);
    return (await db.executeQuery<Row>(query)).rows;
  };
}

/**
 * The text of a statement() over a list of ids given as one parameter, so that the statement stays
 * the same whatever the number of ids: `build` writes the SQL, calling `inList(column)` for the
 * condition; bind `idList(db, ids)` to its `?`.
 */
export function overIdList(build: (inList: (column: string) => string) => string): { sqlite: string; postgres: string } {
  return {
    sqlite: build((column) => `${column} in (select value from json_each(?))`),
    postgres: build((column) => `${column} = any(?::varchar[])`),
  };
}

/** The parameter for an overIdList() statement's list. */
export function idList(db: Db, ids: readonly string[]): unknown {
  return isPostgres(db) ? ids : JSON.stringify(ids);
}

/** `column` contains `needle`, case-sensitively on both databases (SQLite's LIKE ignores ASCII case). */
export function containsText(db: Db, column: string, needle: string) {
  return isPostgres(db) ? sql<boolean>`strpos(${sql.ref(column)}, ${needle}) > 0` : sql<boolean>`instr(${sql.ref(column)}, ${needle}) > 0`;
}

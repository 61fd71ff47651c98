// The few places where SQLite and PostgreSQL need different SQL.
import { PostgresAdapter } from 'kysely';
import type { Db } from '../schema.js';

export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Adds FOR UPDATE on PostgreSQL; SQLite has no row locks (and no such syntax). */
export function forUpdate<Q extends { forUpdate(): Q }>(db: Db, query: Q): Q {
  return isPostgres(db) ? query.forUpdate() : query;
}

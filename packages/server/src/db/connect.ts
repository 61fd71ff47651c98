// Opens the database the configuration names: an embedded SQLite file (the default) or PostgreSQL.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, sql, type DialectAdapter } from 'kysely';
import type { DatabaseTarget } from '../config.js';
import type { Tables } from './schema.js';
import { attachCaches, Caches } from './cache.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Tables>;
  /** short-lived named caches for hot-path reads, invalidated by the repository functions that write their tables */
  caches: Caches;
  dialect: Dialect;
  /** where it is, without credentials, for messages */
  describe: string;
  close(): Promise<void>;
}

/**
 * SQLite runs DDL inside transactions perfectly well, but Kysely's adapter says otherwise, so its
 * migrator would apply migrations without a transaction (and, on SQLite, without a lock): two
 * processes migrating at once could both apply the same migration, or leave half a schema. With
 * transactional DDL each migration runs in a BEGIN IMMEDIATE transaction (see below), which also
 * serialises concurrent migrators.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

type FastReader = (text: string, params: readonly unknown[]) => unknown[];
const fastReaders = new WeakMap<object, FastReader>();

/**
 * The synchronous read connection of an SQLite database handle, for fixed SELECT statements; none
 * for PostgreSQL or inside a transaction (whose reads must see its own uncommitted writes).
 */
export function fastReaderOf(db: object): FastReader | undefined {
  return fastReaders.get(db);
}

/** The database cannot be opened or reached; the message is one line a person can act on. */
export class DatabaseUnavailableError extends Error {}

export interface OpenOptions {
  poolSize?: number;
  /** PostgreSQL: how long to wait for a connection before giving up */
  connectTimeoutMs?: number;
}

type PgModule = (typeof import('pg'))['default'];

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  // Each driver is loaded only when its database is used: a server holds one of them in memory.
  if (target.kind === 'sqlite') return openSqlite((await import('better-sqlite3')).default, target.path);
  return openPostgres((await import('pg')).default, target.url, options);
}

function reason(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ? `${e.code}${e.message ? ` (${e.message.split('\n')[0]})` : ''}` : String(e.message ?? error);
}

function openSqlite(SQLite: typeof import('better-sqlite3'), path: string): Database {
  let raw: SQLite.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    raw = new SQLite(path, { timeout: 10_000 });
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('synchronous = NORMAL');
  } catch (error) {
    throw new DatabaseUnavailableError(
      `Cannot open the SQLite database at ${path}: ${reason(error)}. Set ARGILLA_HOME_PATH to a writable folder.`,
    );
  }
  // Kysely opens transactions with a plain BEGIN, which SQLite makes "deferred": two processes that
  // both read and then write would deadlock and one would fail at once with SQLITE_BUSY.
  // BEGIN IMMEDIATE takes the write lock up front, so writers from several processes queue up
  // (for up to the busy timeout) instead.
  // Prepared statements are kept and reused (Kysely would prepare every query anew), bounded so
  // that ad-hoc queries with varying shapes cannot grow the cache without limit.
  const statements = new Map<string, SQLite.Statement>();
  const database = {
    prepare(query: string) {
      const text = /^begin$/i.test(query.trim()) ? 'begin immediate' : query;
      let statement = statements.get(text);
      if (!statement) {
        statement = raw.prepare(text);
        if (statements.size >= 500) statements.delete(statements.keys().next().value!);
        statements.set(text, statement);
      }
      return statement;
    },
    close: () => raw.close(),
  };
  const db = new Kysely<Tables>({ dialect: new TransactionalSqliteDialect({ database: database as unknown as SQLite.Database }) });
  // Hot-path reads (authentication, /api/me) go to a second connection, synchronously: no queueing
  // behind the writer's lock, and WAL lets it see every committed write without blocking.
  const reader = new SQLite(path, { readonly: true, timeout: 10_000 });
  const readStatements = new Map<string, SQLite.Statement>();
  fastReaders.set(db, (text, params) => {
    let statement = readStatements.get(text);
    if (!statement) {
      statement = reader.prepare(text);
      readStatements.set(text, statement);
    }
    return statement.all(...params);
  });
  const caches = new Caches();
  attachCaches(db, caches);
  return {
    db,
    caches,
    dialect: 'sqlite',
    describe: `SQLite at ${path}`,
    close: async () => {
      await db.destroy();
      reader.close();
    },
  };
}

async function openPostgres(pg: PgModule, url: string, options: OpenOptions): Promise<Database> {
  const parsed = new URL(url);
  const where = `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new DatabaseUnavailableError(`Cannot connect to ${where}: ${reason(error)}`);
  }
  const caches = new Caches();
  attachCaches(db, caches);
  return { db, caches, dialect: 'postgres', describe: where, close: () => db.destroy() };
}

/** True when a write failed because a unique constraint (or primary key) already holds the value. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when PostgreSQL gave up on a transaction that may succeed if tried again (deadlock, serialization). */
export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '40001' || code === '40P01';
}

/** True when a write referred to a row that no longer exists (a foreign key). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** A round trip to the database, for health checks; throws when it is unreachable. */
export async function pingDatabase(db: Kysely<Tables>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** True for failures of the database connection itself (server down, restarting, unreachable). */
export function isDatabaseDown(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '08006', '08001', 'SQLITE_BUSY'].includes(e.code ?? '')) {
    return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}

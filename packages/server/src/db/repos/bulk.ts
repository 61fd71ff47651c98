// Set-at-a-time reads and writes for imports of thousands of users: a few statements per chunk
// instead of several per user (one per table for inserts on PostgreSQL). Chunks stay well under
// SQLite's and PostgreSQL's parameter limits.
import { changed } from '../cache.js';
import { CompiledQuery } from 'kysely';
import type { ApiKeyRow, Db, MembershipsTable, Tables, UserRow, WorkspacesTable } from '../schema.js';
import { isPostgres } from './dialect.js';

const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function findUsersByUsernames(db: Db, usernames: string[]): Promise<UserRow[]> {
  const rows: UserRow[] = [];
  for (const part of chunks(usernames)) rows.push(...(await db.selectFrom('users').selectAll().where('username', 'in', part).execute()));
  return rows;
}

export async function findKeyOwners(db: Db, digests: string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const part of chunks(digests)) {
    const rows = await db.selectFrom('api_keys').select(['digest', 'user_id']).where('digest', 'in', part).execute();
    for (const row of rows) owners.set(row.digest, row.user_id);
  }
  return owners;
}

export async function findWorkspaceIdsByNames(db: Db, names: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const part of chunks(names)) {
    const rows = await db.selectFrom('workspaces').select(['id', 'name']).where('name', 'in', part).execute();
    for (const row of rows) ids.set(row.name, row.id);
  }
  return ids;
}

/** Membership pairs that already exist, as `userId workspaceId` strings. */
export async function existingMemberships(db: Db, userIds: string[]): Promise<Set<string>> {
  const pairs = new Set<string>();
  for (const part of chunks(userIds)) {
    const rows = await db.selectFrom('memberships').select(['user_id', 'workspace_id']).where('user_id', 'in', part).execute();
    for (const row of rows) pairs.add(`${row.user_id} ${row.workspace_id}`);
  }
  return pairs;
}

/**
 * Inserts rows (all with the same columns). On PostgreSQL one statement takes each column as an
 * array (`unnest`), whatever the number of rows: a chunk of rows as parameters costs PostgreSQL a
 * parse and plan of thousands of placeholders each time, and 4 round trips per 1000 rows. On
 * SQLite, in process, chunks of `chunk` rows (its limit on parameters is 32,766).
 */
export async function insertRows<T extends object>(db: Db, table: keyof Tables, rows: T[], chunk: number, integers: Array<keyof T> = []): Promise<void> {
  if (rows.length === 0) return;
  if (isPostgres(db)) {
    const columns = Object.keys(rows[0]!) as Array<keyof T & string>;
    const arrays = columns.map((column) => rows.map((row) => row[column] ?? null));
    const types = columns.map((column, i) => `$${i + 1}::${integers.includes(column) ? 'integer' : 'text'}[]`);
    await db.executeQuery(CompiledQuery.raw(`insert into ${table} (${columns.join(', ')}) select * from unnest(${types.join(', ')})`, arrays));
    return;
  }
  for (const part of chunks(rows, chunk)) await db.insertInto(table).values(part as never).execute();
}

export async function insertUsers(db: Db, rows: UserRow[]): Promise<void> {
  await insertRows(db, 'users', rows, 200, ['disabled']);
  changed(db, 'users');
}

export async function insertWorkspaces(db: Db, rows: WorkspacesTable[]): Promise<void> {
  await insertRows(db, 'workspaces', rows, CHUNK);
  changed(db, 'workspaces');
}

export async function insertMembershipRows(db: Db, rows: MembershipsTable[]): Promise<void> {
  await insertRows(db, 'memberships', rows, 400);
  changed(db, 'memberships');
}

export async function insertApiKeys(db: Db, rows: ApiKeyRow[]): Promise<void> {
  await insertRows(db, 'api_keys', rows, 300);
  changed(db, 'api_keys');
}

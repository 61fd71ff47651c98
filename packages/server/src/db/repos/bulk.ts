// Set-at-a-time reads and writes for imports of thousands of users: a few statements per chunk
// instead of several per user. Chunks stay well under SQLite's and PostgreSQL's parameter limits.
import type { ApiKeyRow, Db, MembershipsTable, UserRow } from '../schema.js';

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

export async function insertUsers(db: Db, rows: UserRow[]): Promise<void> {
  for (const part of chunks(rows, 200)) await db.insertInto('users').values(part).execute();
}

export async function insertWorkspaces(db: Db, rows: Array<{ id: string; name: string; inserted_at: string; updated_at: string }>): Promise<void> {
  for (const part of chunks(rows)) await db.insertInto('workspaces').values(part).execute();
}

export async function insertMembershipRows(db: Db, rows: MembershipsTable[]): Promise<void> {
  for (const part of chunks(rows, 400)) await db.insertInto('memberships').values(part).execute();
}

export async function insertApiKeys(db: Db, rows: ApiKeyRow[]): Promise<void> {
  for (const part of chunks(rows, 300)) await db.insertInto('api_keys').values(part).execute();
}

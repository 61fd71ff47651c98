import { sql } from 'kysely';
import { changed } from '../cache.js';
import type { Db, UserRow, UsersTable } from '../schema.js';
import { forUpdate, idList, overIdList, statement } from './dialect.js';

export async function insertUser(db: Db, row: UsersTable): Promise<void> {
  await db.insertInto('users').values(row).execute();
  changed(db, 'users');
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A user, its row locked until the transaction ends on PostgreSQL (SQLite's transactions hold the write lock). */
export function findUserByIdForUpdate(db: Db, id: string): Promise<UserRow | undefined> {
  return forUpdate(db, db.selectFrom('users').selectAll().where('id', '=', id)).executeTakeFirst();
}

/** Every user's password hash by id (for `users export --with-password-hashes`). */
export async function passwordHashesById(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('users').select(['id', 'password_hash']).execute();
  return new Map(rows.map((r) => [r.id, r.password_hash]));
}

export function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export interface UserFilters {
  role?: string;
  workspace?: string;
  q?: string;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filtered(db: Db, filters: UserFilters) {
  let query = db.selectFrom('users');
  if (filters.role) query = query.where('users.role', '=', filters.role);
  if (filters.workspace) {
    const workspace = filters.workspace;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('memberships')
          .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
          .select(sql`1`.as('one'))
          .whereRef('memberships.user_id', '=', 'users.id')
          .where('workspaces.name', '=', workspace),
      ),
    );
  }
  if (filters.q) {
    const pattern = `%${escapeLike(filters.q.toLowerCase())}%`;
    query = query.where(({ or }) =>
      or(
        ['users.username', 'users.first_name', 'users.last_name', 'users.email'].map(
          (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  return query;
}

const USER_COLUMNS = 'id, username, first_name, last_name, email, role, disabled, password_hash, inserted_at, updated_at';
const selectPageOfUsers = statement<UserRow>(`select ${USER_COLUMNS} from users order by inserted_at, id limit ? offset ?`);

/** Users in creation order, one page of them. */
export function listUsers(db: Db, filters: UserFilters, limit: number, offset: number): Promise<UserRow[]> {
  // The unfiltered list (an admin's first look) is one fixed statement.
  if (!filters.role && !filters.workspace && !filters.q) return selectPageOfUsers(db, [limit, offset]);
  return filtered(db, filters)
    .selectAll('users')
    .orderBy('users.inserted_at')
    .orderBy('users.id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countUsers(db: Db, filters: UserFilters = {}): Promise<number> {
  const row = await filtered(db, filters)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateUserRow(db: Db, id: string, changes: Partial<UsersTable>): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
  changed(db, 'users');
}

/** Deletes a user; false when it was already gone (a concurrent delete). */
export async function deleteUserRow(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  // Its keys, sessions and memberships go with it (ON DELETE CASCADE).
  changed(db, 'users', 'api_keys', 'login_sessions', 'memberships');
  return Number(result.numDeletedRows) > 0;
}

/**
 * The ids of enabled users holding one of `roles`, locked until the transaction ends on PostgreSQL
 * (SQLite transactions here already hold the database's write lock), so two concurrent demotions
 * cannot both pass the "keep one admin" check.
 */
export async function lockEnabledUserIdsWithRoles(db: Db, roles: readonly string[]): Promise<string[]> {
  const query = db.selectFrom('users').select('id').where('role', 'in', roles).where('disabled', '=', 0);
  const rows = await forUpdate(db, query).execute();
  return rows.map((r) => r.id);
}

/** Workspace names of each user, in the order the memberships were made. */
const selectWorkspaceNamesOfUser = statement<{ name: string }>(
  `select w.name from memberships m join workspaces w on w.id = m.workspace_id where m.user_id = ? order by m.inserted_at, m.id`,
);

const selectWorkspaceNamesOfUsers = statement<{ user_id: string; name: string }>(
  overIdList(
    (inList) => `select m.user_id, w.name from memberships m join workspaces w on w.id = m.workspace_id
     where ${inList('m.user_id')} order by m.inserted_at, m.id`,
  ),
);

export async function workspaceNamesByUser(db: Db, userIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return result;
  if (userIds.length === 1) {
    result.set(userIds[0]!, (await selectWorkspaceNamesOfUser(db, [userIds[0]])).map((r) => r.name));
    return result;
  }
  const rows = await selectWorkspaceNamesOfUsers(db, [idList(db, userIds)]);
  for (const row of rows) result.get(row.user_id)?.push(row.name);
  return result;
}

import type { Db, MembershipsTable, UserRow, WorkspaceRow } from '../schema.js';
import { changed } from '../cache.js';
import { statement } from './dialect.js';
import { newId } from '../../lib/ids.js';
import { nowIso } from '../../lib/time.js';

export async function insertWorkspace(db: Db, row: WorkspaceRow): Promise<void> {
  await db.insertInto('workspaces').values(row).execute();
  changed(db, 'workspaces');
}

export function findWorkspaceById(db: Db, id: string): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findWorkspaceByName(db: Db, name: string): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('name', '=', name).executeTakeFirst();
}

// Lists of names or ids go to the database in slices: SQLite allows 999 parameters in a statement
// in older builds (32,766 in newer ones), PostgreSQL 65,535. A slice of names is one parameter
// each; a slice of rows one per column (5 at most here), so both stay under 999.
const NAMES_PER_STATEMENT = 500;
const ROWS_PER_STATEMENT = 150;

function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function workspacesNamed(db: Db, names: string[]): Promise<WorkspaceRow[]> {
  const rows: WorkspaceRow[] = [];
  for (const part of slices(names, NAMES_PER_STATEMENT)) rows.push(...(await db.selectFrom('workspaces').selectAll().where('name', 'in', part).execute()));
  return rows;
}

/** Creates the workspaces that do not exist yet and returns all of them, in the order given. */
export async function ensureWorkspaces(db: Db, names: string[]): Promise<{ rows: WorkspaceRow[]; created: string[] }> {
  if (names.length === 0) return { rows: [], created: [] };
  const unique = [...new Set(names)];
  const existing = await workspacesNamed(db, unique);
  const byName = new Map(existing.map((w) => [w.name, w]));
  const missing = unique.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    for (const part of slices(missing, ROWS_PER_STATEMENT)) {
      // DO NOTHING: another writer may create the same workspace at the same moment; both then use it.
      await db
        .insertInto('workspaces')
        .values(part.map((name) => {
          const now = nowIso();
          return { id: newId(), name, inserted_at: now, updated_at: now };
        }))
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    }
    changed(db, 'workspaces');
    for (const row of await workspacesNamed(db, missing)) byName.set(row.name, row);
  }
  return { rows: unique.map((name) => byName.get(name)!), created: missing };
}

const selectAllWorkspaces = statement<WorkspaceRow>(
  'select id, name, inserted_at, updated_at from workspaces order by inserted_at, id limit ? offset ?',
);
const selectWorkspacesOfMember = statement<WorkspaceRow>(
  `select w.id, w.name, w.inserted_at, w.updated_at from workspaces w join memberships m on m.workspace_id = w.id
   where m.user_id = ? order by w.inserted_at, w.id limit ? offset ?`,
);
const countAllWorkspaces = statement<{ n: number | string }>('select count(*) as n from workspaces');
const countWorkspacesOfMember = statement<{ n: number | string }>('select count(*) as n from memberships where user_id = ?');

/** Workspaces in creation order; only those `memberId` belongs to when given. */
export function listWorkspaceRows(db: Db, limit: number, offset: number, memberId?: string): Promise<WorkspaceRow[]> {
  return memberId ? selectWorkspacesOfMember(db, [memberId, limit, offset]) : selectAllWorkspaces(db, [limit, offset]);
}

export async function countWorkspaces(db: Db, memberId?: string): Promise<number> {
  const [row] = memberId ? await countWorkspacesOfMember(db, [memberId]) : await countAllWorkspaces(db, []);
  return Number(row!.n);
}

const selectAllWorkspaceNames = statement<{ name: string }>('select name from workspaces order by inserted_at, id');

/** Every workspace name in creation order (what an admin's /api/me lists). */
export async function allWorkspaceNames(db: Db): Promise<string[]> {
  return (await selectAllWorkspaceNames(db, [])).map((r) => r.name);
}

/** Deletes a workspace; false when it was already gone (a concurrent delete). */
export async function deleteWorkspaceRow(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('workspaces').where('id', '=', id).executeTakeFirst();
  // Its memberships go with it (ON DELETE CASCADE).
  changed(db, 'workspaces', 'memberships');
  return Number(result.numDeletedRows) > 0;
}

export async function isMember(db: Db, userId: string, workspaceId: string): Promise<boolean> {
  const row = await db
    .selectFrom('memberships')
    .select('id')
    .where('user_id', '=', userId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Membership rows for one user, timed in the order given (so listing keeps that order). */
export function membershipRows(userId: string, workspaceIds: string[]): MembershipsTable[] {
  return workspaceIds.map((workspace_id) => {
    const at = nowIso();
    return { id: newId(), user_id: userId, workspace_id, inserted_at: at, updated_at: at };
  });
}

export async function insertMemberships(db: Db, userId: string, workspaceIds: string[]): Promise<void> {
  if (workspaceIds.length === 0) return;
  for (const part of slices(membershipRows(userId, workspaceIds), ROWS_PER_STATEMENT)) {
    await db.insertInto('memberships').values(part).execute();
  }
  changed(db, 'memberships');
}

/** Adds the memberships that are missing, leaving existing ones as they are. */
export async function ensureMemberships(db: Db, userId: string, workspaceIds: string[]): Promise<void> {
  if (workspaceIds.length === 0) return;
  for (const part of slices(membershipRows(userId, workspaceIds), ROWS_PER_STATEMENT)) {
    await db
      .insertInto('memberships')
      .values(part)
      .onConflict((oc) => oc.columns(['user_id', 'workspace_id']).doNothing())
      .execute();
  }
  changed(db, 'memberships');
}

/** Removes a membership; false when there was none. */
export async function deleteMembership(db: Db, userId: string, workspaceId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('memberships')
    .where('user_id', '=', userId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  changed(db, 'memberships');
  return Number(result.numDeletedRows) > 0;
}

const selectMembersPage = statement<UserRow>(
  `select u.id, u.username, u.first_name, u.last_name, u.email, u.role, u.disabled, u.password_hash, u.inserted_at, u.updated_at
   from memberships m join users u on u.id = m.user_id
   where m.workspace_id = ? order by m.inserted_at, m.id limit ? offset ?`,
);
const countMembersOf = statement<{ n: number | string }>('select count(*) as n from memberships where workspace_id = ?');

/** One page of the members of a workspace, in the order they joined (then by membership id). */
export function listMemberRows(db: Db, workspaceId: string, limit: number, offset: number): Promise<UserRow[]> {
  return selectMembersPage(db, [workspaceId, limit, offset]);
}

export async function countMembers(db: Db, workspaceId: string): Promise<number> {
  const [row] = await countMembersOf(db, [workspaceId]);
  return Number(row!.n);
}

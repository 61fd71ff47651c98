import type { Db, MembershipsTable, WorkspaceRow } from '../schema.js';
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

/** Creates the workspaces that do not exist yet and returns all of them, in the order given. */
export async function ensureWorkspaces(db: Db, names: string[]): Promise<{ rows: WorkspaceRow[]; created: string[] }> {
  if (names.length === 0) return { rows: [], created: [] };
  const unique = [...new Set(names)];
  const existing = await db.selectFrom('workspaces').selectAll().where('name', 'in', unique).execute();
  const byName = new Map(existing.map((w) => [w.name, w]));
  const missing = unique.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    // DO NOTHING: another writer may create the same workspace at the same moment; both then use it.
    await db
      .insertInto('workspaces')
      .values(missing.map((name) => {
        const now = nowIso();
        return { id: newId(), name, inserted_at: now, updated_at: now };
      }))
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    changed(db, 'workspaces');
    const fresh = await db.selectFrom('workspaces').selectAll().where('name', 'in', missing).execute();
    for (const row of fresh) byName.set(row.name, row);
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
  await db.insertInto('memberships').values(membershipRows(userId, workspaceIds)).execute();
  changed(db, 'memberships');
}

/** Adds the memberships that are missing, leaving existing ones as they are. */
export async function ensureMemberships(db: Db, userId: string, workspaceIds: string[]): Promise<void> {
  if (workspaceIds.length === 0) return;
  await db
    .insertInto('memberships')
    .values(membershipRows(userId, workspaceIds))
    .onConflict((oc) => oc.columns(['user_id', 'workspace_id']).doNothing())
    .execute();
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

/** Member user ids of a workspace, by membership time. */
export async function memberIds(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .orderBy('inserted_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.user_id);
}

// Use cases on workspaces and memberships.
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import { isForeignKeyViolation, isUniqueViolation } from '../db/connect.js';
import type { Db } from '../db/schema.js';
import { findUserById } from '../db/repos/users.js';
import { countDatasetsIn } from '../db/repos/datasets.js';
import {
  countMembers,
  countWorkspaces,
  deleteMembership,
  deleteWorkspaceRow,
  findWorkspaceById,
  findWorkspaceByName,
  insertMemberships,
  insertWorkspace,
  isMember,
  listMemberRows,
  listWorkspaceRows,
} from '../db/repos/workspaces.js';
import { isUuid, newId } from '../lib/ids.js';
import { nowIso } from '../lib/time.js';
import { recordEvent, type AuditEvent } from './audit.js';
import { DomainError, fail } from './errors.js';
import { authorize, canSeeWorkspace, workspaceScope, workspaceScopeOfUser, type Actor } from './policies.js';
import type { ListOptions, Page } from './users.js';
import { MAX_PAGE } from './users.js';
import { check, rules } from './validation.js';
import { toUser, toUsers, type User, type Workspace } from './views.js';

/** The workspaces the actor's scope covers (policies.ts): all of them, or its own. */
export async function listWorkspaces(database: Database, actor: Actor, options: ListOptions = {}): Promise<Page<Workspace>> {
  const { db } = database;
  const scope = workspaceScope(actor);
  const memberId = scope.all ? undefined : scope.memberId;
  const limit = Math.min(options.limit ?? MAX_PAGE, MAX_PAGE);
  const [items, total] = await Promise.all([
    listWorkspaceRows(db, limit, options.offset ?? 0, memberId),
    countWorkspaces(db, memberId),
  ]);
  return { items, total };
}

/** `id`: the id the client chose (a UUID), or none: the server makes one. */
export async function createWorkspace(database: Database, actor: Actor, name: string, id?: string | null): Promise<Workspace> {
  check([
    ['name', rules.name, name],
    ['id', rules.givenId, id],
  ]);
  authorize(actor, 'workspaces.manage', 'create workspaces');
  const now = nowIso();
  const row = { id: id ? id.toLowerCase() : newId(), name, inserted_at: now, updated_at: now };
  try {
    await inTransaction(database.db, async (trx) => {
      await insertWorkspace(trx, row);
      await recordEvent(trx, actor, { type: 'workspace.created', target_type: 'workspace', target_id: row.id, data: { name } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const sameId = id && !(await findWorkspaceByName(database.db, name)) && (await findWorkspaceById(database.db, row.id));
      throw fail.alreadyExists('workspace', sameId ? row.id : name);
    }
    throw error;
  }
  return row;
}

/** Every workspace of the actor's scope, in creation order, read a page at a time. */
export async function listAllWorkspaces(database: Database, actor: Actor): Promise<Workspace[]> {
  const all: Workspace[] = [];
  for (let offset = 0; ; offset += MAX_PAGE) {
    const { items } = await listWorkspaces(database, actor, { limit: MAX_PAGE, offset });
    all.push(...items);
    if (items.length < MAX_PAGE) return all;
  }
}

/**
 * The workspaces a user sees, as its /api/me lists them (every workspace for a role that sees them
 * all), for those who may read users.
 */
export async function listWorkspacesOfUser(database: Database, actor: Actor, userId: string): Promise<Workspace[]> {
  authorize(actor, 'users.read', "read users' workspaces");
  const user = await requireUserRow(database.db, userId);
  const scope = workspaceScopeOfUser(user);
  const all: Workspace[] = [];
  for (let offset = 0; ; offset += MAX_PAGE) {
    const rows = await listWorkspaceRows(database.db, MAX_PAGE, offset, scope.all ? undefined : scope.memberId);
    all.push(...rows);
    if (rows.length < MAX_PAGE) return all;
  }
}

async function requireWorkspace(db: Db, id: string): Promise<Workspace> {
  const row = isUuid(id) ? await findWorkspaceById(db, id.toLowerCase()) : undefined;
  if (!row) throw fail.notFound('workspace', id);
  return row;
}

/**
 * One workspace, for admins and its members. To anyone else it does not exist (404), so its name
 * is not revealed to users outside it.
 */
export async function getWorkspace(database: Database, actor: Actor, id: string): Promise<Workspace> {
  const workspace = await requireWorkspace(database.db, id);
  if (!(await canSeeWorkspace(actor, (userId) => isMember(database.db, userId, workspace.id)))) throw fail.notFound('workspace', id);
  return workspace;
}

export async function getWorkspaceByName(database: Database, actor: Actor, name: string): Promise<Workspace> {
  const row = await findWorkspaceByName(database.db, name);
  if (!row) throw fail.notFound('workspace', name);
  return getWorkspace(database, actor, row.id);
}

export async function deleteWorkspace(database: Database, actor: Actor, id: string): Promise<Workspace> {
  authorize(actor, 'workspaces.manage', 'delete workspaces');
  const notEmpty = (workspace: Workspace, count?: number) =>
    fail.conflict(
      'workspace_not_empty',
      `Workspace '${workspace.name}' still holds ${count ?? 'some'} dataset${count === 1 ? '' : 's'}: delete them or copy them elsewhere first.`,
      { name: workspace.name, datasets: count ?? null },
    );
  let current: Workspace | undefined;
  try {
    return await inTransaction(database.db, async (trx) => {
      const workspace = await requireWorkspace(trx, id);
      current = workspace;
      const datasets = await countDatasetsIn(trx, workspace.id);
      if (datasets > 0) throw notEmpty(workspace, datasets);
      // Memberships go with it (ON DELETE CASCADE). Zero rows: a concurrent delete won.
      if (!(await deleteWorkspaceRow(trx, workspace.id))) throw fail.notFound('workspace', id);
      await recordEvent(trx, actor, { type: 'workspace.deleted', target_type: 'workspace', target_id: workspace.id, data: { name: workspace.name } });
      return workspace;
    });
  } catch (error) {
    // A dataset created at the same moment: the database's foreign key refuses the delete.
    if (isForeignKeyViolation(error) && current) throw notEmpty(current);
    throw error;
  }
}

/** One page of a workspace's members, in the order they joined, with their number. */
export async function listMembersPage(database: Database, actor: Actor, workspaceId: string, options: ListOptions = {}): Promise<Page<User>> {
  authorize(actor, 'memberships.manage', 'list workspace members');
  const { db } = database;
  const workspace = await requireWorkspace(db, workspaceId);
  const limit = Math.min(options.limit ?? MAX_PAGE, MAX_PAGE);
  const [rows, total] = await Promise.all([listMemberRows(db, workspace.id, limit, options.offset ?? 0), countMembers(db, workspace.id)]);
  return { items: await toUsers(db, rows), total };
}

/** Every member of a workspace, in the order they joined, read a page at a time. */
export async function listMembers(database: Database, actor: Actor, workspaceId: string): Promise<User[]> {
  const members: User[] = [];
  for (let offset = 0; ; offset += MAX_PAGE) {
    const { items } = await listMembersPage(database, actor, workspaceId, { limit: MAX_PAGE, offset });
    members.push(...items);
    if (items.length < MAX_PAGE) return members;
  }
}

async function requireUserRow(db: Db, id: string) {
  const row = isUuid(id) ? await findUserById(db, id.toLowerCase()) : undefined;
  if (!row) throw fail.notFound('user', id);
  return row;
}

/** Adds a user to a workspace and returns the user with its workspaces. */
export async function addMember(database: Database, actor: Actor, workspaceId: string, userId: string): Promise<User> {
  authorize(actor, 'memberships.manage', 'add workspace members');
  const { db } = database;
  const workspace = await requireWorkspace(db, workspaceId);
  const user = await requireUserRow(db, userId);
  try {
    await inTransaction(db, async (trx) => {
      await insertMemberships(trx, user.id, [workspace.id]);
      await recordEvent(trx, actor, membershipEvent('membership.added', user, workspace));
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      // The workspace or the user was deleted while we were adding the membership.
      throw (await findWorkspaceById(db, workspace.id)) ? fail.notFound('user', userId) : fail.notFound('workspace', workspaceId);
    }
    if (isUniqueViolation(error)) {
      throw fail.conflict('membership_already_exists', `User '${user.username}' is already a member of workspace '${workspace.name}'.`, {
        user: user.username,
        workspace: workspace.name,
      });
    }
    throw error;
  }
  return toUser(db, user);
}

export async function removeMember(database: Database, actor: Actor, workspaceId: string, userId: string): Promise<User> {
  authorize(actor, 'memberships.manage', 'remove workspace members');
  const { db } = database;
  const workspace = await requireWorkspace(db, workspaceId);
  const user = await requireUserRow(db, userId);
  const removed = await inTransaction(db, async (trx) => {
    if (!(await deleteMembership(trx, user.id, workspace.id))) return false;
    await recordEvent(trx, actor, membershipEvent('membership.removed', user, workspace));
    return true;
  });
  if (!removed) {
    throw new DomainError('membership_not_found', `User '${user.username}' is not a member of workspace '${workspace.name}'.`, {
      user: user.username,
      workspace: workspace.name,
    });
  }
  return toUser(db, user);
}

function membershipEvent(type: 'membership.added' | 'membership.removed', user: { id: string; username: string }, workspace: Workspace): AuditEvent {
  return { type, target_type: 'user', target_id: user.id, data: { username: user.username, workspace: workspace.name, workspace_id: workspace.id } };
}

// Use cases on users. Every function takes the database, the actor and its input, checks the rules
// and the actor's permission, and runs multi-step writes in one transaction.
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import { isUniqueViolation } from '../db/connect.js';
import type { Db, UserRow, UsersTable } from '../db/schema.js';
import { apiKeyDigestExists, apiKeyRow, deleteSessionsOfUser, insertApiKey } from '../db/repos/credentials.js';
import {
  countUsers,
  deleteUserRow,
  findUserById,
  findUserByUsername,
  insertUser,
  listUsers as listUserRows,
  lockEnabledUserIdsWithRoles,
  updateUserRow,
  type UserFilters,
} from '../db/repos/users.js';
import { ensureMemberships, ensureWorkspaces } from '../db/repos/workspaces.js';
import { isUuid, newId } from '../lib/ids.js';
import { hashPassword, isBcryptHash } from '../lib/passwords.js';
import { digestSecret, generateApiKey, previewSecret } from '../lib/secrets.js';
import { nowIso } from '../lib/time.js';
import { recordEvent } from './audit.js';
import { fail } from './errors.js';
import { authorize, DEFAULT_ROLE, isManagerRole, MANAGER_ROLES, type Actor, type Role } from './policies.js';
import { toUser, toUsers, type User } from './views.js';
import { LIMITS } from './limits.js';
import { atMostItems, check, rules, trimmedOrNull } from './validation.js';

export interface NewUser {
  /** the id the client chose (a UUID), or none: the server makes one */
  id?: string | null;
  username: string;
  first_name: string;
  last_name?: string | null;
  email?: string | null;
  role?: Role | string;
  /** a clear password to hash, or `password_hash`: an existing bcrypt hash (imports) */
  password?: string;
  password_hash?: string;
  api_key?: string | null;
  workspaces?: string[];
  disabled?: boolean;
}

export interface CreatedUser {
  user: User;
  /** the API key in clear: shown to the creator this once, never stored */
  apiKey: string;
}

function checkNewUser(input: NewUser): void {
  const entries: Parameters<typeof check>[0] = [
    ['username', rules.name, input.username],
    ['first_name', rules.firstName, input.first_name],
    ['last_name', rules.lastName, input.last_name],
    ['email', rules.email, input.email],
    ['role', rules.role, input.role ?? DEFAULT_ROLE],
    ['api_key', rules.apiKey, input.api_key],
    ['id', rules.givenId, input.id],
  ];
  if (input.password_hash === undefined) entries.push(['password', rules.password, input.password]);
  const workspaces = input.workspaces ?? [];
  if (workspaces.length > LIMITS.user_workspaces_max) {
    // One error for the list, rather than one per name of a list that long.
    entries.push(['workspaces', () => atMostItems(LIMITS.user_workspaces_max), workspaces]);
  } else workspaces.forEach((name, i) => entries.push([`workspaces/${i}`, rules.name, name]));
  check(entries);
  if (input.password_hash !== undefined && !isBcryptHash(input.password_hash)) {
    throw fail.validation([{ field: 'password_hash', message: 'must be a bcrypt hash ($2a$, $2b$ or $2y$)' }]);
  }
}

/** Writes a user, its workspaces (created when missing), memberships and API key, inside `trx`. */
export async function insertUserWithKey(
  trx: Db,
  input: NewUser,
  passwordHash: string,
  apiKey: string,
  now: string,
): Promise<string> {
  const id = input.id ? input.id.toLowerCase() : newId();
  const row: UsersTable = {
    id,
    username: input.username,
    first_name: input.first_name.trim(),
    last_name: trimmedOrNull(input.last_name),
    email: trimmedOrNull(input.email),
    role: input.role ?? DEFAULT_ROLE,
    disabled: input.disabled ? 1 : 0,
    password_hash: passwordHash,
    inserted_at: now,
    updated_at: now,
  };
  await insertUser(trx, row);
  const { rows } = await ensureWorkspaces(trx, input.workspaces ?? []);
  await ensureMemberships(trx, id, rows.map((w) => w.id));
  await insertApiKey(trx, apiKeyRow(id, 'default', apiKey, null, now));
  return id;
}

/** Tells which unique rule a failed insert broke: the username, the id, else the API key. */
async function conflictOf(db: Db, username: string, id: string | null | undefined, apiKey: string): Promise<Error> {
  if (await findUserByUsername(db, username)) return fail.alreadyExists('user', username);
  if (id && (await findUserById(db, id.toLowerCase()))) return fail.alreadyExists('user', id);
  if (await apiKeyDigestExists(db, digestSecret(apiKey))) return fail.alreadyExists('api_key', previewSecret(apiKey));
  return fail.conflict('conflict', 'The user conflicts with existing data; try again.');
}

export async function createUser(database: Database, actor: Actor, input: NewUser): Promise<CreatedUser> {
  checkNewUser(input);
  authorize(actor, 'users.manage', 'create users');
  const { db } = database;
  const apiKey = input.api_key ?? generateApiKey();
  // Cheap checks first, so an existing user costs no password hashing; the database's unique
  // constraints still decide when two writers race.
  const early = await findUserByUsername(db, input.username);
  if (early) throw fail.alreadyExists('user', input.username);
  if (input.id && (await findUserById(db, input.id.toLowerCase()))) throw fail.alreadyExists('user', input.id);
  if (input.api_key && (await apiKeyDigestExists(db, digestSecret(apiKey)))) {
    throw fail.alreadyExists('api_key', previewSecret(apiKey));
  }
  const passwordHash = input.password_hash ?? (await hashPassword(input.password!));
  let id: string;
  try {
    id = await inTransaction(db, async (trx) => {
      const created = await insertUserWithKey(trx, input, passwordHash, apiKey, nowIso());
      await recordEvent(trx, actor, {
        type: 'user.created',
        target_type: 'user',
        target_id: created,
        data: { username: input.username, role: input.role ?? DEFAULT_ROLE, workspaces: input.workspaces ?? [] },
      });
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw await conflictOf(db, input.username, input.id, apiKey);
    throw error;
  }
  return { user: await toUser(db, (await findUserById(db, id))!), apiKey };
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface ListOptions {
  limit?: number;
  offset?: number;
}

export const MAX_PAGE = LIMITS.page_size_max;

export async function listUsers(
  database: Database,
  actor: Actor,
  filters: UserFilters & ListOptions = {},
): Promise<Page<User>> {
  authorize(actor, 'users.read', 'list users');
  const { db } = database;
  const limit = Math.min(filters.limit ?? MAX_PAGE, MAX_PAGE);
  const rows = await listUserRows(db, filters, limit, filters.offset ?? 0);
  // The total is cached like authentication (cleared by any write through this process), so
  // paging through 100,000 users does not count them all for every page.
  const countKey = `users-count:${filters.role ?? ''}\u0000${filters.workspace ?? ''}\u0000${filters.q ?? ''}`;
  const [items, total] = await Promise.all([toUsers(db, rows), database.caches.get('users_counts').get(countKey, () => countUsers(db, filters))]);
  return { items, total };
}

/** Every user matching the filters, in creation order, read a page at a time. */
export async function* eachUser(database: Database, actor: Actor, filters: UserFilters = {}): AsyncGenerator<User> {
  for (let offset = 0; ; offset += MAX_PAGE) {
    const { items } = await listUsers(database, actor, { ...filters, limit: MAX_PAGE, offset });
    yield* items;
    if (items.length < MAX_PAGE) return;
  }
}

async function requireUser(db: Db, id: string) {
  const row = isUuid(id) ? await findUserById(db, id.toLowerCase()) : undefined;
  if (!row) throw fail.notFound('user', id);
  return row;
}

export async function getUser(database: Database, actor: Actor, id: string): Promise<User> {
  authorize(actor, 'users.read', 'read users');
  return toUser(database.db, await requireUser(database.db, id));
}

export async function getUserByUsername(database: Database, actor: Actor, username: string): Promise<User> {
  authorize(actor, 'users.read', 'read users');
  const row = await findUserByUsername(database.db, username);
  if (!row) throw fail.notFound('user', username);
  return toUser(database.db, row);
}

export interface UserChanges {
  first_name?: string;
  last_name?: string | null;
  email?: string | null;
  role?: Role | string;
  password?: string;
  disabled?: boolean;
}

/**
 * A change to a stored user, as the write path applies it: already validated and normalised
 * (trimmed names, a password already hashed).
 */
export interface UserRowChanges {
  first_name?: string;
  last_name?: string | null;
  email?: string | null;
  role?: Role;
  disabled?: boolean;
  password_hash?: string;
}

/** How the change came in, for the audit log: an admin's reset, the user itself, a users file, or single sign-on's claims. */
export type ChangeSource = 'admin' | 'self' | 'users_file' | 'sso';

/** Whether a user row holds a role that can manage users and is enabled (the last-admin rule's subject). */
function isEnabledManager(row: { role: string; disabled: number }): boolean {
  return row.disabled === 0 && isManagerRole(row.role);
}

/**
 * The last-admin rule: after `change`, at least one enabled user must still hold a role that can
 * manage users. The remaining ones are locked first, so two concurrent demotions serialise.
 */
async function keepOneManager<T>(trx: Db, current: UserRow, what: string, change: () => Promise<T>): Promise<T> {
  if (!isEnabledManager(current)) return change();
  await lockEnabledUserIdsWithRoles(trx, MANAGER_ROLES);
  const result = await change();
  if ((await lockEnabledUserIdsWithRoles(trx, MANAGER_ROLES)).length === 0) {
    const roles = MANAGER_ROLES.join(' or ');
    throw fail.conflict('last_admin', `Cannot ${what} the last enabled admin (a user with role ${roles}); make another user ${roles} first.`, {
      username: current.username,
    });
  }
  return result;
}

/**
 * The one write path for a user's names, email, role, disabled state and password, whichever door
 * the change comes through (HTTP API, command line, users file). Inside the caller's transaction:
 * enforces the last-admin rule, writes the row, ends the user's login sessions when its role,
 * state or password changes, and records the same audit events every time.
 */
export async function writeUserChanges(
  trx: Db,
  actor: Actor,
  current: UserRow,
  changes: UserRowChanges,
  source: ChangeSource,
): Promise<void> {
  const roleChanged = changes.role !== undefined && changes.role !== current.role;
  const disabling = changes.disabled === true && current.disabled === 0;
  const losesManager = (roleChanged && !isManagerRole(changes.role!)) || disabling;
  const row: Partial<UsersTable> = { updated_at: nowIso() };
  if (changes.first_name !== undefined) row.first_name = changes.first_name;
  if (changes.last_name !== undefined) row.last_name = changes.last_name;
  if (changes.email !== undefined) row.email = changes.email;
  if (changes.role !== undefined) row.role = changes.role;
  if (changes.disabled !== undefined) row.disabled = changes.disabled ? 1 : 0;
  if (changes.password_hash !== undefined) row.password_hash = changes.password_hash;
  const write = () => updateUserRow(trx, current.id, row);
  if (losesManager) await keepOneManager(trx, current, disabling ? 'disable' : 'demote', write);
  else await write();

  const passwordChanged = changes.password_hash !== undefined && changes.password_hash !== current.password_hash;
  if (roleChanged || disabling || passwordChanged) await deleteSessionsOfUser(trx, current.id);
  const target = { target_type: 'user' as const, target_id: current.id };
  const username = current.username;
  const changed = Object.keys(changes)
    .filter((key) => changes[key as keyof UserRowChanges] !== undefined)
    .map((key) => (key === 'password_hash' ? 'password' : key));
  const via = source === 'users_file' || source === 'sso' ? { source } : {};
  if (source !== 'self') await recordEvent(trx, actor, { type: 'user.updated', ...target, data: { username, changed, ...via } });
  if (roleChanged) await recordEvent(trx, actor, { type: 'user.role_changed', ...target, data: { username, from: current.role, to: changes.role } });
  if (disabling) await recordEvent(trx, actor, { type: 'user.disabled', ...target, data: { username } });
  if (passwordChanged) {
    const data = source === 'self' ? { username } : { username, reset_by_admin: source === 'admin', ...via };
    await recordEvent(trx, actor, { type: 'user.password_changed', ...target, data });
  }
}

/** The one delete path for users: the last-admin rule, the row (its keys, sessions and memberships cascade), the event. */
export async function removeUser(trx: Db, actor: Actor, current: UserRow): Promise<void> {
  await keepOneManager(trx, current, 'delete', async () => {
    // Zero rows: another request deleted it between our read and our delete.
    if (!(await deleteUserRow(trx, current.id))) throw fail.notFound('user', current.id);
  });
  await recordEvent(trx, actor, { type: 'user.deleted', target_type: 'user', target_id: current.id, data: { username: current.username } });
}

export async function updateUser(database: Database, actor: Actor, id: string, changes: UserChanges): Promise<User> {
  const entries: Parameters<typeof check>[0] = [];
  if (changes.first_name !== undefined) entries.push(['first_name', rules.firstName, changes.first_name]);
  if (changes.last_name !== undefined) entries.push(['last_name', rules.lastName, changes.last_name]);
  if (changes.email !== undefined) entries.push(['email', rules.email, changes.email]);
  if (changes.role !== undefined) entries.push(['role', rules.role, changes.role]);
  if (changes.password !== undefined) entries.push(['password', rules.password, changes.password]);
  check(entries);
  authorize(actor, 'users.manage', 'update users');
  const { db } = database;
  await requireUser(db, id);
  const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
  await inTransaction(db, async (trx) => {
    const current = await requireUser(trx, id);
    const row: UserRowChanges = {};
    if (changes.first_name !== undefined) row.first_name = changes.first_name.trim();
    if (changes.last_name !== undefined) row.last_name = trimmedOrNull(changes.last_name);
    if (changes.email !== undefined) row.email = trimmedOrNull(changes.email);
    if (changes.role !== undefined) row.role = changes.role as Role;
    if (changes.disabled !== undefined) row.disabled = changes.disabled;
    if (passwordHash !== undefined) row.password_hash = passwordHash;
    await writeUserChanges(trx, actor, current, row, 'admin');
  });
  // Deleted by a concurrent request after our update: it is gone all the same.
  const updated = await findUserById(db, id.toLowerCase());
  if (!updated) throw fail.notFound('user', id);
  return toUser(db, updated);
}

export async function deleteUser(database: Database, actor: Actor, id: string): Promise<User> {
  authorize(actor, 'users.manage', 'delete users');
  const { db } = database;
  return inTransaction(db, async (trx) => {
    const row = await requireUser(trx, id);
    const user = await toUser(trx, row);
    await removeUser(trx, actor, row);
    return user;
  });
}

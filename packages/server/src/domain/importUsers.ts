// Provisioning users from a list (the YAML users file): validate every entry first, plan what
// changes, then apply the whole plan in one transaction, or nothing at all.
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import type { UserRow, UsersTable } from '../db/schema.js';
import {
  existingMemberships,
  findKeyOwners,
  findUsersByUsernames,
  findWorkspaceIdsByNames,
  insertApiKeys,
  insertMembershipRows,
  insertUsers,
  insertWorkspaces,
} from '../db/repos/bulk.js';
import { apiKeyRow, deleteApiKeysOfUser } from '../db/repos/credentials.js';
import { membershipRows } from '../db/repos/workspaces.js';
import { newId } from '../lib/ids.js';
import { isArgon2Hash, isBcryptHash } from '../lib/passwords.js';
import { digestSecret, generateApiKey } from '../lib/secrets.js';
import { nowIso } from '../lib/time.js';
import { DomainError, isDomainError } from './errors.js';
import { writeUserChanges } from './users.js';
import { authorize, DEFAULT_ROLE, isManagerRole, isRole, ROLE_OF_ENTRY_WITHOUT_WORKSPACES, roleRule, type Actor, type Role } from './policies.js';
import { recordEvent } from './audit.js';
import { rules } from './validation.js';

/** One entry of the users file, already type-checked; `workspaces` undefined means the key was absent. */
export interface UserEntry {
  /** 1-based position in the file, and its line when known, for error messages */
  position: number;
  line?: number;
  username: string;
  full_name?: string;
  email?: string;
  api_key?: string;
  hashed_password?: string;
  workspaces?: string[];
  role?: string;
  disabled?: boolean;
}

export class ImportError extends DomainError {
  constructor(entry: Pick<UserEntry, 'position' | 'line' | 'username'> | null, reason: string) {
    const where = entry
      ? `entry ${entry.position}${entry.line ? ` (line ${entry.line})` : ''}${entry.username ? `, username '${entry.username}'` : ''}`
      : 'the users file';
    super('invalid_users_file', `${where}: ${reason}`, { position: entry?.position ?? null });
  }
}

/** New users written per slice (see importUsers). */
const APPLY_SLICE = 500;

/** The stored row of an imported API key (named `imported`, no expiry). */
/** What an entry becomes once the rules are applied. */
interface Desired {
  entry: UserEntry;
  role: Role;
  first_name: string;
  email: string | null;
  disabled: boolean;
  password_hash: string;
  workspaces: string[];
  apiKey: string;
  generatedKey: boolean;
}

export type Action = 'create' | 'update' | 'skip';

export interface PlannedUser {
  username: string;
  action: Action;
  role: Role;
  workspaces: string[];
  /** the key in clear when the file had none and one was generated */
  generatedApiKey?: string;
  /** for updates: which fields change */
  changes?: string[];
}

export interface ImportPlan {
  users: PlannedUser[];
  workspacesToCreate: string[];
}

function desire(entry: UserEntry): Desired {
  const fail = (reason: string) => new ImportError(entry, reason);
  const nameError = rules.name(entry.username);
  if (nameError) throw fail(`username: ${nameError}`);
  if (entry.full_name !== undefined && rules.firstName(entry.full_name)) throw fail('full_name: must not be empty when given');
  const emailError = rules.email(entry.email);
  if (emailError) throw fail(`email: ${emailError}`);
  if (entry.api_key !== undefined && rules.apiKey(entry.api_key)) throw fail(`api_key: ${rules.apiKey(entry.api_key)}`);
  if (entry.hashed_password === undefined || entry.hashed_password === '') throw fail('hashed_password: required');
  if (!isBcryptHash(entry.hashed_password) && !isArgon2Hash(entry.hashed_password)) {
    throw fail('hashed_password: must be a bcrypt hash ($2a$, $2b$ or $2y$) or an argon2id hash');
  }
  (entry.workspaces ?? []).forEach((name, i) => {
    const error = rules.name(name);
    if (error) throw fail(`workspaces[${i}] '${name}': ${error}`);
  });
  if (entry.role !== undefined && !isRole(entry.role)) throw fail(`role: ${roleRule()}`);
  // The guide's rule: no `workspaces` key makes an admin, a list (even empty) an annotator; an
  // explicit `role` (which our export writes) wins.
  const role: Role = (entry.role as Role | undefined) ?? (entry.workspaces === undefined ? ROLE_OF_ENTRY_WITHOUT_WORKSPACES : DEFAULT_ROLE);
  const apiKey = entry.api_key ?? generateApiKey();
  return {
    entry,
    role,
    first_name: (entry.full_name ?? entry.username).trim(),
    email: entry.email?.trim() || null,
    disabled: entry.disabled ?? false,
    password_hash: entry.hashed_password,
    workspaces: [...new Set([entry.username, ...(entry.workspaces ?? [])])],
    apiKey,
    generatedKey: entry.api_key === undefined,
  };
}

/** Fields of an existing user that the entry would change. */
function differences(user: UserRow, want: Desired, memberOf: Set<string>, keyOwner: string | undefined): string[] {
  const changed: string[] = [];
  if (user.first_name !== want.first_name || user.last_name !== null) changed.push('full_name');
  if (user.email !== want.email) changed.push('email');
  if (user.role !== want.role) changed.push('role');
  if ((user.disabled === 1) !== want.disabled) changed.push('disabled');
  // A bcrypt hash re-hashed to argon2id at login is the same password; only a different bcrypt
  // hash is a change we can see.
  if (user.password_hash !== want.password_hash && isBcryptHash(user.password_hash)) changed.push('hashed_password');
  if (want.workspaces.some((name) => !memberOf.has(name))) changed.push('workspaces');
  if (!want.generatedKey && keyOwner !== user.id) changed.push('api_key');
  return changed;
}

export interface ImportOptions {
  update?: boolean;
  dryRun?: boolean;
  /** where the entries came from (a file path), for the audit log */
  source?: string;
}

export async function importUsers(
  database: Database,
  actor: Actor,
  entries: UserEntry[],
  options: ImportOptions = {},
): Promise<ImportPlan> {
  authorize(actor, 'users.manage', 'import users');
  // 1. Every entry on its own, and duplicates inside the file.
  const wanted = entries.map(desire);
  const seenNames = new Map<string, UserEntry>();
  const seenKeys = new Map<string, UserEntry>();
  for (const want of wanted) {
    const other = seenNames.get(want.entry.username);
    if (other) throw new ImportError(want.entry, `username already used by entry ${other.position}`);
    seenNames.set(want.entry.username, want.entry);
    if (!want.generatedKey) {
      const sameKey = seenKeys.get(want.apiKey);
      if (sameKey) throw new ImportError(want.entry, `api_key already used by entry ${sameKey.position}`);
      seenKeys.set(want.apiKey, want.entry);
    }
  }

  return inTransaction(database.db, async (trx) => {
    // 2. Compare with what the database holds.
    const existing = new Map((await findUsersByUsernames(trx, wanted.map((w) => w.entry.username))).map((u) => [u.username, u]));
    const digests = wanted.filter((w) => !w.generatedKey).map((w) => digestSecret(w.apiKey));
    const keyOwners = await findKeyOwners(trx, digests);
    const allWorkspaces = [...new Set(wanted.flatMap((w) => w.workspaces))];
    const workspaceIds = await findWorkspaceIdsByNames(trx, allWorkspaces);
    const memberships = await existingMemberships(trx, [...existing.values()].map((u) => u.id));
    const nameOfWorkspace = new Map([...workspaceIds].map(([name, id]) => [id, name]));
    const workspacesOfUser = new Map<string, Set<string>>();
    for (const pair of memberships) {
      const [userId, workspaceId] = pair.split(' ') as [string, string];
      if (!workspacesOfUser.has(userId)) workspacesOfUser.set(userId, new Set());
      workspacesOfUser.get(userId)!.add(nameOfWorkspace.get(workspaceId) ?? workspaceId);
    }

    const plan: ImportPlan = { users: [], workspacesToCreate: allWorkspaces.filter((name) => !workspaceIds.has(name)) };
    const toCreate: Desired[] = [];
    const toUpdate: Array<{ want: Desired; user: UserRow; changes: string[] }> = [];
    for (const want of wanted) {
      const user = existing.get(want.entry.username);
      const owner = want.generatedKey ? undefined : keyOwners.get(digestSecret(want.apiKey));
      if (owner && owner !== user?.id) throw new ImportError(want.entry, 'api_key already belongs to another user');
      if (!user) {
        toCreate.push(want);
        plan.users.push({
          username: want.entry.username,
          action: 'create',
          role: want.role,
          workspaces: want.workspaces,
          generatedApiKey: want.generatedKey ? want.apiKey : undefined,
        });
        continue;
      }
      const changes = differences(user, want, workspacesOfUser.get(user.id) ?? new Set(), owner);
      if (changes.length === 0) {
        plan.users.push({ username: user.username, action: 'skip', role: want.role, workspaces: want.workspaces });
        continue;
      }
      if (!options.update) {
        throw new ImportError(
          want.entry,
          `user already exists with different ${changes.join(', ')}; run again with --update to overwrite it`,
        );
      }
      toUpdate.push({ want, user, changes });
      plan.users.push({ username: user.username, action: 'update', role: want.role, workspaces: want.workspaces, changes });
    }
    if (options.dryRun) return plan;

    // 3. Apply, set at a time. New users go a slice at a time, each slice's rows (user, memberships,
    // key) made, written and dropped before the next: for a file of 190,000 users, making every row
    // first took the command's peak memory from about 0.5 GB to 1 GB.
    const now = nowIso();
    const fresh = plan.workspacesToCreate.map((name) => ({ id: newId(), name, inserted_at: nowIso(), updated_at: now }));
    await insertWorkspaces(trx, fresh);
    for (const w of fresh) workspaceIds.set(w.name, w.id);

    for (let start = 0; start < toCreate.length; start += APPLY_SLICE) {
      const slice = toCreate.slice(start, start + APPLY_SLICE);
      const userRows: UsersTable[] = slice.map((want) => ({
        id: newId(),
        username: want.entry.username,
        first_name: want.first_name,
        last_name: null,
        email: want.email,
        role: want.role,
        disabled: want.disabled ? 1 : 0,
        password_hash: want.password_hash,
        inserted_at: nowIso(),
        updated_at: now,
      }));
      await insertUsers(trx, userRows);
      // A new user has no membership yet: every workspace it names is a new one.
      await insertMembershipRows(trx, userRows.flatMap((row, i) => membershipRows(row.id, slice[i]!.workspaces.map((name) => workspaceIds.get(name)!))));
      await insertApiKeys(trx, userRows.map((row, i) => apiKeyRow(row.id, 'imported', slice[i]!.apiKey, null, now)));
    }

    // Through the users' one write path (last-admin rule, sessions, audit events). Updates that
    // keep or give a manager role go first, so a file that hands the admin role from one user to
    // another is judged by its outcome, not by the order of its entries.
    const removesManager = ({ want, user }: { want: Desired; user: UserRow }) =>
      isManagerRole(user.role) && user.disabled === 0 && (!isManagerRole(want.role) || want.disabled);
    const ordered = [...toUpdate].sort((a, b) => Number(removesManager(a)) - Number(removesManager(b)));
    for (const { want, user, changes } of ordered) {
      try {
        await writeUserChanges(
          trx,
          actor,
          user,
          {
            first_name: want.first_name,
            last_name: null,
            email: want.email,
            role: want.role,
            disabled: want.disabled,
            // A bcrypt hash re-hashed to argon2id at login is the same password: keep the newer hash.
            ...(changes.includes('hashed_password') ? { password_hash: want.password_hash } : {}),
          },
          'users_file',
        );
      } catch (error) {
        if (isDomainError(error) && error.code === 'last_admin') {
          const what = want.disabled ? 'disable' : 'demote';
          throw new ImportError(want.entry, `cannot ${what} the last enabled admin; make another user admin first (nothing was written)`);
        }
        throw error;
      }
      if (changes.includes('api_key')) await deleteApiKeysOfUser(trx, user.id);
    }

    const newMemberships = toUpdate.flatMap(({ want, user }) => {
      const missing = want.workspaces.map((name) => workspaceIds.get(name)!).filter((id) => !memberships.has(`${user.id} ${id}`));
      return membershipRows(user.id, missing);
    });
    await insertMembershipRows(trx, newMemberships);
    await insertApiKeys(
      trx,
      toUpdate.filter((u) => u.changes.includes('api_key')).map(({ want, user }) => apiKeyRow(user.id, 'imported', want.apiKey, null, now)),
    );
    const count = (action: Action) => plan.users.filter((u) => u.action === action).map((u) => u.username);
    await recordEvent(trx, actor, {
      type: 'users.migrated',
      data: { source: options.source ?? null, created: count('create'), updated: count('update'), skipped: count('skip').length, workspaces_created: plan.workspacesToCreate },
    });
    return plan;
  });
}

// API keys and passwords over their lifetime: several keys per user, each named, optionally
// expiring, revocable and rotatable; password changes that end the user's login sessions.
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import type { ApiKeyRow, Db } from '../db/schema.js';
import { apiKeyRow, countActiveKeysOfUser, findKeyOfUser, insertApiKey, listKeysOfUser, updateKey } from '../db/repos/credentials.js';
import { findUserById, findUserByIdForUpdate } from '../db/repos/users.js';
import { isUuid } from '../lib/ids.js';
import { hashPassword, oneAtATime } from '../lib/passwords.js';
import { generateApiKey } from '../lib/secrets.js';
import { isoOfMillis, nowIso, parseTime, TIME_RULE } from '../lib/time.js';
import { recordEvent } from './audit.js';
import { verifyCurrentPassword } from './auth.js';
import { fail } from './errors.js';
import { LIMITS } from './limits.js';
import { writeUserChanges } from './users.js';
import { canManageKeysOf, type Actor } from './policies.js';
import { atMostCharacters, check, rules } from './validation.js';
import { toUser, type User } from './views.js';

export interface ApiKeyView {
  id: string;
  name: string;
  preview: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

function view(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    preview: row.preview,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    expires_at: row.expires_at,
  };
}

/**
 * A user manages its own keys; admins anyone's. Unknown users are 404 (after the role check). With
 * `lock` (in a transaction that adds a key), the user's row is locked on PostgreSQL: a delete of
 * the user at the same moment waits for the key, then removes it with the user, instead of
 * breaking the key's insert.
 */
async function requireKeyOwner(db: Db, actor: Actor, userId: string, lock = false) {
  if (!canManageKeysOf(actor, userId.toLowerCase())) throw fail.forbidden("manage another user's API keys");
  const id = userId.toLowerCase();
  const find = lock ? () => findUserByIdForUpdate(db, id) : () => findUserById(db, id);
  const user = isUuid(userId) ? await find() : undefined;
  if (!user) throw fail.notFound('user', userId);
  return user;
}

export async function listApiKeys(database: Database, actor: Actor, userId: string): Promise<ApiKeyView[]> {
  const user = await requireKeyOwner(database.db, actor, userId);
  return (await listKeysOfUser(database.db, user.id)).map(view);
}

export interface NewKey {
  name: string;
  /** checked here (a strict RFC 3339 time in the future): any value may come in */
  expires_at?: unknown;
}

/** Characters of a text, as a person counts them (code points, not UTF-16 units). */
const charCount = (text: string) => [...text].length;

function checkKeyInput(input: NewKey): string | null {
  const errors: Array<{ field: string; message: string }> = [];
  if (typeof input.name !== 'string' || input.name.trim().length === 0) errors.push({ field: 'name', message: 'must not be empty' });
  else if (charCount(input.name) > LIMITS.api_key_name_max_length) {
    errors.push({ field: 'name', message: atMostCharacters(LIMITS.api_key_name_max_length) });
  }
  let expires: string | null = null;
  if (input.expires_at !== undefined && input.expires_at !== null) {
    // Strict: see parseTime. A lenient parse took '2030' and '2027-02-30' (as March 2).
    const time = typeof input.expires_at === 'string' ? parseTime(input.expires_at) : null;
    if (time === null) errors.push({ field: 'expires_at', message: TIME_RULE });
    else if (time <= nowIso()) {
      const example = `${new Date().getUTCFullYear() + 1}-01-31T00:00:00Z`;
      errors.push({ field: 'expires_at', message: `must be in the future, e.g. ${example}` });
    } else expires = time;
  }
  if (errors.length) throw fail.validation(errors);
  return expires;
}

export interface CreatedKey {
  key: ApiKeyView;
  /** the secret, shown this once */
  apiKey: string;
}

export async function createApiKey(database: Database, actor: Actor, userId: string, input: NewKey): Promise<CreatedKey> {
  const expiresAt = checkKeyInput(input);
  return inTransaction(database.db, async (trx) => {
    // The owner's row is locked (PostgreSQL; SQLite's transaction holds the write lock), so two
    // creations at the same moment cannot both take the last place.
    const user = await requireKeyOwner(trx, actor, userId, true);
    const active = await countActiveKeysOfUser(trx, user.id, nowIso());
    if (active >= LIMITS.active_api_keys_max) {
      throw fail.conflict(
        'api_key_limit_reached',
        `User '${user.username}' already holds ${LIMITS.active_api_keys_max} API keys, the most a user may: revoke one it no longer uses first.`,
        { limit: LIMITS.active_api_keys_max },
      );
    }
    const secret = generateApiKey();
    const row = apiKeyRow(user.id, input.name.trim(), secret, expiresAt);
    await insertApiKey(trx, row);
    await recordEvent(trx, actor, {
      type: 'api_key.created',
      target_type: 'api_key',
      target_id: row.id,
      data: { user_id: user.id, username: user.username, name: row.name, preview: row.preview, expires_at: expiresAt },
    });
    return { key: view(row), apiKey: secret };
  });
}

async function requireKey(trx: Db, userId: string, keyId: string): Promise<ApiKeyRow> {
  const key = isUuid(keyId) ? await findKeyOfUser(trx, userId, keyId.toLowerCase()) : undefined;
  if (!key) throw fail.notFound('api_key', keyId);
  return key;
}

export async function revokeApiKey(database: Database, actor: Actor, userId: string, keyId: string): Promise<ApiKeyView> {
  return inTransaction(database.db, async (trx) => {
    const user = await requireKeyOwner(trx, actor, userId);
    const key = await requireKey(trx, user.id, keyId);
    const now = nowIso();
    await updateKey(trx, key.id, { revoked_at: now });
    await recordEvent(trx, actor, {
      type: 'api_key.revoked',
      target_type: 'api_key',
      target_id: key.id,
      data: { user_id: user.id, username: user.username, name: key.name, preview: key.preview },
    });
    return view(key);
  });
}

/**
 * A new secret under the same name and expiry; the old key keeps working for `graceSeconds`
 * (so running clients can switch over), then stops.
 */
export async function rotateApiKey(
  database: Database,
  actor: Actor,
  userId: string,
  keyId: string,
  graceSeconds: number,
): Promise<CreatedKey> {
  return inTransaction(database.db, async (trx) => {
    const user = await requireKeyOwner(trx, actor, userId, true);
    const old = await requireKey(trx, user.id, keyId);
    if (old.replaced_by) {
      throw fail.conflict('api_key_already_rotated', `API key '${old.name}' (${old.preview}) was already rotated: rotate its replacement instead.`, {
        replaced_by: old.replaced_by,
      });
    }
    if (old.expires_at !== null && old.expires_at <= nowIso()) {
      throw fail.conflict('api_key_expired', `API key '${old.name}' (${old.preview}) has expired: create a new key instead.`, { id: old.id });
    }
    const graceEnd = isoOfMillis(Date.now() + graceSeconds * 1000);
    const oldExpiry = old.expires_at !== null && old.expires_at < graceEnd ? old.expires_at : graceEnd;
    const secret = generateApiKey();
    const row = apiKeyRow(user.id, old.name, secret, old.expires_at);
    await insertApiKey(trx, row);
    await updateKey(trx, old.id, { expires_at: oldExpiry, replaced_by: row.id });
    await recordEvent(trx, actor, {
      type: 'api_key.rotated',
      target_type: 'api_key',
      target_id: row.id,
      data: { user_id: user.id, username: user.username, name: row.name, replaces: old.id, old_key_expires_at: oldExpiry, preview: row.preview },
    });
    return { key: view(row), apiKey: secret };
  });
}

/** The caller changes its own password, proving it knows the current one; ends its login sessions. */
export async function changeOwnPassword(
  database: Database,
  actor: Actor,
  input: { current_password: string; new_password: string },
): Promise<User> {
  if (actor.kind !== 'user') throw fail.forbidden('change a password without being signed in');
  check([['new_password', rules.password, input.new_password]]);
  const { db } = database;
  const user = await findUserById(db, actor.id);
  if (!user) throw fail.unauthorized();
  // Throttled and counted like a login of the user from the caller's address (see auth.ts).
  if (!(await verifyCurrentPassword(database, user, input.current_password ?? '', actor))) {
    throw fail.validation([{ field: 'current_password', message: 'is not your current password' }]);
  }
  // In the user's hashing queue too: one user's password work runs one piece at a time.
  const hash = await oneAtATime(user.username, () => hashPassword(input.new_password));
  await inTransaction(db, (trx) => writeUserChanges(trx, actor, user, { password_hash: hash }, 'self'));
  return toUser(db, (await findUserById(db, user.id))!);
}

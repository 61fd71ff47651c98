// API keys and login sessions. Only digests of the secrets are stored.
import { changed } from '../cache.js';
import type { ApiKeyRow, Db, UserRow } from '../schema.js';
import { idList, overIdList, statement } from './dialect.js';
import { newId } from '../../lib/ids.js';
import { digestSecret, previewSecret } from '../../lib/secrets.js';
import { nowIso } from '../../lib/time.js';

/** A new API key's row: the secret itself is never stored, only its digest and masked preview. */
export function apiKeyRow(userId: string, name: string, secret: string, expiresAt: string | null = null, createdAt = nowIso()): ApiKeyRow {
  return {
    id: newId(),
    user_id: userId,
    name,
    digest: digestSecret(secret),
    preview: previewSecret(secret),
    created_at: createdAt,
    last_used_at: null,
    expires_at: expiresAt,
    revoked_at: null,
    replaced_by: null,
  };
}

export async function insertApiKey(db: Db, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
  changed(db, 'api_keys');
}

export async function apiKeyDigestExists(db: Db, digest: string): Promise<boolean> {
  const row = await db.selectFrom('api_keys').select('id').where('digest', '=', digest).executeTakeFirst();
  return row !== undefined;
}

export async function deleteApiKeysOfUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('api_keys').where('user_id', '=', userId).execute();
  changed(db, 'api_keys');
}

/** The preview of each user's oldest key that still works: the one shown as the user's `api_key`. */
const selectPreviewOfUser = statement<{ preview: string }>(
  `select preview from api_keys where user_id = ? and revoked_at is null and (expires_at is null or expires_at > ?)
   order by created_at, id limit 1`,
);

const selectPreviewsOfUsers = statement<{ user_id: string; preview: string }>(
  overIdList(
    (inList) => `select user_id, preview from api_keys where ${inList('user_id')} and revoked_at is null
     and (expires_at is null or expires_at > ?) order by created_at, id`,
  ),
);

export async function primaryKeyPreviews(db: Db, userIds: string[], now: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (userIds.length === 0) return result;
  if (userIds.length === 1) {
    const [row] = await selectPreviewOfUser(db, [userIds[0], now]);
    if (row) result.set(userIds[0]!, row.preview);
    return result;
  }
  const rows = await selectPreviewsOfUsers(db, [idList(db, userIds), now]);
  for (const row of rows) if (!result.has(row.user_id)) result.set(row.user_id, row.preview);
  return result;
}

const USER_COLUMNS = 'u.id, u.username, u.first_name, u.last_name, u.email, u.role, u.disabled, u.password_hash, u.inserted_at, u.updated_at';

const selectKeyWithUser = statement<UserRow & { key_id: string; key_last_used_at: string | null; key_expires_at: string | null; key_revoked_at: string | null }>(
  `select ${USER_COLUMNS}, k.id as key_id, k.last_used_at as key_last_used_at, k.expires_at as key_expires_at, k.revoked_at as key_revoked_at
   from api_keys k join users u on u.id = k.user_id where k.digest = ?`,
);

export interface KeyWithUser {
  key: Pick<ApiKeyRow, 'id' | 'last_used_at' | 'expires_at' | 'revoked_at'>;
  user: UserRow;
}

export async function findApiKeyWithUser(db: Db, digest: string): Promise<KeyWithUser | undefined> {
  const [row] = await selectKeyWithUser(db, [digest]);
  if (!row) return undefined;
  const { key_id, key_last_used_at, key_expires_at, key_revoked_at, ...user } = row;
  return { key: { id: key_id, last_used_at: key_last_used_at, expires_at: key_expires_at, revoked_at: key_revoked_at }, user };
}

export async function insertSession(db: Db, row: { id: string; user_id: string; token_digest: string; created_at: string; expires_at: string }): Promise<void> {
  // Not reported: a new token cannot be cached yet (misses are never cached), and logins must not
  // empty everyone's credentials cache.
  await db.insertInto('login_sessions').values(row).execute();
}

const selectSession = statement<UserRow & { expires_at: string }>(
  `select ${USER_COLUMNS}, s.expires_at from login_sessions s join users u on u.id = s.user_id where s.token_digest = ?`,
);

/** The user of a login session, with the session's expiry (checked by the caller against the clock). */
export async function findSession(db: Db, tokenDigest: string): Promise<(UserRow & { expires_at: string }) | undefined> {
  return (await selectSession(db, [tokenDigest]))[0];
}

export async function deleteSession(db: Db, tokenDigest: string): Promise<boolean> {
  const result = await db.deleteFrom('login_sessions').where('token_digest', '=', tokenDigest).executeTakeFirst();
  changed(db, 'login_sessions');
  return Number(result.numDeletedRows) > 0;
}

export async function deleteSessionsOfUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('login_sessions').where('user_id', '=', userId).execute();
  changed(db, 'login_sessions');
}

/** A user's keys that are not revoked (expired ones included: they show when they stopped), oldest first. */
export function listKeysOfUser(db: Db, userId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * How many keys of a user still work and are not being replaced: not revoked, not expired, not
 * rotated away (a rotated key runs on for a grace period, but its replacement is what counts).
 */
export async function countActiveKeysOfUser(db: Db, userId: string, now: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('replaced_by', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findKeyOfUser(db: Db, userId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).where('id', '=', keyId).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function updateKey(db: Db, keyId: string, changes: Partial<ApiKeyRow>): Promise<void> {
  await db.updateTable('api_keys').set(changes).where('id', '=', keyId).execute();
  changed(db, 'api_keys');
}

/**
 * Notes a key's last use. Not reported as a change: the cached copy is marked by the request that
 * writes it, and busy keys must not empty everyone's cache once a minute.
 */
export async function touchApiKeyLastUsed(db: Db, keyId: string, at: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', keyId).execute();
}

/** Whether a key with this digest still lets its user in: not revoked, not expired, its user enabled. */
export async function workingApiKeyExists(db: Db, digest: string, now: string): Promise<boolean> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .select('api_keys.id')
    .where('api_keys.digest', '=', digest)
    .where('api_keys.revoked_at', 'is', null)
    .where('users.disabled', '=', 0)
    .where((eb) => eb.or([eb('api_keys.expires_at', 'is', null), eb('api_keys.expires_at', '>', now)]))
    .executeTakeFirst();
  return row !== undefined;
}

// API keys and login sessions. Only digests of the secrets are stored.
import type { ApiKeyRow, Db, UserRow } from '../schema.js';

export function insertApiKey(db: Db, row: ApiKeyRow): Promise<unknown> {
  return db.insertInto('api_keys').values(row).execute();
}

export async function apiKeyDigestExists(db: Db, digest: string): Promise<boolean> {
  const row = await db.selectFrom('api_keys').select('id').where('digest', '=', digest).executeTakeFirst();
  return row !== undefined;
}

export async function deleteApiKeysOfUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('api_keys').where('user_id', '=', userId).execute();
}

/** The preview of each user's oldest key that still works: the one shown as the user's `api_key`. */
export async function primaryKeyPreviews(db: Db, userIds: string[], now: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (userIds.length === 0) return result;
  const rows = await db
    .selectFrom('api_keys')
    .select(['user_id', 'preview'])
    .where('user_id', 'in', userIds)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const row of rows) if (!result.has(row.user_id)) result.set(row.user_id, row.preview);
  return result;
}

export interface KeyWithUser {
  key: ApiKeyRow;
  user: UserRow;
}

export async function findApiKeyWithUser(db: Db, digest: string): Promise<KeyWithUser | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .selectAll('users')
    .select([
      'api_keys.id as key_id',
      'api_keys.name as key_name',
      'api_keys.digest as key_digest',
      'api_keys.preview as key_preview',
      'api_keys.created_at as key_created_at',
      'api_keys.last_used_at as key_last_used_at',
      'api_keys.expires_at as key_expires_at',
      'api_keys.revoked_at as key_revoked_at',
    ])
    .where('api_keys.digest', '=', digest)
    .executeTakeFirst();
  if (!row) return undefined;
  const { key_id, key_name, key_digest, key_preview, key_created_at, key_last_used_at, key_expires_at, key_revoked_at, ...user } = row;
  return {
    key: {
      id: key_id,
      user_id: user.id,
      name: key_name,
      digest: key_digest,
      preview: key_preview,
      created_at: key_created_at,
      last_used_at: key_last_used_at,
      expires_at: key_expires_at,
      revoked_at: key_revoked_at,
    },
    user,
  };
}

export async function insertSession(db: Db, row: { id: string; user_id: string; token_digest: string; created_at: string; expires_at: string }): Promise<void> {
  await db.insertInto('login_sessions').values(row).execute();
}

export async function findSessionUser(db: Db, tokenDigest: string, now: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('login_sessions')
    .innerJoin('users', 'users.id', 'login_sessions.user_id')
    .selectAll('users')
    .where('login_sessions.token_digest', '=', tokenDigest)
    .where('login_sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, tokenDigest: string): Promise<boolean> {
  const result = await db.deleteFrom('login_sessions').where('token_digest', '=', tokenDigest).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteSessionsOfUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('login_sessions').where('user_id', '=', userId).execute();
}

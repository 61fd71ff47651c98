// The default admin that makes a fresh installation usable (argilla / 1234 / argilla.apikey).
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import { countUsers, findUserByUsername } from '../db/repos/users.js';
import { apiKeyDigestExists, workingApiKeyExists } from '../db/repos/credentials.js';
import { hashPassword, verifyPassword } from '../lib/passwords.js';
import { digestSecret } from '../lib/secrets.js';
import { nowIso } from '../lib/time.js';
import { DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME } from '../config.js';
import { recordEvent } from './audit.js';
import { fail } from './errors.js';
import { DEFAULT_USER_ROLE, isManagerRole, SYSTEM, type Role } from './policies.js';
import { insertUserWithKey } from './users.js';
import { toUser, type User } from './views.js';
import { isUniqueViolation } from '../db/connect.js';

export interface DefaultUserOptions {
  password?: string;
  apiKey?: string;
  /** admin (the default) or owner: a role that can manage users */
  role?: Role;
}

export type DefaultUserOutcome = { created: true; user: User; apiKey: string } | { created: false; reason: string };

/**
 * Creates the default admin, member of a workspace of the same name. Its password is exempt from
 * the length rule on purpose (the well-known "1234"); the server warns until it is changed.
 */
export async function createDefaultUser(database: Database, options: DefaultUserOptions = {}): Promise<DefaultUserOutcome> {
  const { db } = database;
  const password = options.password ?? DEFAULT_PASSWORD;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  if (password.length === 0) throw fail.validation([{ field: 'password', message: 'required' }]);
  if (apiKey.length < 8) throw fail.validation([{ field: 'api_key', message: 'at least 8 characters' }]);
  const role = options.role ?? DEFAULT_USER_ROLE;
  if (!isManagerRole(role)) throw fail.validation([{ field: 'role', message: 'must be a role that can manage users' }]);
  if (await findUserByUsername(db, DEFAULT_USERNAME)) {
    return { created: false, reason: `User with default username '${DEFAULT_USERNAME}' already exists, will not do anything.` };
  }
  if (await apiKeyDigestExists(db, digestSecret(apiKey))) {
    return { created: false, reason: 'The default API key already belongs to another user, will not do anything.' };
  }
  const passwordHash = await hashPassword(password);
  const input = { username: DEFAULT_USERNAME, first_name: DEFAULT_USERNAME, role, workspaces: [DEFAULT_USERNAME] };
  try {
    await inTransaction(db, async (trx) => {
      const id = await insertUserWithKey(trx, input, passwordHash, apiKey, nowIso());
      await recordEvent(trx, SYSTEM, {
        type: 'user.created',
        target_type: 'user',
        target_id: id,
        data: { username: DEFAULT_USERNAME, role, workspaces: [DEFAULT_USERNAME], default_user: true },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      return { created: false, reason: `User with default username '${DEFAULT_USERNAME}' already exists, will not do anything.` };
    }
    throw error;
  }
  return { created: true, user: await toUser(db, (await findUserByUsername(db, DEFAULT_USERNAME))!), apiKey };
}

/** At server start: the default admin, only when the database holds no user at all. */
export async function createDefaultUserIfEmpty(database: Database, options: DefaultUserOptions = {}): Promise<DefaultUserOutcome> {
  if ((await countUsers(database.db)) > 0) return { created: false, reason: 'the database already has users' };
  return createDefaultUser(database, options);
}

/** Which of the well-known default credentials still open the default account (for the warning). */
export async function defaultCredentialsInUse(database: Database): Promise<{ password: boolean; apiKey: boolean }> {
  const { db } = database;
  const user = await findUserByUsername(db, DEFAULT_USERNAME);
  const apiKey = await workingApiKeyExists(db, digestSecret(DEFAULT_API_KEY), nowIso());
  // Verifying costs a password hash: remember the answer for each stored hash.
  const password =
    user && user.disabled === 0
      ? await database.caches.get('default_credentials').memo(`default-password:${user.password_hash}`, async () => (await verifyPassword(DEFAULT_PASSWORD, user.password_hash)).ok)
      : false;
  return { password, apiKey };
}

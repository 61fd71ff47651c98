// Authentication: API keys and login tokens are looked up by their SHA-256 digest (one indexed
// read, no password hashing on the request path); logins verify the password off the event loop.
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import type { Db, UserRow } from '../db/schema.js';
import {
  deleteSession,
  findApiKeyWithUser,
  findSession,
  insertSession,
  touchApiKeyLastUsed,
} from '../db/repos/credentials.js';
import { findUserById, findUserByUsername, updateUserRow } from '../db/repos/users.js';
import { isUuid, newId } from '../lib/ids.js';
import { checkPassword, hashPassword, oneAtATime } from '../lib/passwords.js';
import { digestSecret, generateDigestKey, generateToken, keyedDigest } from '../lib/secrets.js';
import { addMinutes, isoOfMillis, nowIso } from '../lib/time.js';
import { fail, isDomainError } from './errors.js';
import { authorize, type Actor, type Origin, type Role } from './policies.js';
import { LIMITS } from './limits.js';
import { recordEvent } from './audit.js';
import { loginVerdict, THROTTLE } from './throttle.js';
import {
  clearFailuresOf,
  deleteFailuresOfUsername,
  deleteLoginFailure,
  insertLoginAttempt,
  lockLoginAdmissions,
  markAttemptFailed,
  pruneFailures,
} from '../db/repos/loginFailures.js';
import { describeCaller, type User } from './views.js';
import { installationSecret } from './installationSecrets.js';
import { passwordLoginAllowed, type PasswordLogin } from '../configSso.js';

export interface Authenticated {
  actor: Actor & { kind: 'user' };
  user: UserRow;
  /** how the caller proved who it is, and the secret it used (to echo an API key back on /api/me) */
  via: 'api_key' | 'token';
  secret: string;
  keyId?: string;
}

function actorOf(user: UserRow): Actor & { kind: 'user' } {
  return { kind: 'user', id: user.id, username: user.username, role: user.role as Role };
}

// A key's last use is written at most once a minute, so busy clients do not turn reads into writes.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Reads through the database's short-lived cache (see db/cache.ts): a change made through this
 * process is seen at once, one made by another process within half a second. Misses are not
 * cached, so random credentials cannot fill memory.
 */
function cachedLookup<T>(database: Database, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
  return database.caches.get('credentials').get(key, load).then((value) => {
    if (value === undefined) database.caches.get('credentials').forget(key);
    return value;
  });
}

type KeyWithUser = NonNullable<Awaited<ReturnType<typeof findApiKeyWithUser>>>;
type SessionWithUser = NonNullable<Awaited<ReturnType<typeof findSession>>>;

/** Whether a key found by its digest lets its user in now; notes its use (at most once a minute). */
function admitApiKey(database: Database, key: string, found: KeyWithUser): Authenticated | null {
  const nowMs = Date.now();
  const now = isoOfMillis(nowMs);
  const { key: row, user } = found;
  if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now) || user.disabled === 1) return null;
  if (row.last_used_at === null || nowMs - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS) {
    // Not awaited: bookkeeping must not slow the request, and a lost update is harmless. The
    // cached row is marked at once so that concurrent requests do not all write it.
    row.last_used_at = now;
    touchApiKeyLastUsed(database.db, row.id, nowIso()).catch(() => {});
  }
  return { actor: actorOf(user), user, via: 'api_key', secret: key, keyId: row.id };
}

function admitSession(token: string, session: SessionWithUser): Authenticated | null {
  if (session.expires_at <= isoOfMillis(Date.now()) || session.disabled === 1) return null;
  const { expires_at: _expiry, ...user } = session;
  return { actor: actorOf(user), user, via: 'token', secret: token };
}

export async function authenticateApiKey(database: Database, key: string): Promise<Authenticated | null> {
  const digest = digestSecret(key);
  const found = await cachedLookup(database, `key:${digest}`, () => findApiKeyWithUser(database.db, digest));
  return found ? admitApiKey(database, key, found) : null;
}

export async function authenticateToken(database: Database, token: string): Promise<Authenticated | null> {
  const digest = digestSecret(token);
  const session = await cachedLookup(database, `token:${digest}`, () => findSession(database.db, digest));
  return session ? admitSession(token, session) : null;
}

/**
 * Authentication answered from the cache alone, without waiting: the result when a cached entry
 * decides it, undefined when the database must be asked (then use the async functions above).
 * Most requests of a busy client end here. A bearer credential is tried as a login token only:
 * misses are not cached, so an API key sent as a bearer always takes the async path.
 */
export function authenticateFromCache(database: Database, credential: string, kind: 'api_key' | 'bearer'): Authenticated | null | undefined {
  const digest = digestSecret(credential);
  if (kind === 'bearer') {
    const session = database.caches.get('credentials').peek<SessionWithUser>(`token:${digest}`);
    return session === undefined ? undefined : admitSession(credential, session);
  }
  const found = database.caches.get('credentials').peek<KeyWithUser>(`key:${digest}`);
  return found === undefined ? undefined : admitApiKey(database, credential, found);
}

/** A bearer credential is a login token or, as older clients send it, an API key. */
export async function authenticateBearer(database: Database, credential: string): Promise<Authenticated | null> {
  return (await authenticateToken(database, credential)) ?? (await authenticateApiKey(database, credential));
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: UserRow;
}

/** An empty username or password is a missing one (422 naming it), before anything is looked up. */
function requireLoginFields(username: string, password: string): void {
  const missing = [
    ...(username === '' ? [{ field: 'username', message: 'required' }] : []),
    ...(password === '' ? [{ field: 'password', message: 'required' }] : []),
  ];
  if (missing.length) throw fail.validation(missing);
}

const DIGEST_KEY_NAME = 'login_name_digest_key';

/**
 * The name a login attempt is recorded and throttled under: an existing user's username as it is
 * (admins need it), anything else as a keyed digest, because what people type into the username
 * field is sometimes their password. The digest still groups repeated attempts on one name.
 */
async function recordedName(database: Database, username: string, user: UserRow | undefined): Promise<string> {
  return user ? user.username : keyedDigest(await installationSecret(database, DIGEST_KEY_NAME, generateDigestKey), username);
}

/**
 * Checks a username and password and opens a login session. Unknown users, wrong passwords and
 * disabled users fail alike, with the same hashing work (see checkPassword). Throttled (see
 * throttle.ts) before any check. A username longer than any valid one fails at once, leaving no
 * trace: no user can have it.
 */
export async function login(
  database: Database,
  username: string,
  password: string,
  expirationMinutes: number,
  origin: Origin = {},
  passwordLogin?: PasswordLogin,
): Promise<LoginResult> {
  requireLoginFields(username, password);
  // Password login turned off (single sign-on only): refused before anything is looked up, but for
  // the break-glass accounts named in the settings.
  if (passwordLogin && !passwordLoginAllowed(passwordLogin, username)) throw fail.passwordLoginDisabled();
  if (username.length > LIMITS.name_max_length) throw fail.unauthorized();
  const { db } = database;
  const ip = origin.ip ?? 'local';
  const name = await recordedName(database, username, await findUserByUsername(db, username));
  const attempt = await admitAttempt(db, name, ip);
  try {
    return await checkAttempt(database, attempt, name, username, password, expirationMinutes, origin);
  } catch (error) {
    // A failure has settled the attempt's record; anything else (the database gone mid-way, say)
    // must not leave it being checked, where it would hold up the next attempts.
    if (!isDomainError(error)) await deleteLoginFailure(db, attempt).catch(() => {});
    throw error;
  }
}

/**
 * Records a login attempt as being checked once the throttle lets it (see throttle.ts) and returns
 * its id: refused at once while the account or address is locked; waits its turn (a while) while
 * as many attempts are being checked as the limit allows.
 */
async function admitAttempt(db: Db, name: string, ip: string): Promise<string> {
  for (const started = Date.now(); ; ) {
    const admitted = await inTransaction(db, async (trx) => {
      await lockLoginAdmissions(trx);
      const verdict = await loginVerdict(trx, name, ip);
      if (verdict.retryAfter > 0 || verdict.wait) return verdict;
      return insertLoginAttempt(trx, name, ip, nowIso());
    });
    if (typeof admitted === 'string') return admitted;
    if (admitted.retryAfter > 0) throw fail.throttled(admitted.retryAfter);
    if (Date.now() - started >= THROTTLE.maxWaitMs) throw fail.throttled(1);
    await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
  }
}

/** Counts an attempt as a failure; now and then forgets failures that no longer count. */
async function settleFailure(db: Db, attempt: string): Promise<void> {
  await markAttemptFailed(db, attempt);
  if (Math.random() < 0.05) await pruneFailures(db, isoOfMillis(Date.now() - THROTTLE.windowMs));
}

async function checkAttempt(
  database: Database,
  attempt: string,
  name: string,
  username: string,
  password: string,
  expirationMinutes: number,
  origin: Origin,
): Promise<LoginResult> {
  const { db } = database;
  // Read again: the user may have changed while the attempt waited its turn.
  const found = await findUserByUsername(db, username);
  const user = found && found.disabled === 0 ? found : undefined;
  // A disabled user's password is not checked: it fails like an unknown user's, with the same work.
  const check = await oneAtATime(name, () => checkPassword(password, user ? user.password_hash : null));
  const now = nowIso();
  if (!user || !check.ok) {
    // The attempt's record stays: it is the failure.
    await settleFailure(db, attempt);
    const data = found ? { username: found.username } : { username_digest: name };
    await recordEvent(db, null, { type: 'auth.login.failed', target_type: 'user', target_id: found?.id ?? null, data }, origin);
    throw fail.unauthorized();
  }
  const passwordHash = check.needsRehash ? await hashPassword(password) : undefined;
  const session = await inTransaction(db, async (trx) => {
    if (passwordHash) await updateUserRow(trx, user.id, { password_hash: passwordHash });
    await clearFailuresOf(trx, name, origin.ip ?? 'local', attempt);
    const opened = await openSession(trx, user.id, expirationMinutes, now);
    await recordEvent(trx, { ...actorOf(user), ...origin }, { type: 'auth.login.succeeded', target_type: 'user', target_id: user.id, data: { username } });
    return opened;
  });
  return { ...session, user };
}

/**
 * Opens a login session for a user, inside the caller's transaction: the login token in clear
 * (returned this once; only its digest is stored) and its expiry. Password logins and single
 * sign-on both end here, so both hand out the same kind of token.
 */
export async function openSession(trx: Db, userId: string, expirationMinutes: number, now = nowIso()): Promise<{ token: string; expiresAt: string }> {
  const token = generateToken();
  const expiresAt = addMinutes(now, expirationMinutes);
  await insertSession(trx, { id: newId(), user_id: userId, token_digest: digestSecret(token), created_at: now, expires_at: expiresAt });
  return { token, expiresAt };
}

/**
 * A signed-in user proving its current password (to change it): checked like a login of that user
 * from the caller's address, so that a stolen API key is no way around the login throttle. Refused
 * with 429 while the username is locked from there, before the password is checked; a wrong
 * password is a failed login of the user (not in the audit log: nothing changed); a right one clears
 * the failures from that address, as a successful login does. One check at a time per user.
 */
export async function verifyCurrentPassword(database: Database, user: UserRow, password: string, origin: Origin = {}): Promise<boolean> {
  const { db } = database;
  const ip = origin.ip ?? 'local';
  const attempt = await admitAttempt(db, user.username, ip);
  try {
    const check = await oneAtATime(user.username, () => checkPassword(password, user.password_hash));
    if (check.ok) await clearFailuresOf(db, user.username, ip, attempt);
    else await settleFailure(db, attempt);
    return check.ok;
  } catch (error) {
    await deleteLoginFailure(db, attempt).catch(() => {});
    throw error;
  }
}

export interface Unlocked {
  id: string;
  username: string;
  /** failed logins (and attempts being checked) forgotten, from every address */
  cleared_failures: number;
}

/** Forgets a user's failed logins from every address, lifting its locks; recorded as user.unlocked. */
export async function unlockUser(database: Database, actor: Actor, id: string): Promise<Unlocked> {
  authorize(actor, 'users.manage', 'unlock users');
  return inTransaction(database.db, async (trx) => {
    const user = isUuid(id) ? await findUserById(trx, id.toLowerCase()) : undefined;
    if (!user) throw fail.notFound('user', id);
    const cleared = await deleteFailuresOfUsername(trx, user.username);
    await recordEvent(trx, actor, { type: 'user.unlocked', target_type: 'user', target_id: user.id, data: { username: user.username, cleared_failures: cleared } });
    return { id: user.id, username: user.username, cleared_failures: cleared };
  });
}

/** Ends the login session of a token; false when it was not open. */
export async function logout(database: Database, auth: Authenticated): Promise<boolean> {
  return inTransaction(database.db, async (trx) => {
    const ended = await deleteSession(trx, digestSecret(auth.secret));
    if (ended) await recordEvent(trx, auth.actor, { type: 'auth.logout', target_type: 'user', target_id: auth.user.id, data: { username: auth.user.username } });
    return ended;
  });
}

/** The caller as GET /api/me shows it (cached like authentication). */
export function describeMe(database: Database, auth: Authenticated): User | Promise<User> {
  const withPreview = auth.via !== 'api_key';
  return database.caches.get('callers').read(`me:${auth.user.id}:${withPreview}`, () => describeCaller(database.db, auth.user, withPreview));
}

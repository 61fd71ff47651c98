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
import { findUserByUsername, updateUserRow } from '../db/repos/users.js';
import { newId } from '../lib/ids.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../lib/passwords.js';
import { digestSecret, generateToken } from '../lib/secrets.js';
import { addMinutes, isoOfMillis, nowIso } from '../lib/time.js';
import { fail, isDomainError } from './errors.js';
import type { Actor, Origin, Role } from './policies.js';
import { recordEvent } from './audit.js';
import { loginVerdict, THROTTLE } from './throttle.js';
import { clearFailuresOf, deleteLoginFailure, insertLoginAttempt, lockLoginAdmissions, markAttemptFailed, pruneFailures } from '../db/repos/loginFailures.js';
import { describeCaller, type User } from './views.js';

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

/**
 * Checks a username and password and opens a login session. Unknown users, wrong passwords and
 * disabled users fail alike, in about the same time. Throttled (see throttle.ts) before any check.
 */
export async function login(
  database: Database,
  username: string,
  password: string,
  expirationMinutes: number,
  origin: Origin = {},
): Promise<LoginResult> {
  const { db } = database;
  const ip = origin.ip ?? 'local';
  const attempt = await admitAttempt(db, username, ip);
  try {
    return await checkAttempt(database, attempt, username, password, expirationMinutes, origin);
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
async function admitAttempt(db: Db, username: string, ip: string): Promise<string> {
  for (const started = Date.now(); ; ) {
    const admitted = await inTransaction(db, async (trx) => {
      await lockLoginAdmissions(trx);
      const verdict = await loginVerdict(trx, username, ip);
      if (verdict.retryAfter > 0 || verdict.wait) return verdict;
      return insertLoginAttempt(trx, username, ip, nowIso());
    });
    if (typeof admitted === 'string') return admitted;
    if (admitted.retryAfter > 0) throw fail.throttled(admitted.retryAfter);
    if (Date.now() - started >= THROTTLE.maxWaitMs) throw fail.throttled(1);
    await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
  }
}

async function checkAttempt(
  database: Database,
  attempt: string,
  username: string,
  password: string,
  expirationMinutes: number,
  origin: Origin,
): Promise<LoginResult> {
  const { db } = database;
  const user = await findUserByUsername(db, username);
  const check = user ? await verifyPassword(password, user.password_hash) : (await verifyAgainstDummy(password), null);
  const now = nowIso();
  if (!user || !check?.ok || user.disabled === 1) {
    // The attempt's record stays: it is the failure.
    await markAttemptFailed(db, attempt);
    await recordEvent(db, null, { type: 'auth.login.failed', target_type: 'user', target_id: user?.id ?? null, data: { username } }, origin);
    // Now and then, forget failures that no longer count.
    if (Math.random() < 0.05) await pruneFailures(db, new Date(Date.now() - THROTTLE.windowMs).toISOString());
    throw fail.unauthorized();
  }
  const passwordHash = check.needsRehash ? await hashPassword(password) : undefined;
  const token = generateToken();
  const expiresAt = addMinutes(now, expirationMinutes);
  await inTransaction(db, async (trx) => {
    if (passwordHash) await updateUserRow(trx, user.id, { password_hash: passwordHash });
    await clearFailuresOf(trx, username, attempt);
    await insertSession(trx, { id: newId(), user_id: user.id, token_digest: digestSecret(token), created_at: now, expires_at: expiresAt });
    await recordEvent(trx, { ...actorOf(user), ...origin }, { type: 'auth.login.succeeded', target_type: 'user', target_id: user.id, data: { username } });
  });
  return { token, expiresAt, user };
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

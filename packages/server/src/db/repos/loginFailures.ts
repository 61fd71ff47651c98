import { sql } from 'kysely';
import type { Db } from '../schema.js';
import { newId } from '../../lib/ids.js';
import { isPostgres } from './dialect.js';

/**
 * Inside a transaction: waits until no other transaction is deciding on a login attempt, so that
 * each decision sees all those made before it. SQLite transactions here already hold the
 * database's write lock from their start; PostgreSQL takes an advisory lock until the transaction ends.
 */
export async function lockLoginAdmissions(trx: Db): Promise<void> {
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${LOGIN_ADMISSION_LOCK})`.execute(trx);
}

// An arbitrary number naming the lock ("login" on a phone keypad).
const LOGIN_ADMISSION_LOCK = 56446;

/** Records a login attempt, being checked until markAttemptFailed() (or deleted); returns its id. */
export async function insertLoginAttempt(db: Db, username: string, ip: string, at: string): Promise<string> {
  const id = newId();
  await db.insertInto('login_failures').values({ id, username, ip, created_at: at, pending: 1 }).execute();
  return id;
}

/** The attempt's password was wrong (or the user unknown or disabled): it now counts as a failure. */
export async function markAttemptFailed(db: Db, id: string): Promise<void> {
  await db.updateTable('login_failures').set({ pending: 0 }).where('id', '=', id).execute();
}

export async function deleteLoginFailure(db: Db, id: string): Promise<void> {
  await db.deleteFrom('login_failures').where('id', '=', id).execute();
}

export interface AttemptRow {
  created_at: string;
  pending: number;
}

/** Attempts (failed or being checked) since `since`, oldest first, for one username (with their address) or one address. */
export async function attemptsOfUsernameSince(db: Db, username: string, since: string): Promise<Array<AttemptRow & { ip: string }>> {
  return db
    .selectFrom('login_failures')
    .select(['created_at', 'pending', 'ip'])
    .where('username', '=', username)
    .where('created_at', '>', since)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function attemptsOfAddressSince(db: Db, ip: string, since: string): Promise<AttemptRow[]> {
  return db
    .selectFrom('login_failures')
    .select(['created_at', 'pending'])
    .where('ip', '=', ip)
    .where('created_at', '>', since)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * After a successful login (or password check): forgets the username's failures from this address
 * and this attempt. Failures from other addresses stay (they may be someone else's guesses), and so
 * do other attempts still in flight: they count until their own passwords are checked.
 */
export async function clearFailuresOf(db: Db, username: string, ip: string, attempt: string): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where('username', '=', username)
    .where((eb) => eb.or([eb.and([eb('pending', '=', 0), eb('ip', '=', ip)]), eb('id', '=', attempt)]))
    .execute();
}

/** Forgets every recorded attempt of a username, from every address (an unlock); returns how many. */
export async function deleteFailuresOfUsername(db: Db, username: string): Promise<number> {
  const result = await db.deleteFrom('login_failures').where('username', '=', username).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Forgets failures older than the window (they no longer count for anything). */
export async function pruneFailures(db: Db, before: string): Promise<void> {
  await db.deleteFrom('login_failures').where('created_at', '<=', before).execute();
}

import type { Db } from '../schema.js';
import { newId } from '../../lib/ids.js';

/** Records a login attempt as a failure (until it succeeds); returns its id. */
export async function insertLoginFailure(db: Db, username: string, ip: string, at: string): Promise<string> {
  const id = newId();
  await db.insertInto('login_failures').values({ id, username, ip, created_at: at }).execute();
  return id;
}

export async function deleteLoginFailure(db: Db, id: string): Promise<void> {
  await db.deleteFrom('login_failures').where('id', '=', id).execute();
}

/** Times of the failures since `since`, oldest first, for one username or one address, but `except`. */
export async function failureTimes(db: Db, by: 'username' | 'ip', value: string, since: string, except?: string): Promise<string[]> {
  let query = db.selectFrom('login_failures').select('created_at').where(by, '=', value).where('created_at', '>', since);
  if (except) query = query.where('id', '!=', except);
  const rows = await query.orderBy('created_at').execute();
  return rows.map((r) => r.created_at);
}

export async function clearFailuresOf(db: Db, username: string): Promise<void> {
  await db.deleteFrom('login_failures').where('username', '=', username).execute();
}

/** Forgets failures older than the window (they no longer count for anything). */
export async function pruneFailures(db: Db, before: string): Promise<void> {
  await db.deleteFrom('login_failures').where('created_at', '<=', before).execute();
}

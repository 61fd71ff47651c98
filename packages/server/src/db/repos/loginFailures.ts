import type { Db } from '../schema.js';
import { newId } from '../../lib/ids.js';

export async function insertLoginFailure(db: Db, username: string, ip: string, at: string): Promise<void> {
  await db.insertInto('login_failures').values({ id: newId(), username, ip, created_at: at }).execute();
}

/** Times of the failures since `since`, oldest first, for one username or one address. */
export async function failureTimes(db: Db, by: 'username' | 'ip', value: string, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('login_failures')
    .select('created_at')
    .where(by, '=', value)
    .where('created_at', '>', since)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.created_at);
}

export async function clearFailuresOf(db: Db, username: string): Promise<void> {
  await db.deleteFrom('login_failures').where('username', '=', username).execute();
}

/** Forgets failures older than the window (they no longer count for anything). */
export async function pruneFailures(db: Db, before: string): Promise<void> {
  await db.deleteFrom('login_failures').where('created_at', '<=', before).execute();
}

// Links between users and single sign-on providers (issuer and subject). No cache reads this table,
// so its writes report nothing.
import type { Db, UserRow, UserIdentitiesTable } from '../schema.js';

export type IdentityRow = UserIdentitiesTable;

/** The identity of a provider's subject, with its user. */
export async function findIdentity(db: Db, issuer: string, subject: string): Promise<{ identity: IdentityRow; user: UserRow } | undefined> {
  const identity = await db
    .selectFrom('user_identities')
    .selectAll()
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
  if (!identity) return undefined;
  const user = await db.selectFrom('users').selectAll().where('id', '=', identity.user_id).executeTakeFirst();
  return user ? { identity, user } : undefined;
}

/** The identities a user holds at one issuer (at most one unless linked twice by hand). */
export function identitiesOfUserAt(db: Db, userId: string, issuer: string): Promise<IdentityRow[]> {
  return db.selectFrom('user_identities').selectAll().where('user_id', '=', userId).where('issuer', '=', issuer).execute();
}

/** Whether a user holds any identity (was made by, or linked to, single sign-on). */
export async function hasIdentity(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('user_identities').select('id').where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

export async function insertIdentity(db: Db, row: IdentityRow): Promise<void> {
  await db.insertInto('user_identities').values(row).execute();
}

export async function touchIdentity(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('user_identities').set({ last_login_at: at }).where('id', '=', id).execute();
}

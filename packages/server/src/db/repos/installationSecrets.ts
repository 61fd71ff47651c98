import type { Db } from '../schema.js';

/** The value of an installation secret, or undefined when there is none by that name. */
export async function findInstallationSecret(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('installation_secrets').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value;
}

/** Stores a secret unless one by that name exists already (another process may have been first). */
export async function insertInstallationSecretIfMissing(db: Db, name: string, value: string, at: string): Promise<void> {
  await db
    .insertInto('installation_secrets')
    .values({ name, value, created_at: at })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

import type { Kysely } from 'kysely';
import { generateDigestKey } from '../../lib/secrets.js';

export const description = 'add the installation secrets (the key of the digests of unknown login names)';

// Secrets of the installation as a whole, one row each, shared by every server process that uses
// the database. The key that digests unknown login names is created here, once per database.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('installation_secrets')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db
    .insertInto('installation_secrets')
    .values({ name: 'login_name_digest_key', value: generateDigestKey(), created_at: new Date().toISOString() })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('installation_secrets').execute();
}

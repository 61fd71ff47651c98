import type { Kysely } from 'kysely';

export const description = 'add the identities that link users to single sign-on providers (issuer and subject)';

// A user signed in through an OpenID Connect provider is found again by the provider's issuer and
// the subject it gives the person (never by username or email, which the provider may change).
// One identity per issuer and subject; a user may hold several (one per provider). Deleting the
// user deletes its identities.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_identities')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // the provider's name in this server's settings when the identity was made (for people reading it)
    .addColumn('provider', 'varchar(64)', (c) => c.notNull())
    .addColumn('issuer', 'varchar(512)', (c) => c.notNull())
    .addColumn('subject', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_login_at', 'varchar(32)')
    .addUniqueConstraint('user_identities_issuer_subject_key', ['issuer', 'subject'])
    .execute();
  await db.schema.createIndex('user_identities_user_idx').on('user_identities').columns(['user_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_identities').execute();
}

import type { Kysely } from 'kysely';

export const description = 'add login failures (throttling) and the audit log';

export async function up(db: Kysely<any>): Promise<void> {
  // Failed logins, kept for the throttling window only: the state is in the database so that
  // every server process sharing it applies the same limits.
  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_username_idx').on('login_failures').columns(['username', 'created_at']).execute();
  await db.schema.createIndex('login_failures_ip_idx').on('login_failures').columns(['ip', 'created_at']).execute();
  await db.schema.createIndex('login_failures_created_idx').on('login_failures').column('created_at').execute();

  // Append-only: the application inserts and reads, never updates or deletes. Actor and target
  // are copied (not foreign keys) so that events outlive the users they mention.
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(36)')
    .addColumn('actor_username', 'text')
    .addColumn('target_type', 'varchar(32)')
    .addColumn('target_id', 'varchar(36)')
    .addColumn('ip', 'text')
    .addColumn('request_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_created_idx').on('audit_events').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('audit_events_actor_idx').on('audit_events').columns(['actor_id', 'created_at']).execute();
  await db.schema.createIndex('audit_events_target_idx').on('audit_events').columns(['target_id', 'created_at']).execute();
  await db.schema.createIndex('audit_events_type_idx').on('audit_events').columns(['type', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_events').execute();
  await db.schema.dropTable('login_failures').execute();
}

import type { Kysely } from 'kysely';

export const description = 'add datasets, records and annotations';

// Records are keyed by (dataset, record id) and annotations by (dataset, record, user), so a
// dataset copies with two INSERT ... SELECT statements, whatever its size. JSON is stored as text.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('datasets')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    // No cascade: a workspace cannot be deleted while it holds datasets (the database refuses).
    .addColumn('workspace_id', 'varchar(36)', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_by_username', 'text')
    .addColumn('inserted_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('datasets_workspace_name_key', ['workspace_id', 'name'])
    .execute();

  await db.schema
    .createTable('records')
    .addColumn('dataset_id', 'varchar(36)', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('id', 'varchar(200)', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('inserted_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('records_pkey', ['dataset_id', 'id'])
    .execute();
  await db.schema.createIndex('records_order_idx').on('records').columns(['dataset_id', 'inserted_at', 'id']).execute();

  await db.schema
    .createTable('annotations')
    .addColumn('dataset_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('record_id', 'varchar(200)', (c) => c.notNull())
    // The username stays when the user is deleted (the reference becomes empty): attribution survives.
    .addColumn('user_id', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    // The labels again, as |a|b|, so "records with label X" is one portable LIKE.
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('inserted_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('annotations_record_fkey', ['dataset_id', 'record_id'], 'records', ['dataset_id', 'id'], (c) =>
      c.onDelete('cascade'),
    )
    .addUniqueConstraint('annotations_record_user_key', ['dataset_id', 'record_id', 'user_id'])
    .execute();
  await db.schema.createIndex('annotations_user_idx').on('annotations').column('user_id').execute();
  await db.schema.createIndex('annotations_username_idx').on('annotations').columns(['dataset_id', 'username']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('annotations').execute();
  await db.schema.dropTable('records').execute();
  await db.schema.dropTable('datasets').execute();
}

import { PostgresAdapter, sql, type Kysely } from 'kysely';

export const description = "keep what the Argilla 1.6 Python client logs: tasks' extra record parts, dataset tags and metadata, annotation agents";

// Every new column is nullable: rows written before (and by the project's own routes) read as
// "not given". JSON is stored as text, as elsewhere.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('datasets').addColumn('tags', 'text').execute();
  await db.schema.alterTable('datasets').addColumn('metadata', 'text').execute();

  // the record's prediction as logged ({agent, labels | entities | sentences}), JSON
  await db.schema.alterTable('records').addColumn('prediction', 'text').execute();
  // Default, Edited, Discarded or Validated, as logged; null: derived from the annotations
  await db.schema.alterTable('records').addColumn('status', 'varchar(16)').execute();
  // as the client sent it (local time, no zone)
  await db.schema.alterTable('records').addColumn('event_timestamp', 'varchar(64)').execute();
  await db.schema.alterTable('records').addColumn('vectors', 'text').execute();
  await db.schema.alterTable('records').addColumn('explanation', 'text').execute();

  // The agent an annotation was logged with (a model, a hostname...); null when made by its user.
  await db.schema.alterTable('annotations').addColumn('agent', 'text').execute();

  // The 1.6 scan reads records in byte order of their id. SQLite's primary key index already
  // compares bytes; PostgreSQL's follows the database's collation, so it gets an index in "C" order.
  if (isPostgres(db)) {
    await sql`create index records_id_bytes_idx on records (dataset_id, id collate "C")`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await sql`drop index if exists records_id_bytes_idx`.execute(db);
  await db.schema.alterTable('annotations').dropColumn('agent').execute();
  for (const column of ['explanation', 'vectors', 'event_timestamp', 'status', 'prediction']) {
    await db.schema.alterTable('records').dropColumn(column).execute();
  }
  await db.schema.alterTable('datasets').dropColumn('metadata').execute();
  await db.schema.alterTable('datasets').dropColumn('tags').execute();
}

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

import type { Kysely } from 'kysely';

export const description = 'remember which key replaced a rotated API key';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('replaced_by', 'varchar(36)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('replaced_by').execute();
}

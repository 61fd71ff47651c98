import type { Kysely } from 'kysely';

export const description = 'tell login attempts still being checked from failed ones';

// 1 while the attempt's password is being checked, 0 once it has failed (successful attempts are
// deleted). Rows written before this migration are failures.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_failures').addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_failures').dropColumn('pending').execute();
}

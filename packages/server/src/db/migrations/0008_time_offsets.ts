import { sql, type Kysely } from 'kysely';

export const description = 'write every stored time with an explicit +00:00 offset instead of a trailing Z';

// Times were stored as 2026-11-29T20:02:16.795123Z; they are now 2026-11-29T20:02:16.795123+00:00,
// the form sent on the wire (a trailing Z is refused by Python 3.9's datetime.fromisoformat). Both
// forms are 32 characters at most. A few early rows carry milliseconds only (…16.795Z): they get
// three zeros, so that every time has six fraction digits and text order stays time order.
export const TIME_COLUMNS: Record<string, string[]> = {
  users: ['inserted_at', 'updated_at'],
  workspaces: ['inserted_at', 'updated_at'],
  memberships: ['inserted_at', 'updated_at'],
  api_keys: ['created_at', 'last_used_at', 'expires_at', 'revoked_at'],
  login_sessions: ['created_at', 'expires_at'],
  login_failures: ['created_at'],
  installation_secrets: ['created_at'],
  audit_events: ['created_at'],
  datasets: ['inserted_at', 'updated_at'],
  records: ['inserted_at', 'updated_at'],
  annotations: ['inserted_at', 'updated_at'],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(TIME_COLUMNS)) {
    for (const name of columns) {
      const column = sql.ref(name);
      // …HH:MM:SS.mmmZ (24 characters): milliseconds, padded to microseconds.
      await sql`update ${sql.table(table)} set ${column} = substr(${column}, 1, 23) || '000+00:00' where ${column} like '%Z' and length(${column}) = 24`.execute(db);
      await sql`update ${sql.table(table)} set ${column} = substr(${column}, 1, length(${column}) - 1) || '+00:00' where ${column} like '%Z'`.execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(TIME_COLUMNS)) {
    for (const name of columns) {
      const column = sql.ref(name);
      await sql`update ${sql.table(table)} set ${column} = substr(${column}, 1, length(${column}) - 6) || 'Z' where ${column} like '%+00:00'`.execute(db);
    }
  }
}

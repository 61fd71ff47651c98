import type { Kysely } from 'kysely';

export const description = "keep a client's X-Request-Id beside the server's own request id in the audit log";

// The request id of an audit event is always the server's own. What a client sent as X-Request-Id
// (when short and printable) is kept here, for the client to find its requests; null otherwise.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('client_request_id', 'varchar(64)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').dropColumn('client_request_id').execute();
}

// The audit log: inserts and reads only (it is append-only by construction: no update or delete).
import { sql } from 'kysely';
import type { AuditEventsTable, Db } from '../schema.js';

export async function insertAuditEvent(db: Db, row: AuditEventsTable): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

export interface AuditFilters {
  actor?: string;
  target?: string;
  type?: string;
  since?: string;
  until?: string;
  /** position after which to continue (newest first): the last item's time and id */
  after?: { created_at: string; id: string };
}

export function listAuditRows(db: Db, filters: AuditFilters, limit: number): Promise<AuditEventsTable[]> {
  let query = db.selectFrom('audit_events').selectAll();
  if (filters.actor) {
    const actor = filters.actor;
    query = query.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_username', '=', actor)]));
  }
  if (filters.target) query = query.where('target_id', '=', filters.target);
  if (filters.type) {
    // `user` matches user.created, user.updated, ...; a full name matches itself.
    const type = filters.type;
    const prefix = `${type}.`;
    query = query.where((eb) => eb.or([eb('type', '=', type), eb(sql`substr(type, 1, ${prefix.length})`, '=', prefix)]));
  }
  if (filters.since) query = query.where('created_at', '>=', filters.since);
  if (filters.until) query = query.where('created_at', '<', filters.until);
  if (filters.after) {
    const { created_at, id } = filters.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', created_at), eb.and([eb('created_at', '=', created_at), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

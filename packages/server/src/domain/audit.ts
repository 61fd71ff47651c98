// Security events: who did what to whom, from where, and which fields changed (never a secret).
import type { Database } from '../db/connect.js';
import type { Db } from '../db/schema.js';
import { insertAuditEvent, listAuditRows } from '../db/repos/audit.js';
import { newId } from '../lib/ids.js';
import { nowIso, toStoredTime } from '../lib/time.js';
import { fail } from './errors.js';
import { LIMITS } from './limits.js';
import { decodeCursor, pageOf } from './cursor.js';
import { authorize, type Actor, type Origin } from './policies.js';

export const AUDIT_TYPES = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.logout',
  'auth.sso.succeeded',
  'auth.sso.failed',
  'user.created',
  'user.updated',
  'user.disabled',
  'user.deleted',
  'user.role_changed',
  'user.password_changed',
  'user.unlocked',
  'api_key.created',
  'api_key.rotated',
  'api_key.revoked',
  'workspace.created',
  'workspace.deleted',
  'membership.added',
  'membership.removed',
  'users.migrated',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

export interface AuditEvent {
  type: AuditType;
  target_type?: 'user' | 'workspace' | 'api_key';
  target_id?: string | null;
  data?: Record<string, unknown>;
}

/** Keys that must never reach the log, whatever a caller passes in `data`. */
const SECRET_KEYS = /password|secret|token|api_key$|apikey|hash/i;

function scrub(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !SECRET_KEYS.test(key)));
}

/** Appends one event, inside the caller's transaction when it has one. `actor` null: anonymous. */
export async function recordEvent(db: Db, actor: Actor | null, event: AuditEvent, origin: Origin = {}): Promise<void> {
  await insertAuditEvent(db, {
    id: newId(),
    type: event.type,
    actor_id: actor?.kind === 'user' ? actor.id : null,
    actor_username: actor?.kind === 'user' ? actor.username : actor?.kind === 'system' ? 'system' : null,
    target_type: event.target_type ?? null,
    target_id: event.target_id ?? null,
    ip: actor?.ip ?? origin.ip ?? null,
    request_id: actor?.requestId ?? origin.requestId ?? null,
    client_request_id: actor?.clientRequestId ?? origin.clientRequestId ?? null,
    data: JSON.stringify(scrub(event.data ?? {})),
    created_at: nowIso(),
  });
}

export interface AuditItem {
  id: string;
  type: string;
  actor_id: string | null;
  actor_username: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  request_id: string | null;
  client_request_id: string | null;
  data: Record<string, unknown>;
  created_at: string;
}

export interface AuditQuery {
  actor?: string;
  target?: string;
  type?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

function checkTime(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = toStoredTime(value);
  if (time === null) throw fail.validation([{ field, message: 'must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z' }]);
  return time;
}

/** Events newest first, a page at a time; `next_cursor` is null on the last page. */
export async function listAuditEvents(
  database: Database,
  actor: Actor,
  query: AuditQuery,
): Promise<{ items: AuditItem[]; next_cursor: string | null }> {
  const since = checkTime('since', query.since);
  const until = checkTime('until', query.until);
  const position = query.cursor ? decodeCursor(query.cursor) : undefined;
  const after = position && { created_at: position.time, id: position.id };
  authorize(actor, 'audit.read', 'read the audit log');
  const limit = Math.min(query.limit ?? LIMITS.audit_page_default, LIMITS.page_size_max);
  const rows = await listAuditRows(database.db, { ...query, since, until, after }, limit + 1);
  const { page, next_cursor } = pageOf(rows, limit, (row) => ({ time: row.created_at, id: row.id }));
  return { items: page.map((row) => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown> })), next_cursor };
}

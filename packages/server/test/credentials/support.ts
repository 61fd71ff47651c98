// Helpers for the credentials suites: several app instances over one database (as two server
// processes sharing it would be), and small readers of the audit log and the login-failure table.
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/db/connect.js';
import { createDefaultUser } from '../../src/domain/defaultUser.js';
import { freshDatabase, type TestBackend } from '../helpers/databases.js';
import { call, serveDatabase, startTestServer, type Reply, type ServerOptions, type TestServer } from '../helpers/http.js';

/** A server over a fresh database holding the default admin (argilla / 1234 / argilla.apikey). */
export function startServer(backend: TestBackend, options: ServerOptions = {}): Promise<TestServer> {
  return startTestServer(backend, options);
}

/**
 * `count` app instances over ONE fresh database, each with its own database handle (its own
 * connection pool and read cache), as separate server processes would have.
 */
export async function startServers(backend: TestBackend, count: number, options: ServerOptions = {}): Promise<TestServer[]> {
  const first = await freshDatabase(backend);
  await createDefaultUser(first);
  const servers = [await serveDatabase(first, options, true)];
  for (let i = 1; i < count; i++) {
    const handle = await openDatabase(first.target);
    servers.push(await serveDatabase(Object.assign(handle, { url: first.url, home: first.home, target: first.target }), options, true));
  }
  return servers;
}

/** POST /api/security/token with the OAuth2 password form. */
export function login(server: TestServer, username: string, password: string, headers: Record<string, string> = {}): Promise<Reply> {
  return call(server, 'POST', '/api/security/token', {
    body: new URLSearchParams({ username, password }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
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
  data: Record<string, any>;
  created_at: string;
}

/** GET /api/audit-events as the default admin; fails unless 200. */
export async function auditPage(server: TestServer, query: Record<string, string> = {}): Promise<{ items: AuditItem[]; next_cursor: string | null; raw: string }> {
  const qs = new URLSearchParams(query).toString();
  const response = await fetch(`${server.url}/api/audit-events${qs ? `?${qs}` : ''}`, { headers: { 'x-argilla-api-key': server.adminKey } });
  const raw = await response.text();
  assert.equal(response.status, 200, raw);
  const body = JSON.parse(raw);
  return { ...body, raw };
}

/** Every event with this request id (there is one request id per HTTP request). */
export async function eventsOfRequest(server: TestServer, requestId: string): Promise<AuditItem[]> {
  const { items } = await auditPage(server, { limit: '1000' });
  return items.filter((e) => e.request_id === requestId);
}

/** Moves every login failure (optionally of one username) `ms` into the past. */
export async function ageFailures(server: TestServer, ms: number, username?: string): Promise<void> {
  const rows = await server.database.db
    .selectFrom('login_failures')
    .select(['id', 'created_at'])
    .$if(username !== undefined, (q) => q.where('username', '=', username!))
    .execute();
  for (const row of rows) {
    const moved = new Date(Date.parse(row.created_at) - ms).toISOString().replace('Z', '000+00:00');
    await server.database.db.updateTable('login_failures').set({ created_at: moved }).where('id', '=', row.id).execute();
  }
}

export async function failureCount(server: TestServer, username?: string): Promise<number> {
  const row = await server.database.db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll().as('n'))
    .$if(username !== undefined, (q) => q.where('username', '=', username!))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fails unless `reply` is the throttling problem with a Retry-After within min..max seconds; returns it. */
export function assertThrottled(reply: Reply, min: number, max: number): number {
  assert.equal(reply.status, 429, JSON.stringify(reply.body));
  assert.equal(reply.body.code, 'login_throttled', JSON.stringify(reply.body));
  const header = reply.headers.get('retry-after');
  assert.ok(header !== null, 'no Retry-After header');
  assert.match(header, /^\d+$/, `Retry-After ${header} is not a number of seconds`);
  const seconds = Number(header);
  assert.ok(seconds >= min && seconds <= max, `Retry-After ${seconds} not within ${min}..${max}`);
  assert.equal(reply.body.params.retry_after, seconds, 'params.retry_after matches the header');
  return seconds;
}

/** Rows of a table, counted (to check that a refused request stored nothing). */
export async function rowCount(server: TestServer, table: 'login_failures' | 'audit_events'): Promise<number> {
  const row = await server.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// Shared assertions for the HTTP suites: the problem-details shape, the user object shape, and
// small readers of the database used to check that rejected requests wrote nothing.
import { ERROR_CODES, type ErrorCode } from '../../src/domain/errors.js';
import { isRole, permissionsOf } from '../../src/domain/policies.js';
import assert from 'node:assert/strict';
import { call, type Reply, type TestServer } from '../helpers/http.js';

/** A time as the server stores and sends it: UTC, six fraction digits, `+00:00` (never Z). */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** a well-formed UUID that names nothing */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const USER_FIELDS = new Set([
  'id',
  'first_name',
  'last_name',
  'full_name',
  'username',
  'email',
  'role',
  'disabled',
  'workspaces',
  'api_key',
  'inserted_at',
  'updated_at',
  // GET /api/me for admins only: whether the default credentials still work (checked below).
  'default_credentials_in_use',
  // GET /api/me only: the caller's permissions, from the role table (checked below).
  'permissions',
]);
const REQUIRED_USER_FIELDS = ['id', 'first_name', 'full_name', 'username', 'role', 'disabled', 'workspaces', 'api_key', 'inserted_at', 'updated_at'];

let unique = 0;
/** a valid, unused-looking name for a user or workspace */
export function uniqueName(prefix = 'n'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++unique}`;
}

/** Fails unless `reply` is an RFC 9457 problem with this status (and code, when given). */
export function assertProblem(reply: Reply, status: number, code?: string): any {
  const context = `${reply.status} ${JSON.stringify(reply.body)}`;
  assert.equal(reply.status, status, context);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/, context);
  const body = reply.body;
  assert.equal(typeof body, 'object', context);
  assert.ok(body !== null, context);
  assert.equal(typeof body.type, 'string', context);
  assert.ok(body.type.length > 0, context);
  assert.equal(typeof body.title, 'string', context);
  assert.ok(body.title.length > 0, context);
  assert.equal(body.status, status, context);
  assert.equal(typeof body.detail, 'string', context);
  assert.ok(body.detail.length > 0, context);
  assert.equal(typeof body.code, 'string', context);
  // Every code comes from the closed catalogue, always with the catalogue's status.
  assert.match(body.code, /^[a-z][a-z0-9_]*$/, context);
  assert.ok(Object.hasOwn(ERROR_CODES, body.code), `code not in the catalogue: ${context}`);
  assert.equal(ERROR_CODES[body.code as ErrorCode], status, context);
  assert.equal(body.type, `urn:argilla:problem:${body.code}`, context);
  assert.equal(typeof body.params, 'object', context);
  assert.ok(body.params !== null && !Array.isArray(body.params), context);
  assert.equal(typeof body.request_id, 'string', context);
  assert.ok(body.request_id.length > 0, context);
  assert.equal(reply.headers.get('x-request-id'), body.request_id, context);
  if (status === 422) {
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `422 without errors: ${context}`);
    for (const error of body.errors) {
      assert.equal(typeof error.pointer, 'string', context);
      assert.ok(error.pointer.startsWith('/'), `pointer ${error.pointer} is not a JSON pointer`);
      assert.equal(typeof error.message, 'string', context);
      assert.ok(error.message.length > 0, context);
    }
  }
  if (code !== undefined) assert.equal(body.code, code, context);
  return body;
}

/** Fails unless the 422 problem names a broken rule at a pointer ending with `/field`. */
export function assertPointsAt(reply: Reply, field: string): void {
  const pointers: string[] = (reply.body?.errors ?? []).map((e: { pointer: string }) => e.pointer);
  assert.ok(
    pointers.some((p) => p === `/${field}` || p.endsWith(`/${field}`)),
    `expected an error at /${field}, got ${JSON.stringify(pointers)}`,
  );
}

/** No stored secret (hash, digest) may leave the server. */
export function assertNoSecrets(value: unknown): void {
  const text = JSON.stringify(value);
  assert.ok(!/password/i.test(text), `a password field left the server: ${text}`);
  assert.ok(!/digest/i.test(text), `a digest left the server: ${text}`);
  assert.ok(!text.includes('$argon2'), `an argon2 hash left the server: ${text}`);
  assert.ok(!/\$2[aby]\$/.test(text), `a bcrypt hash left the server: ${text}`);
}

/** Fails unless `body` is a user object of the HTTP API, with the values given in `expected`. */
export function assertUser(body: any, expected: Record<string, unknown> = {}): void {
  const context = JSON.stringify(body);
  assert.equal(typeof body, 'object', context);
  for (const key of Object.keys(body)) assert.ok(USER_FIELDS.has(key), `unexpected field ${key} in ${context}`);
  if ('permissions' in body) assert.deepEqual(body.permissions, [...permissionsOf(body.role)], context);
  if ('default_credentials_in_use' in body) {
    assert.equal(typeof body.default_credentials_in_use, 'boolean', context);
    assert.equal(body.role, 'admin', `only admins are told about the default credentials: ${context}`);
  }
  for (const key of REQUIRED_USER_FIELDS) assert.ok(key in body, `missing field ${key} in ${context}`);
  assert.match(body.id, UUID);
  assert.equal(typeof body.first_name, 'string');
  assert.ok(body.first_name.length > 0);
  if ('last_name' in body) {
    assert.equal(typeof body.last_name, 'string', context);
    assert.ok(body.last_name.length > 0, `last_name present but empty: ${context}`);
  }
  if ('email' in body) assert.equal(typeof body.email, 'string', context);
  const fullName = body.last_name ? `${body.first_name} ${body.last_name}` : body.first_name;
  assert.equal(body.full_name, fullName, context);
  assert.ok(!body.full_name.includes('None'), context);
  assert.equal(typeof body.username, 'string');
  assert.ok(isRole(body.role), context);
  assert.equal(typeof body.disabled, 'boolean', context);
  assert.ok(Array.isArray(body.workspaces), context);
  for (const w of body.workspaces) assert.equal(typeof w, 'string', context);
  assert.equal(typeof body.api_key, 'string', context);
  assert.match(body.inserted_at, ISO_UTC);
  assert.match(body.updated_at, ISO_UTC);
  assert.ok(!Number.isNaN(Date.parse(body.inserted_at)));
  assert.ok(Date.parse(body.updated_at) >= Date.parse(body.inserted_at), context);
  assertNoSecrets(body);
  for (const [key, value] of Object.entries(expected)) {
    if (value === undefined) assert.ok(!(key in body), `${key} should be omitted: ${context}`);
    else assert.deepEqual(body[key], value, `${key} of ${context}`);
  }
}

/** Fails unless `apiKey` is a masked preview of a key, and not `fullKey` (when given). */
export function assertMaskedKey(apiKey: unknown, fullKey?: string): void {
  assert.equal(typeof apiKey, 'string', `api_key ${String(apiKey)}`);
  const preview = apiKey as string;
  assert.ok(preview.includes('…'), `api_key ${preview} is not a masked preview`);
  if (fullKey !== undefined) {
    assert.notEqual(preview, fullKey);
    assert.ok(!preview.includes(fullKey), `preview ${preview} reveals the key`);
    // the visible characters are a strict part of the key
    const [head, tail] = preview.split('…');
    assert.ok(fullKey.startsWith(head!), `preview ${preview} does not match the key's start`);
    assert.ok(fullKey.endsWith(tail!), `preview ${preview} does not match the key's end`);
    assert.ok(head!.length + tail!.length < fullKey.length - 8, `preview ${preview} shows too much of the key`);
  }
}

/** Fails unless `body` is a workspace object: exactly id, name, inserted_at, updated_at. */
export function assertWorkspace(body: any, name?: string): void {
  assert.deepEqual(Object.keys(body).sort(), ['id', 'inserted_at', 'name', 'updated_at'], JSON.stringify(body));
  assert.match(body.id, UUID);
  assert.equal(typeof body.name, 'string');
  assert.match(body.inserted_at, ISO_UTC);
  assert.match(body.updated_at, ISO_UTC);
  if (name !== undefined) assert.equal(body.name, name);
}

export async function countRows(server: TestServer, table: 'users' | 'workspaces' | 'memberships' | 'api_keys' | 'login_sessions'): Promise<number> {
  const row = await server.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function userExists(server: TestServer, username: string): Promise<boolean> {
  const row = await server.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  return row !== undefined;
}

export async function workspaceExists(server: TestServer, name: string): Promise<boolean> {
  const row = await server.database.db.selectFrom('workspaces').select('id').where('name', '=', name).executeTakeFirst();
  return row !== undefined;
}

/** POST /api/security/token with the OAuth2 password form. */
export function loginForm(server: TestServer, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
  return call(server, 'POST', '/api/security/token', {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** A workspace created through the API by the default admin; returns its object. */
export async function createWorkspace(server: TestServer, name = uniqueName('ws')): Promise<{ id: string; name: string }> {
  const reply = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name } });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}

/** The id of a workspace by name, read from the database. */
export async function workspaceId(server: TestServer, name: string): Promise<string> {
  const row = await server.database.db.selectFrom('workspaces').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return row.id;
}

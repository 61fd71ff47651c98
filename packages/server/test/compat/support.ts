// Shared pieces of the compatibility suites: how Argilla's Python clients talk to the server
// (which headers they send, that they never follow a redirect), a replay of a client's request
// sequence step by step, and the checks each client generation makes on what it parses.
import assert from 'node:assert/strict';
import { createDefaultUser } from '../../src/domain/defaultUser.js';
import type { Role } from '../../src/domain/policies.js';
import { freshDatabase, type TestBackend } from '../helpers/databases.js';
import { call, serveDatabase, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem, UUID } from '../http/support.js';

export { assertProblem, UUID };
export { UNKNOWN_ID, uniqueName } from '../http/support.js';

/** A time exactly as the server sends it: UTC, six fraction digits, `+00:00`. */
export const SERVER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

/**
 * What Python 3.9's `datetime.fromisoformat` accepts (the 2.0–2.5 SDK parses times with it): a
 * date, one separator, hours with optional minutes, seconds and a 3- or 6-digit fraction, and an
 * optional `±HH:MM` offset. A trailing `Z` or any other fraction length is refused.
 */
export const PY39_FROMISOFORMAT = /^\d{4}-\d{2}-\d{2}.\d{2}(:\d{2}(:\d{2}(\.(\d{3}|\d{6}))?)?)?([+-]\d{2}:\d{2}(:\d{2}(\.\d{6})?)?)?$/;

/** The roles every client generation knows; anything else fails their enum. */
export const CLIENT_ROLES = ['owner', 'admin', 'annotator'];

/** Workspace names the 2.x SDK's model validator accepts. */
export const SDK_WORKSPACE_NAME = /^[a-zA-Z0-9_-]+$/;

/** How a client identifies itself on every request. */
export interface Client {
  /** sent as X-Argilla-Api-Key */
  key?: string;
  /** sent as Authorization: Bearer */
  bearer?: string;
  /** sent as X-Argilla-Workspace (the 1.x client after choosing a workspace) */
  workspace?: string;
  headers?: Record<string, string>;
}

/**
 * One request as the Python clients send it: JSON in and out, and redirects never followed
 * (httpx does not follow them, so a 3xx would be an error for the client, not a detour).
 */
export function send(server: Pick<TestServer, 'url'>, client: Client, method: string, path: string, json?: unknown): Promise<Reply> {
  const headers: Record<string, string> = { ...client.headers };
  if (client.workspace !== undefined) headers['x-argilla-workspace'] = client.workspace;
  return call(server, method, path, { key: client.key, bearer: client.bearer, headers, json, redirect: 'manual' });
}

/** Bodies of earlier steps of a replay, by the name they were saved under. */
export type Saved = Record<string, any>;

/** One request of a client's sequence and what the client needs from the answer. */
export interface Step {
  /** what the client is doing, in words (shown when the step fails) */
  why: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  json?: unknown;
  /** the exact status the client needs (or, for a failure, the one it maps to its exception) */
  status: number;
  /** for an error status: the problem code */
  code?: string;
  /** the client's parse of the body; throws (an assertion) where the client would crash */
  parse?: (body: any, saved: Saved) => void;
  /** keep the body under this name for later steps and for the caller */
  save?: string;
}

/** Sends the steps in order, as one client would, checking each answer; returns the saved bodies. */
export async function replay(server: Pick<TestServer, 'url'>, client: Client, steps: Step[]): Promise<Saved> {
  const saved: Saved = {};
  for (const [index, step] of steps.entries()) {
    const reply = await send(server, client, step.method, step.path, step.json);
    const context = `step ${index + 1} (${step.why}): ${step.method} ${step.path} → ${reply.status} ${JSON.stringify(reply.body)}`;
    assert.ok(reply.status < 300 || reply.status >= 400, `a redirect, which the client does not follow: ${context}`);
    if (step.status >= 400) {
      assertProblem(reply, step.status, step.code);
      // Both client generations read `detail` as text (the 1.x one as its message).
      assert.equal(typeof reply.body.detail, 'string', context);
    } else {
      assert.equal(reply.status, step.status, context);
      assert.match(reply.headers.get('content-type') ?? '', /^application\/json/, context);
    }
    try {
      step.parse?.(reply.body, saved);
    } catch (error) {
      (error as Error).message = `${context}\n${(error as Error).message}`;
      throw error;
    }
    if (step.save !== undefined) saved[step.save] = reply.body;
  }
  return saved;
}

export function assertTime(value: unknown, context: string): void {
  assert.equal(typeof value, 'string', context);
  assert.match(value as string, SERVER_TIME, context);
  assert.match(value as string, PY39_FROMISOFORMAT, context);
  assert.ok(!Number.isNaN(Date.parse(value as string)), context);
}

/** The workspace object every client generation parses: id (UUID), name and both times. */
export function assertWorkspaceModel(body: any, name?: string): void {
  const context = JSON.stringify(body);
  assert.equal(typeof body, 'object', context);
  assert.ok(body !== null && !Array.isArray(body), context);
  assert.match(body.id, UUID, context);
  assert.equal(typeof body.name, 'string', context);
  assert.match(body.name, SDK_WORKSPACE_NAME, context);
  assertTime(body.inserted_at, context);
  assertTime(body.updated_at, context);
  if (name !== undefined) assert.equal(body.name, name, context);
}

/** `{"items": [...]}`, as every /api/v1 list answers; returns the items. */
export function items(body: any): any[] {
  const context = JSON.stringify(body);
  assert.equal(typeof body, 'object', context);
  assert.ok(body !== null && !Array.isArray(body), `not an {items} envelope: ${context}`);
  assert.ok(Array.isArray(body.items), `not an {items} envelope: ${context}`);
  return body.items;
}

/** A plain JSON array, as every list outside /api/v1 answers. */
export function array(body: any): any[] {
  assert.ok(Array.isArray(body), `not a plain array: ${JSON.stringify(body)}`);
  return body;
}

/** The user object of the /api/v1 routes: what the 2.x SDK reads, plus the key it ignores. */
export function assertV1User(body: any, expected: Record<string, unknown> = {}): void {
  const context = JSON.stringify(body);
  assert.equal(typeof body, 'object', context);
  assert.ok(body !== null && !Array.isArray(body), context);
  assert.match(body.id, UUID, context);
  assert.equal(typeof body.username, 'string', context);
  assert.ok(body.username.length > 0, context);
  // The 2.0–2.5 SDK crashes on a null first name.
  assert.equal(typeof body.first_name, 'string', context);
  assert.ok('last_name' in body, `last_name must be present (null or text): ${context}`);
  assert.ok(body.last_name === null || typeof body.last_name === 'string', context);
  assert.ok(CLIENT_ROLES.includes(body.role), context);
  assert.equal(typeof body.api_key, 'string', context);
  assertTime(body.inserted_at, context);
  assertTime(body.updated_at, context);
  assert.ok(!/password|digest|\$argon2/i.test(context), `a secret left the server: ${context}`);
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(body[key], value, `${key} of ${context}`);
}

/**
 * A server over a fresh database whose default user `argilla` (key `argilla.apikey`) has the
 * given role, as ARGILLA_DEFAULT_USER_ROLE sets it.
 */
export async function startServerWithDefaultRole(backend: TestBackend, role: Role): Promise<TestServer> {
  const database = await freshDatabase(backend);
  const outcome = await createDefaultUser(database, { role });
  assert.equal(outcome.created, true);
  return serveDatabase(database);
}

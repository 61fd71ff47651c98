// Shared pieces of the client suites: a real server per suite, clients for its users, and
// assertions on the typed errors.
import assert from 'node:assert/strict';
import { Argilla, ApiError, type ArgillaOptions } from '@argilla-ts/client';
import { makeUser, startTestServer, type Made, type TestBackend, type TestServer } from '@argilla-ts/server/testkit';

export { makeUser, startTestServer, type Made, type TestServer };
export { backends } from '@argilla-ts/server/testkit';

/** a well-formed UUID that names nothing */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let unique = 0;
/** a valid, unused name for a user or workspace */
export function uniqueName(prefix = 'n'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++unique}`;
}

/** A client of the test server; the default admin's key unless told otherwise. */
export function clientOf(server: TestServer, options: ArgillaOptions = {}): Argilla {
  return new Argilla({ apiUrl: server.url, apiKey: server.adminKey, retryDelayMs: 10, ...options });
}

/** An annotator (or admin) with its own client. */
export async function userWithClient(
  server: TestServer,
  options: Parameters<typeof makeUser>[1] = {},
): Promise<{ made: Made; client: Argilla }> {
  const made = await makeUser(server, options);
  return { made, client: clientOf(server, { apiKey: made.apiKey }) };
}

/**
 * Awaits `promise`, expecting it to reject with an ApiError of class `type`, with this status and
 * (when given) code, carrying a complete problem body. Returns the error.
 */
export async function rejectsWith<E extends ApiError>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  status: number,
  code?: string,
): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected a ${type.name}, but the call succeeded`);
  assert.ok(caught instanceof type, `expected a ${type.name}, got ${String(caught)}`);
  const error = caught as E;
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, status);
  assert.equal(error.problem.status, status);
  assert.equal(error.name, type.name);
  if (code !== undefined) assert.equal(error.code, code);
  assert.equal(error.code, error.problem.code);
  assert.equal(typeof error.detail, 'string');
  assert.ok(error.detail.length > 0);
  assert.equal(error.detail, error.problem.detail);
  assert.deepEqual(error.params, error.problem.params);
  assert.equal(typeof error.requestId, 'string');
  assert.ok(error.requestId.length > 0, 'the problem carries a request id');
  assert.equal(error.request_id, error.requestId);
  assert.ok(error.message.includes(error.detail));
  return error;
}

export type { TestBackend };

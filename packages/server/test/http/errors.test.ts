// Errors as RFC 9457 problems, request ids, unknown routes, and bad input of every
// kind: never a 500, never a write.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { toProblem } from '../../src/http/problems.js';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type Reply, type TestServer } from '../helpers/http.js';
import {
  assertPointsAt,
  assertProblem,
  assertUser,
  countRows,
  createWorkspace,
  loginForm,
  UNKNOWN_ID,
  UUID,
  uniqueName,
  userExists,
  workspaceExists,
} from './support.js';

const GOOD = { first_name: 'Valid', password: 'a-good-password' };

describe('database errors no use case foresaw, as problems', () => {
  const request = { id: 'req-1' } as unknown as FastifyRequest;
  const as = (code: string) => toProblem(Object.assign(new Error(`database error ${code}`), { code }), request);

  it('a foreign key or unique rule broken by a request at the same moment is 409 concurrent_change, on both databases', () => {
    for (const code of ['23503', '23505', 'SQLITE_CONSTRAINT_FOREIGNKEY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']) {
      const body = as(code);
      assert.equal(body.status, 409, code);
      assert.equal(body.code, 'concurrent_change', code);
      assert.match(body.detail, /try again/);
      assert.equal(body.request_id, 'req-1');
    }
  });

  it('a deadlock or serialization failure on PostgreSQL is 503 database_busy; anything else stays 500', () => {
    for (const code of ['40001', '40P01']) assert.deepEqual([as(code).status, as(code).code], [503, 'database_busy'], code);
    for (const code of ['42P01', 'SQLITE_ERROR', 'EWHATEVER']) assert.deepEqual([as(code).status, as(code).code], [500, 'internal_error'], code);
  });
});

for (const backend of backends()) {
  describe(`HTTP problems and request ids (${backend.name})`, () => {
    let server: TestServer;
    let annotator: Made;
    before(async () => {
      server = await startTestServer(backend);
      annotator = await makeUser(server);
    });
    after(() => server.close());

    it('a lone UTF-16 surrogate in a body (value or key) is 422 at its place; a surrogate pair (emoji) is stored as sent', async () => {
      const me = annotator.id;
      const cases: Array<[string, string, string]> = [
        ['POST', '/api/me/api-keys', '{"name": "key \\ud800"}'],
        ['POST', `/api/users/${me}/api-keys`, '{"name": "\\udfff\\ud800"}'],
        ['PATCH', `/api/users/${me}`, '{"first_name": "a\\udc00b"}'],
        ['POST', '/api/workspaces', '{"name": "w", "\\ud83d": 1}'],
      ];
      for (const [method, path, body] of cases) {
        const reply = await call(server, method, path, { key: server.adminKey, body, headers: { 'content-type': 'application/json' } });
        assertProblem(reply, 422);
        assert.match(JSON.stringify(reply.body.errors), /lone UTF-16 surrogate/, `${method} ${path} ${body}`);
      }
      assertPointsAt(await call(server, 'PATCH', `/api/users/${me}`, { key: server.adminKey, body: '{"first_name": "a\\udc00b"}', headers: { 'content-type': 'application/json' } }), 'first_name');
      const emoji = 'Ana 🙂 ✓';
      const saved = await call(server, 'PATCH', `/api/users/${me}`, { key: server.adminKey, json: { first_name: emoji } });
      assert.equal(saved.status, 200);
      assert.equal((await server.database.db.selectFrom('users').select('first_name').where('id', '=', me).executeTakeFirstOrThrow()).first_name, emoji);
    });

    it('every error status comes as application/problem+json with the RFC 9457 fields', async () => {
      const existing = await createWorkspace(server);
      const cases: Array<[Promise<Reply>, number]> = [
        [call(server, 'POST', '/api/security/logout', { key: server.adminKey }), 400],
        [call(server, 'GET', '/api/users'), 401],
        [call(server, 'GET', '/api/users', { key: annotator.apiKey }), 403],
        [call(server, 'GET', `/api/users/${UNKNOWN_ID}`, { key: server.adminKey }), 404],
        [call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: existing.name } }), 409],
        [call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: 'Bad Name' } }), 422],
      ];
      for (const [promise, status] of cases) {
        const body = assertProblem(await promise, status);
        assert.ok(body.detail.length > 10, `detail "${body.detail}" is not a sentence`);
      }
    });

    it('a 422 lists each broken rule with a JSON pointer and a message', async () => {
      const reply = await call(server, 'POST', '/api/users', {
        key: server.adminKey,
        json: { first_name: '  ', username: 'Bad Name', password: 'short', role: 'boss' },
      });
      const body = assertProblem(reply, 422);
      for (const field of ['first_name', 'username', 'password', 'role']) assertPointsAt(reply, field);
      assert.ok(body.errors.length >= 4);
      assert.equal(body.code, 'validation_error');
    });

    it('401 bodies never name the user, and are the same for a wrong key and no key', async () => {
      const user = await makeUser(server, { username: uniqueName('secretive') });
      const login = await loginForm(server, { username: user.username, password: 'wrong-password' });
      const noKey = await call(server, 'GET', '/api/me');
      const wrongKey = await call(server, 'GET', '/api/me', { key: `${user.apiKey}x` });
      for (const reply of [login, noKey, wrongKey]) {
        assertProblem(reply, 401);
        assert.ok(!JSON.stringify(reply.body).includes(user.username));
        assert.ok(!JSON.stringify(reply.body).includes(user.apiKey));
      }
      const { request_id: a, ...restNoKey } = noKey.body;
      const { request_id: b, ...restWrongKey } = wrongKey.body;
      assert.notEqual(a, b);
      assert.deepEqual(restNoKey, restWrongKey);
    });

    it('x-request-id: every response has one, unique per request, equal to the problem request_id', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const ok = await call(server, 'GET', '/api/me', { key: server.adminKey });
        const problem = await call(server, 'GET', '/api/me');
        const okId = ok.headers.get('x-request-id');
        assert.ok(okId, 'a success has no x-request-id');
        assertProblem(problem, 401);
        ids.add(okId);
        ids.add(problem.body.request_id);
      }
      assert.equal(ids.size, 10);
    });

    it("x-request-id: the server's own UUID, whatever the client sent (its id is kept apart, see request-id.test.ts)", async () => {
      const given = await call(server, 'GET', `/api/users/${UNKNOWN_ID}`, { key: server.adminKey, headers: { 'x-request-id': 'trace-abc_123.4' } });
      assert.match(assertProblem(given, 404).request_id, UUID);
      const ok = await call(server, 'GET', '/api/me', { key: server.adminKey, headers: { 'x-request-id': 'trace-ok-1' } });
      assert.match(ok.headers.get('x-request-id') ?? '', UUID);
      for (const bad of ['has spaces', 'x'.repeat(200), 'new\\line', '<script>']) {
        const reply = await call(server, 'GET', '/api/nope', { headers: { 'x-request-id': bad } });
        const body = assertProblem(reply, 404);
        assert.match(body.request_id, UUID);
      }
    });

    it('unknown paths under /api are 404 problems with or without credentials, never HTML', async () => {
      const paths: Array<[string, string]> = [
        ['GET', '/api/nope'],
        ['GET', '/api'],
        ['GET', '/api/'],
        ['POST', '/api/nope'],
        ['PUT', '/api/users'],
        ['GET', `/api/users/${UNKNOWN_ID}/extra`],
        ['DELETE', '/api/users'],
        ['GET', '/api/workspaces/x/y/z/w'],
        ['GET', '/api/docsx'],
        ['GET', '/api/docs/static/no-such-file.js'],
        ['GET', '/api/me/'],
      ];
      for (const [method, path] of paths) {
        for (const credentials of [{}, { key: server.adminKey }, { key: 'argilla_wrong-key-for-404-test' }, { key: annotator.apiKey }]) {
          const reply = await call(server, method, path, credentials);
          const body = assertProblem(reply, 404);
          assert.ok(!(reply.headers.get('content-type') ?? '').includes('html'), `${method} ${path} answered HTML`);
          assert.ok(typeof reply.body === 'object', `${method} ${path}: not JSON`);
          assert.equal(body.code, 'route_not_found', `${method} ${path}`);
        }
      }
    });

    it('a malformed percent-encoding in a path is a problem, not a bare framework error', async () => {
      const reply = await call(server, 'GET', '/api/users/%zz', { key: server.adminKey });
      assert.ok(reply.status === 400 || reply.status === 422, `status ${reply.status}`);
      assertProblem(reply, reply.status);
    });

    it('an overlong path parameter is a problem, not a bare framework error', async () => {
      const reply = await call(server, 'GET', `/api/users/${'a'.repeat(300)}`, { key: server.adminKey });
      assert.ok([404, 414, 422].includes(reply.status), `status ${reply.status}`);
      assertProblem(reply, reply.status);
    });
  });

  describe(`HTTP bad input is refused without writing (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    /** Sends a create that must be refused with `status`; checks that no user or workspace appeared. */
    async function refusedCreate(
      options: { json?: unknown; body?: string; headers?: Record<string, string> },
      status: number,
      pointer?: string,
    ): Promise<any> {
      const users = await countRows(server, 'users');
      const workspaces = await countRows(server, 'workspaces');
      const memberships = await countRows(server, 'memberships');
      const reply = await call(server, 'POST', '/api/users', { key: server.adminKey, ...options });
      const body = assertProblem(reply, status);
      if (pointer) assertPointsAt(reply, pointer);
      assert.equal(await countRows(server, 'users'), users, 'a refused create wrote a user');
      assert.equal(await countRows(server, 'workspaces'), workspaces, 'a refused create wrote a workspace');
      assert.equal(await countRows(server, 'memberships'), memberships, 'a refused create wrote a membership');
      return body;
    }

    it('malformed JSON is 422', async () => {
      for (const text of ['{', '{"first_name": "A",}', "{'first_name': 'A'}", 'not json', '{"a":1}{"b":2}', '\u0000']) {
        await refusedCreate({ body: text, headers: { 'content-type': 'application/json' } }, 422);
      }
    });

    it('an empty body, or JSON that is not an object, is 422', async () => {
      await refusedCreate({ body: '', headers: { 'content-type': 'application/json' } }, 422);
      await refusedCreate({}, 422);
      for (const json of [null, [], ['a'], 'text', 42, true]) await refusedCreate({ json }, 422);
    });

    it('prototype-poisoning JSON is refused, never a 500', async () => {
      const username = uniqueName('proto');
      const text = `{"first_name":"A","username":"${username}","password":"a-good-password","__proto__":{"role":"admin"}}`;
      const reply = await call(server, 'POST', '/api/users', { key: server.adminKey, body: text, headers: { 'content-type': 'application/json' } });
      assert.ok(reply.status < 500, `status ${reply.status}`);
      if (reply.status === 200) assert.equal(reply.body.role, 'annotator');
      else assertProblem(reply, reply.status);
    });

    it('a wrong content type is 415', async () => {
      const json = JSON.stringify({ ...GOOD, username: uniqueName('ct') });
      await refusedCreate({ body: '<user/>', headers: { 'content-type': 'application/xml' } }, 415);
      await refusedCreate({ body: 'x', headers: { 'content-type': 'multipart/form-data; boundary=x' } }, 415);
      await refusedCreate({ body: json, headers: { 'content-type': 'text/plain' } }, 415);
    });

    it('a form-encoded body is 415 on the JSON routes (only the login takes a form)', async () => {
      const username = uniqueName('form');
      await refusedCreate(
        { body: new URLSearchParams({ ...GOOD, username }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        415,
      );
      const name = uniqueName('formws');
      const reply = await call(server, 'POST', '/api/workspaces', {
        key: server.adminKey,
        body: `name=${name}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assertProblem(reply, 415);
      assert.equal(await workspaceExists(server, name), false);
    });

    it('a body over 1 MiB is 413; one just under the limit is read', async () => {
      const username = uniqueName('big');
      await refusedCreate({ json: { ...GOOD, username, padding: 'x'.repeat(1024 * 1024) } }, 413);
      assert.equal(await userExists(server, username), false);
      const name = uniqueName('nearly');
      const reply = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name, padding: 'x'.repeat(1000 * 1000) } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body).slice(0, 300));
    });

    it('a bad UUID in a path is 422 on every route that takes one', async () => {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server);
      const before = [await countRows(server, 'users'), await countRows(server, 'workspaces'), await countRows(server, 'memberships')];
      for (const bad of ['not-a-uuid', '123', `${UNKNOWN_ID}0`, UNKNOWN_ID.replace(/-/g, ''), "1' or '1'='1"]) {
        const id = encodeURIComponent(bad);
        const requests: Array<[string, string, unknown?]> = [
          ['GET', `/api/users/${id}`],
          ['PATCH', `/api/users/${id}`, { first_name: 'X' }],
          ['DELETE', `/api/users/${id}`],
          ['GET', `/api/workspaces/${id}`],
          ['DELETE', `/api/workspaces/${id}`],
          ['GET', `/api/workspaces/${id}/users`],
          ['POST', `/api/workspaces/${id}/users/${user.id}`],
          ['DELETE', `/api/workspaces/${id}/users/${user.id}`],
          ['POST', `/api/workspaces/${workspace.id}/users/${id}`],
          ['DELETE', `/api/workspaces/${workspace.id}/users/${id}`],
        ];
        for (const [method, path, json] of requests) {
          const reply = await call(server, method, path, { key: server.adminKey, json });
          const body = assertProblem(reply, 422);
          assert.ok(
            body.errors.some((e: { pointer: string }) => /id$/.test(e.pointer)),
            `${method} ${path}: no error points at the id: ${JSON.stringify(body.errors)}`,
          );
        }
      }
      assert.deepEqual([await countRows(server, 'users'), await countRows(server, 'workspaces'), await countRows(server, 'memberships')], before);
    });

    it('wrong JSON types are 422, not coerced', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...GOOD, username: uniqueName('t'), first_name: 123 }, 'first_name'],
        [{ ...GOOD, username: uniqueName('t'), first_name: true }, 'first_name'],
        [{ ...GOOD, username: uniqueName('t'), first_name: null }, 'first_name'],
        [{ ...GOOD, username: uniqueName('t'), last_name: 5 }, 'last_name'],
        [{ ...GOOD, username: 12345 }, 'username'],
        [{ ...GOOD, username: uniqueName('t'), password: 12345678 }, 'password'],
        [{ ...GOOD, username: uniqueName('t'), role: 1 }, 'role'],
        [{ ...GOOD, username: uniqueName('t'), workspaces: 'one' }, 'workspaces'],
        [{ ...GOOD, username: uniqueName('t'), workspaces: [1] }, 'workspaces/0'],
        [{ ...GOOD, username: uniqueName('t'), email: 42 }, 'email'],
        [{ ...GOOD, username: [uniqueName('t')] }, 'username'],
      ];
      for (const [json, pointer] of cases) await refusedCreate({ json }, 422, pointer);
      const user = await makeUser(server);
      for (const json of [{ disabled: 'yes' }, { disabled: 'true' }, { disabled: 0 }, { first_name: 123 }, { role: ['admin'] }]) {
        assertProblem(await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json }), 422);
      }
      const read = await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey });
      assertUser(read.body, { disabled: false, role: 'annotator', first_name: 'Test' });
      assertProblem(await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: 7 } }), 422);
    });

    it('missing required fields are 422 at their pointer', async () => {
      for (const field of ['first_name', 'username', 'password']) {
        const json: Record<string, unknown> = { ...GOOD, username: uniqueName('m') };
        delete json[field];
        await refusedCreate({ json }, 422, field);
      }
    });

    it('unknown fields are ignored (200) and not echoed', async () => {
      const username = uniqueName('extra');
      const reply = await call(server, 'POST', '/api/users', {
        key: server.adminKey,
        json: { ...GOOD, username, id: UNKNOWN_ID, inserted_at: '2000-01-01T00:00:00.000Z', is_superuser: true, nested: { deep: [1, 2, 3] } },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertUser(reply.body, { username });
      assert.notEqual(reply.body.id, UNKNOWN_ID);
      assert.notEqual(reply.body.inserted_at, '2000-01-01T00:00:00.000Z');
      assert.ok(!('is_superuser' in reply.body) && !('nested' in reply.body));
      const patched = await call(server, 'PATCH', `/api/users/${reply.body.id}`, { key: server.adminKey, json: { username: 'renamed', colour: 'blue' } });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.username, username);
      const workspace = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: uniqueName('x'), id: UNKNOWN_ID } });
      assert.equal(workspace.status, 200);
      assert.notEqual(workspace.body.id, UNKNOWN_ID);
    });

    it('POST /api/users ignores an api_key field (the API generates keys; it is no key-existence oracle)', async () => {
      const username = uniqueName('chosen');
      const reply = await call(server, 'POST', '/api/users', { key: server.adminKey, json: { ...GOOD, username, api_key: 'chosen-key-12345' } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.notEqual(reply.body.api_key, 'chosen-key-12345');
      assert.match(reply.body.api_key, /^argilla_/);
      assertProblem(await call(server, 'GET', '/api/me', { key: 'chosen-key-12345' }), 401);
      // naming an existing key must not tell whether it exists
      const probe = await call(server, 'POST', '/api/users', { key: server.adminKey, json: { ...GOOD, username: uniqueName('probe'), api_key: server.adminKey } });
      assert.equal(probe.status, 200, JSON.stringify(probe.body));
    });

    it('POST /api/users ignores a password_hash field (the password rules cannot be bypassed)', async () => {
      const username = uniqueName('hash');
      const reply = await call(server, 'POST', '/api/users', {
        key: server.adminKey,
        json: { ...GOOD, username, password_hash: '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS' },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal((await loginForm(server, { username, password: GOOD.password })).status, 200, 'the password given does not work');
      assertProblem(await loginForm(server, { username, password: '1234' }), 401);
    });

    it('POST /api/users ignores a disabled field (not part of the create body)', async () => {
      const reply = await call(server, 'POST', '/api/users', { key: server.adminKey, json: { ...GOOD, username: uniqueName('dis'), disabled: true } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.disabled, false);
    });

    it('usernames follow the name rule (a trailing newline too)', async () => {
      for (const username of ['user name', 'user/name', 'user.name', 'UserName', '_', '-', '-abc', '_abc', '', 'ann\n', 'ann\r\n', '\nann', ' ann', 'ann ', 'ünïcode', 'a\u0000b', 'tab\tname']) {
        await refusedCreate({ json: { ...GOOD, username } }, 422, 'username');
      }
      for (const username of ['a', '0', 'a-b_c', 'x1-', '9_'].map((u) => `${u}`)) {
        const reply = await call(server, 'POST', '/api/users', { key: server.adminKey, json: { ...GOOD, username } });
        assert.equal(reply.status, 200, `${username}: ${JSON.stringify(reply.body)}`);
        assert.equal(reply.body.username, username);
      }
    });

    it('first_name must not be blank; last_name, when given, neither', async () => {
      for (const first_name of ['', ' ', '\t\n ']) await refusedCreate({ json: { ...GOOD, username: uniqueName('f'), first_name } }, 422, 'first_name');
      for (const last_name of ['', '   ']) await refusedCreate({ json: { ...GOOD, username: uniqueName('l'), last_name } }, 422, 'last_name');
    });

    it('passwords are 8 to 100 characters', async () => {
      for (const password of ['', 'x'.repeat(7), 'x'.repeat(101), 'é'.repeat(101)]) {
        await refusedCreate({ json: { ...GOOD, username: uniqueName('p'), password } }, 422, 'password');
      }
      for (const password of ['x'.repeat(8), 'y'.repeat(100), 'é'.repeat(100)]) {
        const username = uniqueName('p');
        const reply = await call(server, 'POST', '/api/users', { key: server.adminKey, json: { ...GOOD, username, password } });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        assert.equal((await loginForm(server, { username, password })).status, 200);
      }
    });

    it("role is exactly 'owner', 'admin' or 'annotator'", async () => {
      for (const role of ['boss', 'Admin', 'ADMIN', 'annotator ', '', 'Owner', 'superuser']) {
        await refusedCreate({ json: { ...GOOD, username: uniqueName('r'), role } }, 422, 'role');
      }
    });

    it('an invalid workspace name in a create is 422 and creates none of the workspaces', async () => {
      const good = uniqueName('good');
      await refusedCreate({ json: { ...GOOD, username: uniqueName('w'), workspaces: [good, 'Bad Name'] } }, 422);
      assert.equal(await workspaceExists(server, good), false);
    });

    it('none of the refused requests above made the server fail (no 500 logged)', async () => {
      const failures = server.logLines.filter((line) => /"status":5\d\d/.test(line) || /"level":50/.test(line));
      assert.deepEqual(failures, []);
    });
  });
}

// What a failed login leaves behind. A username no user can have (longer than any valid name) is
// refused without a trace; a username that does not exist is recorded as a keyed digest (people
// type their password into the username field), never as typed; an existing one is kept as is.
// Empty fields are a 422 like missing ones.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LIMITS } from '../../src/domain/limits.js';
import { backends } from '../helpers/databases.js';
import { call, makeUser, type Reply, type TestServer } from '../helpers/http.js';
import { assertPointsAt, assertProblem } from '../http/support.js';
import { assertThrottled, auditPage, login, rowCount, startServer, startServers } from './support.js';

const DIGEST = /^hmac-sha256:[0-9a-f]{64}$/;

function jsonLogin(server: TestServer, body: Record<string, unknown>): Promise<Reply> {
  return call(server, 'POST', '/api/security/token', { json: body });
}

/** The failed-login digest stored for an unknown name on this server (logs in once with it). */
async function digestOf(server: TestServer, name: string): Promise<string> {
  await server.database.db.deleteFrom('login_failures').execute();
  assertProblem(await login(server, name, 'any-password-1'), 401);
  const rows = await server.database.db.selectFrom('login_failures').select('username').execute();
  assert.equal(rows.length, 1);
  return rows[0]!.username;
}

for (const backend of backends()) {
  describe(`failed logins store no typed secret (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());
    beforeEach(async () => {
      await server.database.db.deleteFrom('login_failures').execute();
    });

    it('a username longer than any valid one (129 characters, 200 KB of random text) is a 401 like any failed login, storing nothing', async () => {
      const normal = await login(server, 'argilla', 'not-the-password');
      const expected = assertProblem(normal, 401, 'unauthorized');
      await server.database.db.deleteFrom('login_failures').execute();
      const failures = await rowCount(server, 'login_failures');
      const events = await rowCount(server, 'audit_events');
      const names = ['a'.repeat(LIMITS.name_max_length + 1), randomBytes(3000).toString('base64url').slice(0, 3000), randomBytes(150_000).toString('base64url')];
      for (const name of names) {
        for (const reply of [await login(server, name, 'whatever-1'), await jsonLogin(server, { username: name, password: 'whatever-1' })]) {
          const body = assertProblem(reply, 401, 'unauthorized');
          assert.equal(body.detail, expected.detail, 'the same message as any failed login');
        }
      }
      assert.equal(await rowCount(server, 'login_failures'), failures, 'no login failure stored');
      assert.equal(await rowCount(server, 'audit_events'), events, 'no audit event stored');
      // a name of exactly the longest length is an ordinary (unknown) name: recorded as a failure
      assertProblem(await login(server, 'b'.repeat(LIMITS.name_max_length), 'whatever-1'), 401, 'unauthorized');
      assert.equal(await rowCount(server, 'login_failures'), failures + 1);
    });

    it('an unknown username is stored as a keyed digest, never as typed, in login_failures and the audit log; the same name gives the same digest', async () => {
      const typed = 'correct horse battery staple';
      const first = await login(server, typed, 'guess-one-1');
      const second = await login(server, typed, 'guess-two-2');
      assertProblem(first, 401, 'unauthorized');
      assertProblem(second, 401, 'unauthorized');
      const rows = await server.database.db.selectFrom('login_failures').selectAll().execute();
      assert.equal(rows.length, 2);
      assert.ok(!JSON.stringify(rows).includes(typed), JSON.stringify(rows));
      assert.match(rows[0]!.username, DIGEST);
      assert.equal(rows[1]!.username, rows[0]!.username, 'two attempts on one name share a digest');
      const raw = await server.database.db.selectFrom('audit_events').selectAll().where('type', '=', 'auth.login.failed').execute();
      assert.ok(!JSON.stringify(raw).includes(typed), 'not in the raw audit rows');
      for (const id of [first, second].map((r) => r.headers.get('x-request-id'))) {
        const event = raw.find((e) => e.request_id === id);
        assert.ok(event, 'one failure event per attempt');
        assert.deepEqual(JSON.parse(event.data), { username_digest: rows[0]!.username });
        assert.equal(event.target_id, null);
      }
      const page = await auditPage(server, { type: 'auth.login.failed', limit: '1000' });
      assert.ok(!page.raw.includes(typed), 'not in GET /api/audit-events');
      // the digest still groups the attempts: 10 on one unknown name lock it
      for (let i = 2; i < 10; i++) assertProblem(await login(server, typed, `guess-${i}`), 401);
      assertThrottled(await login(server, typed, 'guess-again'), 55, 60);
    });

    it('an existing username is recorded as it is, in login_failures and the audit log', async () => {
      const user = await makeUser(server);
      const reply = await login(server, user.username, 'wrong-password-1');
      assertProblem(reply, 401, 'unauthorized');
      const rows = await server.database.db.selectFrom('login_failures').select('username').execute();
      assert.deepEqual(rows, [{ username: user.username }]);
      const event = await server.database.db.selectFrom('audit_events').selectAll().where('request_id', '=', reply.headers.get('x-request-id')).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(event.data), { username: user.username });
      assert.equal(event.target_id, user.id);
    });

    it('an empty username or password is 422 validation_error naming the field, form-encoded or JSON, storing nothing', async () => {
      const failures = await rowCount(server, 'login_failures');
      const events = await rowCount(server, 'audit_events');
      const cases: Array<[Record<string, string>, string[]]> = [
        [{ username: '', password: 'some-password' }, ['username']],
        [{ username: 'argilla', password: '' }, ['password']],
        [{ username: '', password: '' }, ['username', 'password']],
      ];
      for (const [fields, named] of cases) {
        for (const reply of [await login(server, fields.username!, fields.password!), await jsonLogin(server, fields)]) {
          const body = assertProblem(reply, 422, 'validation_error');
          assert.deepEqual(
            body.errors.map((e: { pointer: string }) => e.pointer),
            named.map((field) => `/${field}`),
          );
          for (const field of named) assertPointsAt(reply, field);
        }
      }
      assert.equal(await rowCount(server, 'login_failures'), failures);
      assert.equal(await rowCount(server, 'audit_events'), events);
    });
  });

  describe(`the digest key belongs to the installation (${backend.name})`, () => {
    it('two installations give one unknown name different digests; two server processes sharing a database give the same', async () => {
      const [a, b] = await startServers(backend, 2);
      const other = await startServer(backend);
      try {
        const name = 'correct horse battery staple';
        const onA = await digestOf(a!, name);
        const onB = await digestOf(b!, name);
        const elsewhere = await digestOf(other, name);
        assert.match(onA, DIGEST);
        assert.equal(onB, onA, 'every process of one installation uses the same key');
        assert.match(elsewhere, DIGEST);
        assert.notEqual(elsewhere, onA, 'another installation has its own key');
      } finally {
        await a!.close();
        await b!.close();
        await other.close();
      }
    });
  });
}

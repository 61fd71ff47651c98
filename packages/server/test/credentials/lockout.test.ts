// Lockout per username AND client address: failed logins from one address lock a username from
// that address only, so nobody can lock anybody out from everywhere by guessing wrong; a much
// higher limit per username across all addresses caps distributed guessing. An admin (API) or the
// operator (CLI) unlocks a user: its failures from every address are forgotten, with an audit event.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { THROTTLE } from '../../src/domain/throttle.js';
import { backends } from '../helpers/databases.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { call, makeUser, type TestServer } from '../helpers/http.js';
import { assertProblem, UNKNOWN_ID } from '../http/support.js';
import { assertThrottled, auditPage, failureCount, login, startServer } from './support.js';

const from = (address: string) => ({ 'x-forwarded-for': address });

async function failFrom(server: TestServer, username: string, times: number, address: string): Promise<void> {
  for (let i = 0; i < times; i++) assertProblem(await login(server, username, `wrong-password-${i}`, from(address)), 401, 'unauthorized');
}

for (const backend of backends()) {
  describe(`lockout per username and client address (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      // The test's requests come from 127.0.0.1, standing for a trusted proxy naming the clients.
      server = await startServer(backend, { trustedProxies: ['127.0.0.1'] });
    });
    after(() => server.close());
    beforeEach(async () => {
      await server.database.db.deleteFrom('login_failures').execute();
    });

    it('the limits live in THROTTLE: 10 per username and address, 100 per username, 50 per address, within 15 minutes', () => {
      assert.equal(THROTTLE.perUsernameFromAddress, 10);
      assert.equal(THROTTLE.perUsername, 100);
      assert.equal(THROTTLE.perAddress, 50);
      assert.equal(THROTTLE.windowMs, 15 * 60_000);
    });

    it('10 failures from address A lock the username from A (429, Retry-After), while the right password from B logs in', async () => {
      const user = await makeUser(server);
      await failFrom(server, user.username, 10, '203.0.113.10');
      assertThrottled(await login(server, user.username, user.password, from('203.0.113.10')), 55, 60);
      const elsewhere = await login(server, user.username, user.password, from('198.51.100.20'));
      assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
      // the success from B does not lift A's lock
      assertThrottled(await login(server, user.username, user.password, from('203.0.113.10')), 55, 60);
      assert.equal(await failureCount(server, user.username), 10);
    });

    it('each failure from A after its lock doubles the lock for A only', async () => {
      const user = await makeUser(server);
      await failFrom(server, user.username, 10, '203.0.113.11');
      // the lock passes; one more failure from A: 2 minutes for A
      const rows = await server.database.db.selectFrom('login_failures').select(['id', 'created_at']).where('username', '=', user.username).execute();
      for (const row of rows) {
        const moved = new Date(Date.parse(row.created_at) - 61_000).toISOString().replace('Z', '000+00:00');
        await server.database.db.updateTable('login_failures').set({ created_at: moved }).where('id', '=', row.id).execute();
      }
      assertProblem(await login(server, user.username, 'wrong-11', from('203.0.113.11')), 401);
      assertThrottled(await login(server, user.username, user.password, from('203.0.113.11')), 115, 120);
      assert.equal((await login(server, user.username, user.password, from('203.0.113.12'))).status, 200);
    });

    it('100 failures across many addresses lock the username from everywhere; other users are not affected', async () => {
      const user = await makeUser(server);
      const other = await makeUser(server);
      // 100 addresses, one failure each: no address reaches its own limits
      for (let i = 0; i < THROTTLE.perUsername; i++) {
        assertProblem(await login(server, user.username, `spread-guess-${i}`, from(`10.20.${i >> 8}.${i & 255}`)), 401);
      }
      assert.equal(await failureCount(server, user.username), 100);
      assertThrottled(await login(server, user.username, user.password, from('192.0.2.200')), 55, 60);
      assertThrottled(await login(server, user.username, user.password, from('10.20.0.1')), 55, 60);
      assert.equal((await login(server, other.username, other.password, from('192.0.2.200'))).status, 200);
      // API keys are never throttled
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200);
    });

    it('POST /api/users/{id}/unlock (admin): 200 with the number of failures cleared, from every address; writes user.unlocked', async () => {
      const user = await makeUser(server);
      const bystander = await makeUser(server);
      await failFrom(server, user.username, 10, '203.0.113.30');
      await failFrom(server, user.username, 10, '203.0.113.31');
      await failFrom(server, bystander.username, 3, '203.0.113.30');
      assertThrottled(await login(server, user.username, user.password, from('203.0.113.30')), 55, 60);

      const reply = await call(server, 'POST', `/api/users/${user.id}/unlock`, { key: server.adminKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body, { id: user.id, username: user.username, cleared_failures: 20 });
      assert.equal(await failureCount(server, user.username), 0);
      assert.equal(await failureCount(server, bystander.username), 3, "another user's failures stay");
      assert.equal((await login(server, user.username, user.password, from('203.0.113.30'))).status, 200);
      assert.equal((await login(server, user.username, user.password, from('203.0.113.31'))).status, 200);

      const { items } = await auditPage(server, { type: 'user.unlocked', target: user.id });
      assert.equal(items.length, 1, JSON.stringify(items));
      const event = items[0]!;
      assert.equal(event.actor_username, 'argilla');
      assert.equal(event.target_type, 'user');
      assert.equal(event.request_id, reply.headers.get('x-request-id'));
      assert.deepEqual(event.data, { username: user.username, cleared_failures: 20 });
    });

    it('unlocking a user with no failures is a 200 that cleared 0 (and is still recorded)', async () => {
      const user = await makeUser(server);
      const reply = await call(server, 'POST', `/api/users/${user.id}/unlock`, { key: server.adminKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body, { id: user.id, username: user.username, cleared_failures: 0 });
      assert.equal((await auditPage(server, { type: 'user.unlocked', target: user.id })).items.length, 1);
    });

    it('the unlock route: an annotator gets 403, an unknown id 404 user_not_found, a malformed id 422, no credentials 401; nothing cleared', async () => {
      const user = await makeUser(server);
      const annotator = await makeUser(server);
      await failFrom(server, user.username, 10, '203.0.113.40');
      assertProblem(await call(server, 'POST', `/api/users/${user.id}/unlock`, { key: annotator.apiKey }), 403, 'forbidden');
      const missing = assertProblem(await call(server, 'POST', `/api/users/${UNKNOWN_ID}/unlock`, { key: server.adminKey }), 404, 'user_not_found');
      assert.equal(missing.params.name, UNKNOWN_ID);
      assertProblem(await call(server, 'POST', '/api/users/not-a-uuid/unlock', { key: server.adminKey }), 422, 'validation_error');
      assertProblem(await call(server, 'POST', `/api/users/${user.id}/unlock`), 401, 'unauthorized');
      assert.equal(await failureCount(server, user.username), 10);
      assertThrottled(await login(server, user.username, user.password, from('203.0.113.40')), 55, 60);
      assert.equal((await auditPage(server, { type: 'user.unlocked', target: user.id })).items.length, 0);
    });

    it('`argilla users unlock <username>` clears the failures from every address and writes user.unlocked by the system', async () => {
      const user = await makeUser(server);
      await failFrom(server, user.username, 10, '203.0.113.50');
      await failFrom(server, user.username, 4, '203.0.113.51');
      assertThrottled(await login(server, user.username, user.password, from('203.0.113.50')), 55, 60);
      const env = cliEnv(server.database.url, server.database.home);
      const result = await runCli(['users', 'unlock', user.username], env);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), `User '${user.username}' unlocked: 14 failed logins cleared.`);
      assert.equal(await failureCount(server, user.username), 0);
      assert.equal((await login(server, user.username, user.password, from('203.0.113.50'))).status, 200);
      const { items } = await auditPage(server, { type: 'user.unlocked', target: user.id });
      assert.equal(items.length, 1);
      assert.equal(items[0]!.actor_username, 'system');
      assert.deepEqual(items[0]!.data, { username: user.username, cleared_failures: 14 });
      // an unknown username: one error line, exit 1
      const unknown = await runCli(['users', 'unlock', 'nobody-by-that-name'], env);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr.trim(), "Error: User 'nobody-by-that-name' does not exist.");
    });

    it('the unlock route is in the OpenAPI document', async () => {
      const reply = await call(server, 'GET', '/api/openapi.json');
      assert.equal(reply.status, 200);
      const operation = reply.body.paths['/api/users/{id}/unlock']?.post;
      assert.ok(operation, Object.keys(reply.body.paths).join(', '));
      assert.ok(operation.responses['200'] && operation.responses['403'] && operation.responses['404']);
      assert.ok(reply.body.components.schemas.AuditEventType.enum.includes('user.unlocked'));
    });
  });
}

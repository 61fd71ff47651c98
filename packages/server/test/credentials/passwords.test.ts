// Passwords over their lifetime: PATCH /api/me/password, an admin's reset
// through PATCH /api/users/{id}, and the login sessions that end with them (and with a disable, a
// role change or a delete).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, loginToken, makeUser, type TestServer } from '../helpers/http.js';
import { assertPointsAt, assertProblem, assertUser } from '../http/support.js';
import { login, startServer } from './support.js';

async function sessionsOf(server: TestServer, userId: string): Promise<number> {
  const row = await server.database.db
    .selectFrom('login_sessions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const backend of backends()) {
  describe(`password change and reset (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it('PATCH /api/me/password with the right current password: 200 the user; the new password logs in, the old does not', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const reply = await call(server, 'PATCH', '/api/me/password', {
        bearer: token,
        json: { current_password: user.password, new_password: 'brand-new-pass-1' },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertUser(reply.body, { id: user.id, username: user.username });
      assert.equal((await login(server, user.username, 'brand-new-pass-1')).status, 200);
      assertProblem(await login(server, user.username, user.password), 401);
    });

    it('ends every login session of the user (the token used included), while its API key keeps working', async () => {
      const user = await makeUser(server);
      const other = await makeUser(server);
      const tokens = [
        await loginToken(server, user.username, user.password),
        await loginToken(server, user.username, user.password),
        await loginToken(server, user.username, user.password),
      ];
      const bystander = await loginToken(server, other.username, other.password);
      for (const token of tokens) assert.equal((await call(server, 'GET', '/api/me', { bearer: token })).status, 200);
      assert.equal(await sessionsOf(server, user.id), 3);

      const reply = await call(server, 'PATCH', '/api/me/password', {
        bearer: tokens[0],
        json: { current_password: user.password, new_password: 'another-pass-22' },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      for (const token of tokens) assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401, 'unauthorized');
      assert.equal(await sessionsOf(server, user.id), 0);
      const me = await call(server, 'GET', '/api/me', { key: user.apiKey });
      assert.equal(me.status, 200);
      assert.equal(me.body.username, user.username);
      // another user's session is untouched
      assert.equal((await call(server, 'GET', '/api/me', { bearer: bystander })).status, 200);
    });

    it('works when the caller authenticates with its API key, and the new password then logs in', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const reply = await call(server, 'PATCH', '/api/me/password', {
        key: user.apiKey,
        json: { current_password: user.password, new_password: 'via-the-key-333' },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401);
      assert.equal((await login(server, user.username, 'via-the-key-333')).status, 200);
    });

    it('a wrong current password is 422 pointing at /current_password, and changes nothing', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const reply = await call(server, 'PATCH', '/api/me/password', {
        bearer: token,
        json: { current_password: 'not-my-password', new_password: 'whatever-pass-1' },
      });
      assertProblem(reply, 422);
      assertPointsAt(reply, 'current_password');
      assert.equal((await call(server, 'GET', '/api/me', { bearer: token })).status, 200, 'the session survives');
      assert.equal((await login(server, user.username, user.password)).status, 200);
      assertProblem(await login(server, user.username, 'whatever-pass-1'), 401);
    });

    it('a new password shorter than 8 characters (or longer than 100) is 422 at /new_password, and changes nothing', async () => {
      const user = await makeUser(server);
      for (const bad of ['short', '1234567', 'x'.repeat(101)]) {
        const reply = await call(server, 'PATCH', '/api/me/password', {
          key: user.apiKey,
          json: { current_password: user.password, new_password: bad },
        });
        assertProblem(reply, 422);
        assertPointsAt(reply, 'new_password');
      }
      assert.equal((await login(server, user.username, user.password)).status, 200);
    });

    it('missing or mistyped fields are 422', async () => {
      const user = await makeUser(server);
      for (const body of [{}, { current_password: user.password }, { new_password: 'long-enough-1' }, { current_password: 1234, new_password: 'long-enough-1' }]) {
        assertProblem(await call(server, 'PATCH', '/api/me/password', { key: user.apiKey, json: body }), 422);
      }
      assert.equal((await login(server, user.username, user.password)).status, 200);
    });

    it('without credentials (or with a wrong key) it is 401, even with a bad body', async () => {
      assertProblem(await call(server, 'PATCH', '/api/me/password', { json: { current_password: '1234', new_password: 'new-password-1' } }), 401);
      assertProblem(await call(server, 'PATCH', '/api/me/password', { json: { nonsense: true } }), 401);
      assertProblem(
        await call(server, 'PATCH', '/api/me/password', { key: 'argilla_not-a-key-at-all-000000', json: { current_password: '1234', new_password: 'new-password-1' } }),
        401,
      );
      // the default admin's password did not change
      assert.equal((await login(server, 'argilla', '1234')).status, 200);
    });

    it("an admin's reset (PATCH /api/users/{id} with password) ends the target's sessions; the new password works", async () => {
      const user = await makeUser(server);
      const tokens = [await loginToken(server, user.username, user.password), await loginToken(server, user.username, user.password)];
      const adminToken = await loginToken(server, 'argilla', '1234');
      const reply = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { password: 'reset-by-admin-1' } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertUser(reply.body, { id: user.id });
      for (const token of tokens) assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401);
      assert.equal(await sessionsOf(server, user.id), 0);
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200, 'its API key keeps working');
      assert.equal((await call(server, 'GET', '/api/me', { bearer: adminToken })).status, 200, "the admin's own session is untouched");
      assertProblem(await login(server, user.username, user.password), 401);
      assert.equal((await login(server, user.username, 'reset-by-admin-1')).status, 200);
    });

    it('an admin reset with a too-short password is 422 and ends nothing', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const reply = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { password: 'short' } });
      assertProblem(reply, 422);
      assertPointsAt(reply, 'password');
      assert.equal((await call(server, 'GET', '/api/me', { bearer: token })).status, 200);
    });

    it('an annotator cannot reset another user\'s password (403)', async () => {
      const annotator = await makeUser(server);
      const victim = await makeUser(server);
      assertProblem(await call(server, 'PATCH', `/api/users/${victim.id}`, { key: annotator.apiKey, json: { password: 'hijacked-pass-1' } }), 403);
      assert.equal((await login(server, victim.username, victim.password)).status, 200);
    });

    it('a role change, a disable and a delete each end the user\'s sessions; a name change does not', async () => {
      const renamed = await makeUser(server);
      const renamedToken = await loginToken(server, renamed.username, renamed.password);
      assert.equal((await call(server, 'PATCH', `/api/users/${renamed.id}`, { key: server.adminKey, json: { first_name: 'Renamed' } })).status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: renamedToken })).status, 200);

      const promoted = await makeUser(server);
      const promotedToken = await loginToken(server, promoted.username, promoted.password);
      assert.equal((await call(server, 'PATCH', `/api/users/${promoted.id}`, { key: server.adminKey, json: { role: 'admin' } })).status, 200);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: promotedToken }), 401);

      const disabled = await makeUser(server);
      const disabledToken = await loginToken(server, disabled.username, disabled.password);
      assert.equal((await call(server, 'PATCH', `/api/users/${disabled.id}`, { key: server.adminKey, json: { disabled: true } })).status, 200);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: disabledToken }), 401);
      assert.equal(await sessionsOf(server, disabled.id), 0);

      const deleted = await makeUser(server);
      const deletedToken = await loginToken(server, deleted.username, deleted.password);
      assert.equal((await call(server, 'DELETE', `/api/users/${deleted.id}`, { key: server.adminKey })).status, 200);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: deletedToken }), 401);
      assert.equal(await sessionsOf(server, deleted.id), 0);
    });
  });
}

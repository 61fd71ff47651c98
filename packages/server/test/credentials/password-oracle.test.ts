// PATCH /api/me/password checks the current password: with a stolen API key it would be a way to
// guess the account's password without the login throttle. Wrong current passwords count as failed
// logins of the user from the caller's address (same limits, same table), and once locked the
// change is refused with 429 before the password is even checked.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, type Made, type TestServer } from '../helpers/http.js';
import { assertPointsAt, assertProblem } from '../http/support.js';
import { ageFailures, assertThrottled, failureCount, login, startServer } from './support.js';

function changePassword(server: TestServer, user: Made, current: string, next = 'a-new-password-1') {
  return call(server, 'PATCH', '/api/me/password', { key: user.apiKey, json: { current_password: current, new_password: next } });
}

for (const backend of backends()) {
  describe(`password change throttled like a login (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());
    beforeEach(async () => {
      await server.database.db.deleteFrom('login_failures').execute();
    });

    it('10 wrong current passwords, then the 11th is 429 with Retry-After even with the right one; the password is unchanged', async () => {
      const user = await makeUser(server);
      for (let i = 0; i < 10; i++) {
        const reply = await changePassword(server, user, `not-my-password-${i}`);
        assertProblem(reply, 422, 'validation_error');
        assertPointsAt(reply, 'current_password');
      }
      assertThrottled(await changePassword(server, user, user.password), 55, 60);
      assertThrottled(await changePassword(server, user, 'still-wrong-pw'), 55, 60);
      // the failures are login failures of that user from the caller's address
      const rows = await server.database.db.selectFrom('login_failures').select(['username', 'ip', 'pending']).execute();
      assert.equal(rows.length, 10);
      for (const row of rows) assert.deepEqual(row, { username: user.username, ip: '127.0.0.1', pending: 0 });
      // so the lock stops a normal login from that address too
      assertThrottled(await login(server, user.username, user.password), 55, 60);
      // once the lock has passed, the old password still logs in: nothing was changed
      await ageFailures(server, 61_000, user.username);
      assert.equal((await login(server, user.username, user.password)).status, 200);
    });

    it('failed logins lock the password change as well (no oracle while the login is locked)', async () => {
      const user = await makeUser(server);
      for (let i = 0; i < 10; i++) assertProblem(await login(server, user.username, `wrong-login-${i}`), 401);
      assertThrottled(await changePassword(server, user, user.password), 55, 60);
      assert.equal(await failureCount(server, user.username), 10, 'the refused change is not a failure');
    });

    it('a right current password clears the failures from that address, like a successful login', async () => {
      const user = await makeUser(server);
      for (let i = 0; i < 5; i++) assertProblem(await changePassword(server, user, `wrong-${i}`), 422);
      assert.equal(await failureCount(server, user.username), 5);
      const reply = await changePassword(server, user, user.password, 'changed-password-9');
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(await failureCount(server, user.username), 0);
      assert.equal((await login(server, user.username, 'changed-password-9')).status, 200);
    });

    it('a burst of concurrent wrong current passwords: exactly 10 are checked (422), the others 429', async () => {
      const user = await makeUser(server);
      const replies = await Promise.all(Array.from({ length: 14 }, (_, i) => changePassword(server, user, `burst-guess-${i}`)));
      const statuses = replies.map((r) => r.status).sort();
      assert.deepEqual(statuses, [...Array(10).fill(422), ...Array(4).fill(429)], JSON.stringify(replies.map((r) => r.body)));
      assert.equal(await failureCount(server, user.username), 10);
    });
  });
}

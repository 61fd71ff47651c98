// Authentication over HTTP: API keys, bearer credentials, login tokens, logout, disabled users,
// session ending on sensitive changes, expiry, revocation and bcrypt re-hashing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { backends } from '../helpers/databases.js';
import { call, loginToken, makeUser, startTestServer, type TestServer } from '../helpers/http.js';
import { assertMaskedKey, assertProblem, assertUser, loginForm } from './support.js';

const BCRYPT_OF_1234 = '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS';

/** A GET with header names spelled exactly as given (fetch would lowercase them). */
function rawGet(server: TestServer, path: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const url = new URL(server.url + path);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end();
  });
}

function withoutRequestId(body: any) {
  const { request_id: _ignored, ...rest } = body;
  return rest;
}

for (const backend of backends()) {
  describe(`HTTP authentication (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it('accepts the X-Argilla-Api-Key header and /api/me echoes the key used', async () => {
      const user = await makeUser(server);
      const reply = await call(server, 'GET', '/api/me', { key: user.apiKey });
      assert.equal(reply.status, 200);
      assertUser(reply.body, { id: user.id, username: user.username, api_key: user.apiKey });
    });

    it('treats header names case-insensitively', async () => {
      const user = await makeUser(server);
      const upper = await rawGet(server, '/api/me', { 'X-ARGILLA-API-KEY': user.apiKey });
      assert.equal(upper.status, 200);
      assert.equal(upper.body.username, user.username);
      const mixed = await rawGet(server, '/api/me', { 'x-Argilla-api-KEY': user.apiKey });
      assert.equal(mixed.status, 200);
      const token = await loginToken(server, user.username, user.password);
      const auth = await rawGet(server, '/api/me', { AUTHORIZATION: `Bearer ${token}` });
      assert.equal(auth.status, 200);
      assert.equal(auth.body.username, user.username);
      const wrong = await rawGet(server, '/api/me', { 'X-ARGILLA-API-KEY': 'argilla_not-a-real-key-0000000000' });
      assert.equal(wrong.status, 401);
    });

    it('accepts an API key as a bearer credential, and /api/me then echoes it too', async () => {
      const user = await makeUser(server);
      const reply = await call(server, 'GET', '/api/me', { bearer: user.apiKey });
      assert.equal(reply.status, 200);
      assertUser(reply.body, { username: user.username, api_key: user.apiKey });
      const lower = await call(server, 'GET', '/api/me', { headers: { authorization: `bearer ${user.apiKey}` } });
      assert.equal(lower.status, 200);
      assert.equal(lower.body.username, user.username);
    });

    it('lets a present API key header decide alone: a wrong key is 401 even with a valid bearer token', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: token })).status, 200);
      assertProblem(await call(server, 'GET', '/api/me', { key: 'argilla_wrong-key-aaaaaaaaaaaaaaaa', bearer: token }), 401, 'unauthorized');
      assertProblem(await call(server, 'GET', '/api/me', { key: 'argilla_wrong-key-aaaaaaaaaaaaaaaa', bearer: user.apiKey }), 401);
      // and a valid key wins over a wrong bearer
      const other = await makeUser(server);
      const reply = await call(server, 'GET', '/api/me', { key: other.apiKey, bearer: 'not-a-token' });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.username, other.username);
    });

    it('falls back to the bearer credential when the API key header is empty', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const reply = await call(server, 'GET', '/api/me', { key: '', bearer: token });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.username, user.username);
    });

    it('answers 401 without credentials, with a malformed Authorization header, or an unknown bearer', async () => {
      assertProblem(await call(server, 'GET', '/api/me'), 401, 'unauthorized');
      assertProblem(await call(server, 'GET', '/api/me', { headers: { authorization: 'Basic YXJnaWxsYToxMjM0' } }), 401);
      assertProblem(await call(server, 'GET', '/api/me', { headers: { authorization: 'Bearer' } }), 401);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: 'x'.repeat(43) }), 401);
    });

    it('logs in with the OAuth2 password form and the token works as a bearer credential', async () => {
      const user = await makeUser(server);
      const reply = await loginForm(server, { username: user.username, password: user.password });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(Object.keys(reply.body).sort(), ['access_token', 'token_type']);
      assert.equal(reply.body.token_type, 'bearer');
      assert.equal(typeof reply.body.access_token, 'string');
      assert.ok(reply.body.access_token.length >= 32);
      assert.notEqual(reply.body.access_token, user.apiKey);
      const me = await call(server, 'GET', '/api/me', { bearer: reply.body.access_token });
      assert.equal(me.status, 200);
      // authenticated by token, /api/me shows the key's masked preview, never the key
      assertUser(me.body, { id: user.id, username: user.username });
      assertMaskedKey(me.body.api_key, user.apiKey);
    });

    it('accepts grant_type=password and extra OAuth2 form fields', async () => {
      const user = await makeUser(server);
      const reply = await loginForm(server, { grant_type: 'password', username: user.username, password: user.password, scope: '', client_id: '' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.token_type, 'bearer');
      assert.equal((await call(server, 'GET', '/api/me', { bearer: reply.body.access_token })).status, 200);
    });

    it('gives every login its own token', async () => {
      const user = await makeUser(server);
      const a = await loginToken(server, user.username, user.password);
      const b = await loginToken(server, user.username, user.password);
      assert.notEqual(a, b);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: a })).status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: b })).status, 200);
    });

    it('answers a wrong password and an unknown user alike (401, same body apart from request_id)', async () => {
      const user = await makeUser(server);
      const wrong = await loginForm(server, { username: user.username, password: 'not-the-password' });
      const unknown = await loginForm(server, { username: 'nobody-at-all', password: 'not-the-password' });
      assertProblem(wrong, 401);
      assertProblem(unknown, 401);
      assert.deepEqual(withoutRequestId(wrong.body), withoutRequestId(unknown.body));
      assert.notEqual(wrong.body.request_id, unknown.body.request_id);
      assert.ok(!JSON.stringify(wrong.body).includes(user.username), 'a 401 body names the user');
      assert.ok(!JSON.stringify(unknown.body).includes('nobody-at-all'), 'a 401 body names the user');
    });

    it('verifies the password exactly as typed (case, and bytes past 72)', async () => {
      const user = await makeUser(server);
      assertProblem(await loginForm(server, { username: user.username, password: user.password.toUpperCase() }), 401);
      assertProblem(await loginForm(server, { username: user.username, password: `${user.password} ` }), 401);
      const long = 'a'.repeat(80) + '-tail-one';
      const patched = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { password: long } });
      assert.equal(patched.status, 200);
      assert.equal((await loginForm(server, { username: user.username, password: long })).status, 200);
      assertProblem(await loginForm(server, { username: user.username, password: 'a'.repeat(80) + '-tail-two' }), 401);
    });

    it('answers 422 when a login field is missing', async () => {
      const user = await makeUser(server);
      assertProblem(await loginForm(server, { username: user.username }), 422);
      assertProblem(await loginForm(server, { password: user.password }), 422);
      assertProblem(await loginForm(server, {}), 422);
    });

    it('logout ends the token used (401 after), and only that one', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const other = await loginToken(server, user.username, user.password);
      const reply = await call(server, 'POST', '/api/security/logout', { bearer: token });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401);
      assertProblem(await call(server, 'POST', '/api/security/logout', { bearer: token }), 401);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: other })).status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200);
    });

    it('answers 400 to a logout authenticated with an API key, and 401 without credentials', async () => {
      const user = await makeUser(server);
      assertProblem(await call(server, 'POST', '/api/security/logout', { key: user.apiKey }), 400);
      assertProblem(await call(server, 'POST', '/api/security/logout', { bearer: user.apiKey }), 400);
      assertProblem(await call(server, 'POST', '/api/security/logout'), 401);
      // the key still works afterwards
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200);
    });

    it('refuses a disabled user: its key, its token, and its login', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const patched = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { disabled: true } });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.disabled, true);
      assertProblem(await call(server, 'GET', '/api/me', { key: user.apiKey }), 401);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: user.apiKey }), 401);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401);
      const login = await loginForm(server, { username: user.username, password: user.password });
      const wrong = await loginForm(server, { username: user.username, password: 'not-the-password' });
      assertProblem(login, 401);
      assert.deepEqual(withoutRequestId(login.body), withoutRequestId(wrong.body));
      // enabling it again brings the key back, but not the login sessions that disabling ended
      const enabled = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { disabled: false } });
      assert.equal(enabled.status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401);
      assert.equal((await loginForm(server, { username: user.username, password: user.password })).status, 200);
    });

    it('refuses a user created disabled', async () => {
      const user = await makeUser(server, { disabled: true });
      assertProblem(await call(server, 'GET', '/api/me', { key: user.apiKey }), 401);
      assertProblem(await loginForm(server, { username: user.username, password: user.password }), 401);
    });

    it('ends the login sessions on a password change; the API key keeps working', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const reply = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { password: 'brand-new-password' } });
      assert.equal(reply.status, 200);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401);
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200);
      assertProblem(await loginForm(server, { username: user.username, password: user.password }), 401);
      assert.equal((await loginForm(server, { username: user.username, password: 'brand-new-password' })).status, 200);
    });

    it('ends the login sessions on a role change; the API key keeps working with the new role', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const reply = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { role: 'admin' } });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.role, 'admin');
      assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401);
      const me = await call(server, 'GET', '/api/me', { key: user.apiKey });
      assert.equal(me.status, 200);
      assert.equal(me.body.role, 'admin');
      assert.equal((await call(server, 'GET', '/api/users', { key: user.apiKey })).status, 200);
    });

    it('keeps the login sessions on a change of names', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const reply = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { first_name: 'Renamed' } });
      assert.equal(reply.status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: token })).status, 200);
    });

    it('ends the key and the tokens of a deleted user', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      assert.equal((await call(server, 'DELETE', `/api/users/${user.id}`, { key: server.adminKey })).status, 200);
      assertProblem(await call(server, 'GET', '/api/me', { key: user.apiKey }), 401);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401);
      assertProblem(await loginForm(server, { username: user.username, password: user.password }), 401);
    });

    it('refuses an expired login token', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: token })).status, 200);
      await server.database.db
        .updateTable('login_sessions')
        .set({ expires_at: new Date(Date.now() - 60_000).toISOString().replace('Z', '000+00:00') })
        .where('user_id', '=', user.id)
        .execute();
      server.database.caches.invalidate(['login_sessions']); // a write behind the repositories' back, as another process would make
      assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401);
    });

    it('gives login tokens the configured lifetime', async () => {
      const user = await makeUser(server);
      const started = Date.now();
      await loginToken(server, user.username, user.password);
      const row = await server.database.db
        .selectFrom('login_sessions')
        .select('expires_at')
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      // the test server is configured with 60 minutes
      const lifetime = Date.parse(row.expires_at) - started;
      assert.ok(lifetime > 59 * 60_000 && lifetime <= 61 * 60_000, `token lifetime ${lifetime} ms`);
    });

    it('stores login tokens and API keys only as digests', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      const sessions = await server.database.db.selectFrom('login_sessions').selectAll().where('user_id', '=', user.id).execute();
      const keys = await server.database.db.selectFrom('api_keys').selectAll().where('user_id', '=', user.id).execute();
      assert.ok(sessions.length >= 1 && keys.length >= 1);
      const stored = JSON.stringify([sessions, keys]);
      assert.ok(!stored.includes(token), 'a login token is stored in clear');
      assert.ok(!stored.includes(user.apiKey), 'an API key is stored in clear');
    });

    it('refuses a revoked or expired API key', async () => {
      const revoked = await makeUser(server);
      assert.equal((await call(server, 'GET', '/api/me', { key: revoked.apiKey })).status, 200);
      await server.database.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).where('user_id', '=', revoked.id).execute();
      server.database.caches.invalidate(['api_keys']); // a write behind the repositories' back, as another process would make
      assertProblem(await call(server, 'GET', '/api/me', { key: revoked.apiKey }), 401);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: revoked.apiKey }), 401);
      const expired = await makeUser(server);
      await server.database.db
        .updateTable('api_keys')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString().replace('Z', '000+00:00') })
        .where('user_id', '=', expired.id)
        .execute();
      assertProblem(await call(server, 'GET', '/api/me', { key: expired.apiKey }), 401);
      // the user's password still opens a session
      assert.equal((await loginForm(server, { username: revoked.username, password: revoked.password })).status, 200);
    });

    it('verifies a bcrypt hash and re-hashes it to argon2id on login', async () => {
      const user = await makeUser(server);
      await server.database.db.updateTable('users').set({ password_hash: BCRYPT_OF_1234 }).where('id', '=', user.id).execute();
      server.database.caches.invalidate(['users']); // a write behind the repositories' back, as another process would make
      assertProblem(await loginForm(server, { username: user.username, password: '12345' }), 401);
      const stillBcrypt = await server.database.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(stillBcrypt.password_hash, BCRYPT_OF_1234, 'a failed login must not re-hash');
      const reply = await loginForm(server, { username: user.username, password: '1234' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      const row = await server.database.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.match(row.password_hash, /^\$argon2id\$/);
      // and the new hash verifies the same password
      assert.equal((await loginForm(server, { username: user.username, password: '1234' })).status, 200);
      assertProblem(await loginForm(server, { username: user.username, password: '12345' }), 401);
    });

    it('logs in the default admin with its default password', async () => {
      const token = await loginToken(server, 'argilla', '1234');
      const me = await call(server, 'GET', '/api/me', { bearer: token });
      assert.equal(me.status, 200);
      assert.equal(me.body.username, 'argilla');
      assert.equal(me.body.role, 'admin');
    });
  });
}

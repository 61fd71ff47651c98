// Login with username and password (for the web UI), the bearer token that replaces the API key
// afterwards, and logout.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Argilla, ArgillaError, UnauthorizedError, ValidationError } from '@argilla-ts/client';
import { backends, clientOf, makeUser, rejectsWith, startTestServer, uniqueName, type TestServer } from './support.js';

/** A fetch that records the headers and body of each request. */
function recorder() {
  const requests: Array<{ method: string; url: string; headers: Headers; body: unknown }> = [];
  const record: typeof fetch = async (input, init) => {
    requests.push({ method: init?.method ?? 'GET', url: String(input), headers: new Headers(init?.headers), body: init?.body });
    return fetch(input, init);
  };
  return { requests, fetch: record };
}

for (const backend of backends()) {
  describe(`client: login and logout (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it('login posts the OAuth2 password form, then the client sends the bearer token instead of the key', async () => {
      const team = uniqueName('team');
      const made = await makeUser(server, { workspaces: [team] });
      const seen = recorder();
      const client = new Argilla({ apiUrl: server.url, fetch: seen.fetch }); // the default key, argilla.apikey
      const token = await client.login(made.username, made.password);
      assert.equal(token.token_type, 'bearer');
      assert.ok(token.access_token.length >= 32);
      assert.equal(client.token, token.access_token);

      const login = seen.requests[0]!;
      assert.equal(login.method, 'POST');
      assert.equal(login.url, `${server.url}/api/security/token`);
      assert.equal(login.headers.get('content-type'), 'application/x-www-form-urlencoded');
      assert.equal(login.headers.get('x-argilla-api-key'), null, 'no credentials on the login request');
      const form = new URLSearchParams(String(login.body));
      assert.equal(form.get('username'), made.username);
      assert.equal(form.get('password'), made.password);
      assert.equal(form.get('grant_type'), 'password');

      await client.init();
      assert.equal(client.user?.username, made.username, 'the identity is the logged-in user, not the default key');
      assert.equal(client.getWorkspace(), team);
      const me = seen.requests.at(-1)!;
      assert.equal(me.headers.get('authorization'), `Bearer ${token.access_token}`);
      assert.equal(me.headers.get('x-argilla-api-key'), null);
    });

    it('login forgets the previous identity and workspace; init loads the new ones', async () => {
      const made = await makeUser(server, { workspaces: [uniqueName('ws')] });
      const client = await clientOf(server).init();
      assert.equal(client.getWorkspace(), 'argilla');
      await client.login(made.username, made.password);
      const forgotten = client.user;
      assert.equal(forgotten, undefined);
      assert.equal(client.getWorkspace(), undefined);
      await client.init();
      assert.equal(client.user?.username, made.username);
    });

    it('a password containing form-special characters goes through intact', async () => {
      const username = uniqueName('odd');
      const password = 'p&ss=w+rd %20 ü';
      await clientOf(server).createUser({ username, first_name: 'Odd', password });
      const client = clientOf(server, { apiKey: null });
      await client.login(username, password);
      assert.equal((await client.whoami()).username, username);
    });

    it('login: UnauthorizedError (401) for a wrong password or an unknown user; the client keeps its key', async () => {
      const made = await makeUser(server);
      const client = clientOf(server);
      const wrong = await rejectsWith(client.login(made.username, 'wrong-password'), UnauthorizedError, 401, 'unauthorized');
      assert.equal(wrong.method, 'POST');
      const unknown = await rejectsWith(client.login(uniqueName('ghost'), 'whatever-pw'), UnauthorizedError, 401, 'unauthorized');
      assert.equal(unknown.detail, wrong.detail, 'the same answer whether the user exists or not');
      assert.equal(client.token, undefined);
      assert.equal((await client.whoami()).username, 'argilla');
    });

    it('the login route: ValidationError (422) with the missing field when the form lacks the password', async () => {
      const made = await makeUser(server);
      const client = clientOf(server);
      const error = await rejectsWith(
        client.request('POST /api/security/token', { body: { username: made.username } as never, form: true, anonymous: true }),
        ValidationError,
        422,
        'validation_error',
      );
      assert.deepEqual(error.errors.map((e) => e.pointer), ['/password']);
    });

    it('a disabled user cannot log in (401)', async () => {
      const made = await makeUser(server, { disabled: true });
      await rejectsWith(clientOf(server, { apiKey: null }).login(made.username, made.password), UnauthorizedError, 401);
    });

    it('new Argilla({ token }) authenticates with a token from elsewhere (e.g. session storage)', async () => {
      const made = await makeUser(server);
      const first = clientOf(server, { apiKey: null });
      const { access_token } = await first.login(made.username, made.password);
      const second = new Argilla({ apiUrl: server.url, token: access_token });
      assert.equal((await second.whoami()).username, made.username);
      assert.equal(second.token, access_token);
    });

    it('logout ends the session on the server: the token stops working everywhere and the client has no credentials', async () => {
      const made = await makeUser(server);
      const client = clientOf(server);
      const { access_token } = await client.login(made.username, made.password);
      const sameToken = new Argilla({ apiUrl: server.url, token: access_token });
      assert.equal((await sameToken.whoami()).username, made.username);

      await client.logout();
      const [token, user] = [client.token, client.user];
      assert.equal(token, undefined);
      assert.equal(user, undefined);
      await rejectsWith(sameToken.whoami(), UnauthorizedError, 401, 'unauthorized');
      // Neither the token nor the key the client started with is sent any more.
      await rejectsWith(client.whoami(), UnauthorizedError, 401, 'unauthorized');

      // Logging in again works on the same client.
      await client.login(made.username, made.password);
      assert.equal((await client.whoami()).username, made.username);
    });

    it('logout with a token the server no longer accepts still logs the client out', async () => {
      const made = await makeUser(server);
      const a = clientOf(server, { apiKey: null });
      const { access_token } = await a.login(made.username, made.password);
      const b = new Argilla({ apiUrl: server.url, token: access_token });
      await b.logout();
      await a.logout();
      assert.equal(a.token, undefined);
    });

    it('logout without a login is refused without a request', async () => {
      const seen = recorder();
      const client = clientOf(server, { fetch: seen.fetch });
      await assert.rejects(client.logout(), (error: unknown) => {
        assert.ok(error instanceof ArgillaError);
        assert.equal(error.code, 'not_logged_in');
        return true;
      });
      assert.equal(seen.requests.length, 0);
    });
  });
}

// The request log: one line per request with its request id, and never a secret (API key, login
// token, password), whichever way the secret was sent and whether the request succeeded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Reply, type TestServer } from '../helpers/http.js';
import { loginForm, uniqueName } from './support.js';

for (const backend of backends()) {
  describe(`HTTP request log (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it('never contains an API key, a login token or a password, and gives each request line its id', async () => {
      const password = `Pw-${uniqueName('secret')}`;
      const wrongPassword = `Wrong-${uniqueName('secret')}`;
      const wrongKey = `argilla_${uniqueName('wrong-key-secret')}`;
      const created = await call(server, 'POST', '/api/users', {
        key: server.adminKey,
        json: { first_name: 'Logged', username: uniqueName('logged'), password },
      });
      assert.equal(created.status, 200);
      const { username, api_key: apiKey } = created.body;
      const replies: Reply[] = [created];
      const login = await loginForm(server, { username, password });
      assert.equal(login.status, 200);
      const token: string = login.body.access_token;
      replies.push(login);
      replies.push(await loginForm(server, { username, password: wrongPassword }));
      replies.push(await call(server, 'POST', '/api/security/token', { json: { username, password } }));
      replies.push(await call(server, 'GET', '/api/me', { key: apiKey }));
      replies.push(await call(server, 'GET', '/api/me', { bearer: apiKey }));
      replies.push(await call(server, 'GET', '/api/me', { bearer: token }));
      replies.push(await call(server, 'GET', '/api/me', { key: wrongKey }));
      replies.push(await call(server, 'GET', '/api/users', { bearer: token }));
      replies.push(await call(server, 'GET', '/api/nope', { key: apiKey }));
      replies.push(await call(server, 'PATCH', `/api/users/${created.body.id}`, { key: server.adminKey, json: { password: `${password}-2` } }));
      replies.push(await call(server, 'POST', '/api/users', { key: server.adminKey, json: { first_name: 'X', username: 'Bad Name', password } }));
      replies.push(await call(server, 'POST', '/api/users', { key: server.adminKey, body: `{"password": "${password}", `, headers: { 'content-type': 'application/json' } }));
      replies.push(await call(server, 'POST', '/api/security/logout', { bearer: token }));
      // let the log stream flush
      await new Promise((resolve) => setTimeout(resolve, 50));

      const lines = server.logLines;
      assert.ok(lines.length >= replies.length, `only ${lines.length} log lines`);
      const secrets = [server.adminKey, apiKey, token, password, `${password}-2`, wrongPassword, wrongKey];
      for (const line of lines) {
        for (const secret of secrets) assert.ok(!line.includes(secret), `a log line holds a secret: ${line}`);
      }
      const requestLines = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
      for (const entry of requestLines) {
        assert.equal(typeof entry.reqId, 'string', `no reqId in ${JSON.stringify(entry)}`);
        assert.ok(entry.reqId.length > 0);
      }
      // every request made above has its line, found by the id the response carried
      for (const reply of replies) {
        const id = reply.headers.get('x-request-id');
        assert.ok(id, 'a response without x-request-id');
        const entry = requestLines.find((e) => e.reqId === id);
        assert.ok(entry, `no log line for request ${id} (status ${reply.status})`);
        assert.equal(entry.status, reply.status);
      }
    });

    it("redacts one-time secrets in a URL's query (a sign-in callback's code and state), keeping the rest", async () => {
      const reply = await call(server, 'GET', '/api/me?code=one-time-code-123&State=xyz-state-456&limit=5&x', { key: server.adminKey });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const entry = server.logLines.map((line) => JSON.parse(line)).find((e) => e.reqId === reply.headers.get('x-request-id'));
      assert.equal(entry?.url, '/api/me?code=[redacted]&State=[redacted]&limit=5&x');
    });

    it('names the authenticated user on its request line, and nobody on a refused one', async () => {
      const user = await makeUser(server);
      const ok = await call(server, 'GET', '/api/me', { key: user.apiKey });
      const refused = await call(server, 'GET', '/api/me', { key: `${user.apiKey}-nope` });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const entries = server.logLines.map((line) => JSON.parse(line));
      const okEntry = entries.find((e) => e.reqId === ok.headers.get('x-request-id'));
      const refusedEntry = entries.find((e) => e.reqId === refused.headers.get('x-request-id'));
      assert.equal(okEntry?.user, user.username);
      assert.ok(refusedEntry, 'no line for the refused request');
      assert.equal(refusedEntry.status, 401);
      assert.ok(!JSON.stringify(refusedEntry).includes(user.username));
    });
  });
}

// The hot-path read cache: a change made through this server is seen at once; one made by another
// process sharing the database (the CLI, another server) within one second.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, loginToken, makeUser, startTestServer, type TestServer } from '../helpers/http.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { openDatabase } from '../../src/db/connect.js';

async function statusWithin(server: TestServer, ms: number, options: Parameters<typeof call>[3], wanted: number): Promise<number> {
  const started = Date.now();
  let status = 0;
  while (Date.now() - started < ms) {
    status = (await call(server, 'GET', '/api/me', options)).status;
    if (status === wanted) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`still ${status} after ${ms} ms`);
}

for (const backend of backends()) {
  describe(`changes made by another process (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it('a user disabled with the CLI loses its key and tokens within a second', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      // Warm the cache so the check below is about expiry, not a first read.
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: token })).status, 200);
      const env = cliEnv(server.database.url, server.database.home);
      const result = await runCli(['users', 'update', user.username, '--disable'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.ok((await statusWithin(server, 1000, { key: user.apiKey }, 401)) <= 1000);
      assert.ok((await statusWithin(server, 1000, { bearer: token }, 401)) <= 1000);
    });

    it('a key revoked through another connection stops working within a second', async () => {
      const user = await makeUser(server);
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200);
      const other = await openDatabase(server.database.target);
      try {
        await other.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).where('user_id', '=', user.id).execute();
      } finally {
        await other.close();
      }
      assert.ok((await statusWithin(server, 1000, { key: user.apiKey }, 401)) <= 1000);
    });

    it('a change made through this server is seen by the very next request', async () => {
      const user = await makeUser(server, { workspaces: ['before'] });
      const me = await call(server, 'GET', '/api/me', { key: user.apiKey });
      assert.deepEqual(me.body.workspaces, ['before']);
      const created = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: `after-${Date.now()}` } });
      assert.equal(created.status, 200);
      const added = await call(server, 'POST', `/api/workspaces/${created.body.id}/users/${user.id}`, { key: server.adminKey });
      assert.equal(added.status, 200);
      const again = await call(server, 'GET', '/api/me', { key: user.apiKey });
      assert.deepEqual(again.body.workspaces, ['before', created.body.name]);
      const disabled = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { disabled: true } });
      assert.equal(disabled.status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 401);
    });
    it('the users list (kept rendered) shows a change made through this server at once, and one made elsewhere within a second', async () => {
      const list = async () => {
        const response = await call(server, 'GET', '/api/users?limit=100&q=listed-', { key: server.adminKey });
        assert.equal(response.status, 200);
        return { names: (response.body as Array<{ username: string }>).map((u) => u.username), total: Number(response.headers.get('x-total-count')) };
      };
      const first = await list();
      const mine = `listed-${Date.now()}-a`;
      const created = await call(server, 'POST', '/api/users', { key: server.adminKey, json: { username: mine, first_name: 'Listed', password: 'a-long-password-1' } });
      assert.equal(created.status, 200);
      const afterMine = await list();
      assert.deepEqual(afterMine.names, [...first.names, mine]);
      assert.equal(afterMine.total, first.total + 1);
      // A user created by the CLI (another process) while the page is cached.
      const theirs = `listed-${Date.now()}-b`;
      const env = cliEnv(server.database.url, server.database.home);
      const result = await runCli(['users', 'create', '--username', theirs, '--first-name', 'Listed', '--password', 'a-long-password-1'], env);
      assert.equal(result.code, 0, result.stderr);
      const started = Date.now();
      let names = (await list()).names;
      while (!names.includes(theirs) && Date.now() - started < 1000) {
        await new Promise((r) => setTimeout(r, 25));
        names = (await list()).names;
      }
      assert.deepEqual(names, [...afterMine.names, theirs]);
      // Other filters, limits and offsets are other pages.
      const paged = await call(server, 'GET', '/api/users?limit=1&offset=1&q=listed-', { key: server.adminKey });
      assert.deepEqual((paged.body as Array<{ username: string }>).map((u) => u.username), [names[1]]);
    });
    it("an annotator's workspace list (kept rendered per caller) follows memberships made here at once and elsewhere within a second", async () => {
      const user = await makeUser(server, { workspaces: [`own-${Date.now()}`] });
      const names = async (key: string) => {
        const response = await call(server, 'GET', '/api/workspaces', { key });
        assert.equal(response.status, 200);
        return (response.body as Array<{ name: string }>).map((w) => w.name);
      };
      const own = await names(user.apiKey);
      assert.equal(own.length, 1);
      const adminView = await names(server.adminKey);
      assert.ok(adminView.length >= own.length && adminView.includes(own[0]!), 'the admin sees every workspace, not the annotator\'s page');
      const created = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: `joined-${Date.now()}` } });
      assert.equal(created.status, 200);
      assert.equal((await call(server, 'POST', `/api/workspaces/${created.body.id}/users/${user.id}`, { key: server.adminKey })).status, 200);
      assert.deepEqual(await names(user.apiKey), [...own, created.body.name]);
      // Removed by the CLI (another process).
      const env = cliEnv(server.database.url, server.database.home);
      const result = await runCli(['workspaces', 'remove-user', created.body.name, user.username], env);
      assert.equal(result.code, 0, result.stderr);
      const started = Date.now();
      let seen = await names(user.apiKey);
      while (seen.length > 1 && Date.now() - started < 1000) {
        await new Promise((r) => setTimeout(r, 25));
        seen = await names(user.apiKey);
      }
      assert.deepEqual(seen, own);
    });
  });
}

// Races over HTTP: the database's unique rules, not luck, decide who wins; losers get a 409 problem,
// never a 500, and nothing is written twice.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem, countRows, createWorkspace, uniqueName } from './support.js';

const PARALLEL = 20;

function statuses(replies: Reply[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const reply of replies) counts[reply.status] = (counts[reply.status] ?? 0) + 1;
  return counts;
}

for (const backend of backends()) {
  describe(`HTTP concurrency (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it(`${PARALLEL} parallel POST /api/users of one username: exactly one 200, the rest 409`, async () => {
      const username = uniqueName('racer');
      const workspace = uniqueName('race-ws');
      const users = await countRows(server, 'users');
      const replies = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          call(server, 'POST', '/api/users', {
            key: server.adminKey,
            json: { first_name: `Racer ${i}`, username, password: 'a-good-password', workspaces: [workspace] },
          }),
        ),
      );
      assert.deepEqual(statuses(replies), { 200: 1, 409: PARALLEL - 1 }, JSON.stringify(replies.filter((r) => r.status !== 200 && r.status !== 409).map((r) => r.body)));
      for (const reply of replies.filter((r) => r.status === 409)) {
        const body = assertProblem(reply, 409, 'user_already_exists');
        assert.deepEqual(body.params, { name: username, type: 'User' });
      }
      assert.equal(await countRows(server, 'users'), users + 1);
      const winner = replies.find((r) => r.status === 200)!;
      const stored = await call(server, 'GET', `/api/users/${winner.body.id}`, { key: server.adminKey });
      assert.equal(stored.body.first_name, winner.body.first_name);
      assert.deepEqual(stored.body.workspaces, [workspace]);
      // exactly one key and one workspace were written
      const keys = await server.database.db.selectFrom('api_keys').select('id').where('user_id', '=', winner.body.id).execute();
      assert.equal(keys.length, 1);
      const named = await server.database.db.selectFrom('workspaces').select('id').where('name', '=', workspace).execute();
      assert.equal(named.length, 1);
      assert.equal((await call(server, 'GET', '/api/me', { key: winner.body.api_key })).status, 200);
    });

    it(`${PARALLEL} parallel POST /api/workspaces/{id}/users/{user_id} of one pair: exactly one 200, the rest 409`, async () => {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server);
      const replies = await Promise.all(
        Array.from({ length: PARALLEL }, () => call(server, 'POST', `/api/workspaces/${workspace.id}/users/${user.id}`, { key: server.adminKey })),
      );
      assert.deepEqual(statuses(replies), { 200: 1, 409: PARALLEL - 1 });
      for (const reply of replies.filter((r) => r.status === 409)) assertProblem(reply, 409);
      const rows = await server.database.db
        .selectFrom('memberships')
        .select('id')
        .where('user_id', '=', user.id)
        .where('workspace_id', '=', workspace.id)
        .execute();
      assert.equal(rows.length, 1);
    });

    it(`${PARALLEL} parallel POST /api/workspaces of one name: exactly one 200, the rest 409`, async () => {
      const name = uniqueName('race');
      const replies = await Promise.all(
        Array.from({ length: PARALLEL }, () => call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name } })),
      );
      assert.deepEqual(statuses(replies), { 200: 1, 409: PARALLEL - 1 });
      for (const reply of replies.filter((r) => r.status === 409)) assertProblem(reply, 409, 'workspace_already_exists');
    });

    it('parallel creates of different users naming the same new workspace all succeed, sharing it', async () => {
      const workspace = uniqueName('shared');
      const replies = await Promise.all(
        Array.from({ length: 10 }, () =>
          call(server, 'POST', '/api/users', {
            key: server.adminKey,
            json: { first_name: 'Sharer', username: uniqueName('sharer'), password: 'a-good-password', workspaces: [workspace] },
          }),
        ),
      );
      assert.deepEqual(statuses(replies), { 200: 10 }, JSON.stringify(replies.filter((r) => r.status !== 200).map((r) => r.body)));
      const named = await server.database.db.selectFrom('workspaces').select('id').where('name', '=', workspace).execute();
      assert.equal(named.length, 1);
      const members = await call(server, 'GET', `/api/workspaces/${named[0]!.id}/users`, { key: server.adminKey });
      assert.equal(members.body.length, 10);
    });

    it('parallel DELETE of one user: exactly one 200, the rest 404', async () => {
      const user = await makeUser(server);
      const replies = await Promise.all(Array.from({ length: 10 }, () => call(server, 'DELETE', `/api/users/${user.id}`, { key: server.adminKey })));
      assert.deepEqual(statuses(replies), { 200: 1, 404: 9 });
    });

    it('parallel DELETE of one workspace: exactly one 200, the rest 404', async () => {
      const workspace = await createWorkspace(server);
      const replies = await Promise.all(Array.from({ length: 10 }, () => call(server, 'DELETE', `/api/workspaces/${workspace.id}`, { key: server.adminKey })));
      assert.deepEqual(statuses(replies), { 200: 1, 404: 9 });
    });

    it('parallel DELETE of one membership: exactly one 200, the rest 404', async () => {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server, { workspaces: [workspace.name] });
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => call(server, 'DELETE', `/api/workspaces/${workspace.id}/users/${user.id}`, { key: server.adminKey })),
      );
      assert.deepEqual(statuses(replies), { 200: 1, 404: 9 });
    });

    it('a PATCH or a membership add racing a delete answers 200 or 404, never 500', async () => {
      for (let i = 0; i < 30; i++) {
        const user = await makeUser(server);
        const workspace = await createWorkspace(server);
        const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        const [patch, add, delUser, delWorkspace] = await Promise.all([
          call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { first_name: 'Raced' } }),
          call(server, 'POST', `/api/workspaces/${workspace.id}/users/${user.id}`, { key: server.adminKey }),
          pause(i % 4).then(() => call(server, 'DELETE', `/api/users/${user.id}`, { key: server.adminKey })),
          pause(i % 4).then(() => call(server, 'DELETE', `/api/workspaces/${workspace.id}`, { key: server.adminKey })),
        ]);
        for (const [name, reply] of [['PATCH user', patch], ['POST membership', add]] as const) {
          assert.ok(reply.status === 200 || reply.status === 404, `${name} racing a delete answered ${reply.status}: ${JSON.stringify(reply.body)}`);
          if (reply.status === 404) assertProblem(reply, 404);
        }
        assert.equal(delUser.status, 200);
        assert.equal(delWorkspace.status, 200);
      }
    });
    it('an API key created or rotated while its user is deleted answers 200 or 404, never 500; no key outlives the user', async () => {
      for (let i = 0; i < 20; i++) {
        const user = await makeUser(server);
        const keys = await call(server, 'GET', `/api/users/${user.id}/api-keys`, { key: server.adminKey });
        const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        const [created, rotated, deleted] = await Promise.all([
          call(server, 'POST', `/api/users/${user.id}/api-keys`, { key: server.adminKey, json: { name: `raced-${i}` } }),
          call(server, 'POST', `/api/users/${user.id}/api-keys/${keys.body[0].id}/rotate`, { key: server.adminKey }),
          pause(i % 3).then(() => call(server, 'DELETE', `/api/users/${user.id}`, { key: server.adminKey })),
        ]);
        for (const [name, reply] of [['create', created], ['rotate', rotated]] as const) {
          assert.ok(reply.status === 200 || reply.status === 404, `${name} racing a delete answered ${reply.status}: ${JSON.stringify(reply.body)}`);
        }
        assert.equal(deleted.status, 200);
        const left = await server.database.db.selectFrom('api_keys').select('id').where('user_id', '=', user.id).execute();
        assert.deepEqual(left, [], 'no key of a deleted user remains');
      }
    });
  });

  describe(`HTTP concurrency: the last admin (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    const adminKeys = new Map<string, string>();

    /** The enabled admins, with the API key this suite knows for each. */
    async function enabledAdmins(): Promise<Array<{ id: string; key: string }>> {
      const rows = await server.database.db.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).execute();
      return rows.map((row) => ({ id: row.id, key: adminKeys.get(row.id)! }));
    }

    async function newAdminKey(): Promise<string> {
      const made = await makeUser(server, { role: 'admin' });
      adminKeys.set(made.id, made.apiKey);
      return made.apiKey;
    }

    it('two admins demoting each other at once: one wins, one enabled admin remains', async () => {
      const other = await makeUser(server, { role: 'admin' });
      const me = await call(server, 'GET', '/api/me', { key: server.adminKey });
      adminKeys.set(me.body.id, server.adminKey);
      adminKeys.set(other.id, other.apiKey);
      const replies = await Promise.all([
        call(server, 'PATCH', `/api/users/${me.body.id}`, { key: other.apiKey, json: { role: 'annotator' } }),
        call(server, 'PATCH', `/api/users/${other.id}`, { key: server.adminKey, json: { role: 'annotator' } }),
      ]);
      // the loser is refused either as the last admin (409) or, when the winner's change landed
      // before the loser was authenticated, as no longer an admin (403)
      const counts = statuses(replies);
      assert.equal(counts[200], 1, JSON.stringify(counts));
      const loser = replies.find((r) => r.status !== 200)!;
      if (loser.status === 409) assertProblem(loser, 409, 'last_admin');
      else assertProblem(loser, 403);
      const admins = await server.database.db.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).execute();
      assert.equal(admins.length, 1);
    });

    it('three admins demoting themselves at once: two succeed, one 409, one enabled admin remains', async () => {
      const admins = await enabledAdmins();
      assert.equal(admins.length, 1);
      const keys = [admins[0]!.key, await newAdminKey(), await newAdminKey()];
      const ids = await Promise.all(keys.map(async (key) => (await call(server, 'GET', '/api/me', { key })).body.id));
      const replies = await Promise.all(keys.map((key, i) => call(server, 'PATCH', `/api/users/${ids[i]}`, { key, json: { role: 'annotator' } })));
      assert.deepEqual(statuses(replies), { 200: 2, 409: 1 });
      assertProblem(replies.find((r) => r.status === 409)!, 409, 'last_admin');
      assert.equal((await enabledAdmins()).length, 1);
    });

    it('three admins deleting themselves at once: two succeed, one 409, one enabled admin remains', async () => {
      const admins = await enabledAdmins();
      assert.equal(admins.length, 1);
      const keys = [admins[0]!.key, await newAdminKey(), await newAdminKey()];
      const ids = await Promise.all(keys.map(async (key) => (await call(server, 'GET', '/api/me', { key })).body.id));
      const replies = await Promise.all(keys.map((key, i) => call(server, 'DELETE', `/api/users/${ids[i]}`, { key })));
      assert.deepEqual(statuses(replies), { 200: 2, 409: 1 });
      assertProblem(replies.find((r) => r.status === 409)!, 409, 'last_admin');
      assert.equal((await enabledAdmins()).length, 1);
    });
  });
}

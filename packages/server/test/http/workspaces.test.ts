// The workspace and membership routes of the HTTP API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type TestServer } from '../helpers/http.js';
import {
  assertMaskedKey,
  assertProblem,
  assertUser,
  assertWorkspace,
  countRows,
  createWorkspace,
  UNKNOWN_ID,
  uniqueName,
  workspaceExists,
} from './support.js';

for (const backend of backends()) {
  describe(`HTTP workspaces (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it('POST /api/workspaces creates a workspace (200) with exactly id, name and timestamps', async () => {
      const name = uniqueName('ws');
      const before = await countRows(server, 'workspaces');
      const reply = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
      assertWorkspace(reply.body, name);
      assert.equal(await countRows(server, 'workspaces'), before + 1);
      const read = await call(server, 'GET', `/api/workspaces/${reply.body.id}`, { key: server.adminKey });
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, reply.body);
    });

    it('POST /api/workspaces ignores unknown fields', async () => {
      const name = uniqueName('ws');
      const reply = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name, colour: 'red', id: 'mine' } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertWorkspace(reply.body, name);
      assert.notEqual(reply.body.id, 'mine');
    });

    it('POST /api/workspaces answers 409 when the name exists, writing nothing', async () => {
      const existing = await createWorkspace(server);
      const before = await countRows(server, 'workspaces');
      const reply = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: existing.name } });
      const body = assertProblem(reply, 409, 'workspace_already_exists');
      assert.deepEqual(body.params, { name: existing.name, type: 'Workspace' });
      assert.equal(await countRows(server, 'workspaces'), before);
      assertProblem(await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: 'argilla' } }), 409);
    });

    it('POST /api/workspaces validates the name (422), writing nothing', async () => {
      const before = await countRows(server, 'workspaces');
      for (const name of ['user name', 'user/name', 'user.name', 'UserName', '_', '-', '-a', '_a', '', 'ws\n', 'é']) {
        const reply = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name } });
        assertProblem(reply, 422);
      }
      for (const json of [{}, { name: 123 }, { name: null }, { name: ['a'] }]) {
        assertProblem(await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json }), 422);
      }
      assert.equal(await countRows(server, 'workspaces'), before);
      for (const name of ['a', '0', 'a-b_c', 'x1-']) {
        if (await workspaceExists(server, name)) continue;
        const reply = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name } });
        assert.equal(reply.status, 200, `${name}: ${JSON.stringify(reply.body)}`);
      }
    });

    it('GET /api/workspaces/{id} answers 404 for an unknown workspace', async () => {
      const body = assertProblem(await call(server, 'GET', `/api/workspaces/${UNKNOWN_ID}`, { key: server.adminKey }), 404);
      assert.match(body.code, /not_found/);
    });

    it('DELETE /api/workspaces/{id} answers 200 with the workspace; it is gone, with its memberships', async () => {
      const workspace = await createWorkspace(server);
      const keep = await createWorkspace(server);
      const user = await makeUser(server, { workspaces: [workspace.name, keep.name] });
      const before = await countRows(server, 'workspaces');
      const reply = await call(server, 'DELETE', `/api/workspaces/${workspace.id}`, { key: server.adminKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertWorkspace(reply.body, workspace.name);
      assert.equal(reply.body.id, workspace.id);
      assert.equal(await countRows(server, 'workspaces'), before - 1);
      assertProblem(await call(server, 'GET', `/api/workspaces/${workspace.id}`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'DELETE', `/api/workspaces/${workspace.id}`, { key: server.adminKey }), 404);
      const read = await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey });
      assert.deepEqual(read.body.workspaces, [keep.name]);
      // the user is still there, and the name is free again
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200);
      assert.equal((await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: workspace.name } })).status, 200);
    });

    it('POST /api/workspaces/{id}/users/{user_id} adds the user and returns it with the workspace', async () => {
      const first = await createWorkspace(server);
      const second = await createWorkspace(server);
      const user = await makeUser(server, { workspaces: [first.name] });
      const before = await countRows(server, 'memberships');
      const reply = await call(server, 'POST', `/api/workspaces/${second.id}/users/${user.id}`, { key: server.adminKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertUser(reply.body, { id: user.id, username: user.username, workspaces: [first.name, second.name] });
      assertMaskedKey(reply.body.api_key, user.apiKey);
      assert.equal(await countRows(server, 'memberships'), before + 1);
      // the annotator now sees it
      const seen = await call(server, 'GET', `/api/workspaces/${second.id}`, { key: user.apiKey });
      assert.equal(seen.status, 200);
      const mine = await call(server, 'GET', '/api/workspaces', { key: user.apiKey });
      assert.deepEqual(mine.body.map((w: { name: string }) => w.name), [first.name, second.name]);
    });

    it('POST /api/workspaces/{id}/users/{user_id} answers 409 for an existing member, 404 for unknowns', async () => {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server, { workspaces: [workspace.name] });
      const before = await countRows(server, 'memberships');
      assertProblem(await call(server, 'POST', `/api/workspaces/${workspace.id}/users/${user.id}`, { key: server.adminKey }), 409);
      const unknownWorkspace = assertProblem(
        await call(server, 'POST', `/api/workspaces/${UNKNOWN_ID}/users/${user.id}`, { key: server.adminKey }),
        404,
      );
      assert.match(unknownWorkspace.code, /workspace/);
      const unknownUser = assertProblem(await call(server, 'POST', `/api/workspaces/${workspace.id}/users/${UNKNOWN_ID}`, { key: server.adminKey }), 404);
      assert.match(unknownUser.code, /user/);
      assert.equal(await countRows(server, 'memberships'), before);
    });

    it('DELETE /api/workspaces/{id}/users/{user_id} removes the membership and returns the user', async () => {
      const first = await createWorkspace(server);
      const second = await createWorkspace(server);
      const user = await makeUser(server, { workspaces: [first.name] });
      assert.equal((await call(server, 'POST', `/api/workspaces/${second.id}/users/${user.id}`, { key: server.adminKey })).status, 200);
      const reply = await call(server, 'DELETE', `/api/workspaces/${first.id}/users/${user.id}`, { key: server.adminKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertUser(reply.body, { id: user.id, workspaces: [second.name] });
      assertMaskedKey(reply.body.api_key, user.apiKey);
      assertProblem(await call(server, 'GET', `/api/workspaces/${first.id}`, { key: user.apiKey }), 404);
      // both workspace and user still exist
      assert.equal((await call(server, 'GET', `/api/workspaces/${first.id}`, { key: server.adminKey })).status, 200);
      assert.equal((await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey })).status, 200);
    });

    it('DELETE /api/workspaces/{id}/users/{user_id} answers 404 for a non-member and for unknowns', async () => {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server);
      assertProblem(await call(server, 'DELETE', `/api/workspaces/${workspace.id}/users/${user.id}`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'DELETE', `/api/workspaces/${UNKNOWN_ID}/users/${user.id}`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'DELETE', `/api/workspaces/${workspace.id}/users/${UNKNOWN_ID}`, { key: server.adminKey }), 404);
    });

    it('GET /api/workspaces/{id}/users lists the members by membership time (not creation or name)', async () => {
      const workspace = await createWorkspace(server);
      const older = await makeUser(server, { username: uniqueName('zz-older') });
      const newer = await makeUser(server, { username: uniqueName('aa-newer') });
      assert.equal((await call(server, 'POST', `/api/workspaces/${workspace.id}/users/${newer.id}`, { key: server.adminKey })).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal((await call(server, 'POST', `/api/workspaces/${workspace.id}/users/${older.id}`, { key: server.adminKey })).status, 200);
      const reply = await call(server, 'GET', `/api/workspaces/${workspace.id}/users`, { key: server.adminKey });
      assert.equal(reply.status, 200);
      assert.ok(Array.isArray(reply.body));
      assert.deepEqual(reply.body.map((u: { id: string }) => u.id), [newer.id, older.id]);
      for (const user of reply.body) assertUser(user);
      assert.ok(!JSON.stringify(reply.body).includes(newer.apiKey));
      assertProblem(await call(server, 'GET', `/api/workspaces/${UNKNOWN_ID}/users`, { key: server.adminKey }), 404);
      const empty = await createWorkspace(server);
      const none = await call(server, 'GET', `/api/workspaces/${empty.id}/users`, { key: server.adminKey });
      assert.equal(none.status, 200);
      assert.deepEqual(none.body, []);
    });

    it('a user joined to workspaces one by one lists them by membership time', async () => {
      const a = await createWorkspace(server, uniqueName('zz'));
      const b = await createWorkspace(server, uniqueName('aa'));
      const user = await makeUser(server);
      await call(server, 'POST', `/api/workspaces/${a.id}/users/${user.id}`, { key: server.adminKey });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const reply = await call(server, 'POST', `/api/workspaces/${b.id}/users/${user.id}`, { key: server.adminKey });
      assert.deepEqual(reply.body.workspaces, [a.name, b.name]);
    });
  });

  describe(`HTTP workspaces: lists and visibility (${backend.name})`, () => {
    let server: TestServer;
    const names = ['team-one', 'team-two', 'team-three'];
    before(async () => {
      server = await startTestServer(backend);
      // a few milliseconds apart, so that these tests do not depend on how ties are ordered
      for (const name of names) {
        await new Promise((resolve) => setTimeout(resolve, 3));
        await createWorkspace(server, name);
      }
    });
    after(() => server.close());

    async function idOf(name: string): Promise<string> {
      const row = await server.database.db.selectFrom('workspaces').select('id').where('name', '=', name).executeTakeFirstOrThrow();
      return row.id;
    }

    it('GET /api/workspaces gives an admin every workspace, in creation order, with X-Total-Count', async () => {
      const reply = await call(server, 'GET', '/api/workspaces', { key: server.adminKey });
      assert.equal(reply.status, 200);
      assert.ok(Array.isArray(reply.body));
      assert.deepEqual(reply.body.map((w: { name: string }) => w.name), ['argilla', ...names]);
      assert.equal(reply.headers.get('x-total-count'), '4');
      for (const workspace of reply.body) assertWorkspace(workspace);
    });

    it('GET /api/workspaces pages with limit and offset', async () => {
      const page = await call(server, 'GET', '/api/workspaces?limit=2&offset=1', { key: server.adminKey });
      assert.equal(page.status, 200);
      assert.deepEqual(page.body.map((w: { name: string }) => w.name), ['team-one', 'team-two']);
      assert.equal(page.headers.get('x-total-count'), '4');
      const beyond = await call(server, 'GET', '/api/workspaces?offset=10', { key: server.adminKey });
      assert.deepEqual(beyond.body, []);
      assert.equal(beyond.headers.get('x-total-count'), '4');
      for (const query of ['limit=1001', 'limit=0', 'offset=-1', 'limit=many']) {
        assertProblem(await call(server, 'GET', `/api/workspaces?${query}`, { key: server.adminKey }), 422);
      }
    });

    it('GET /api/workspaces gives an annotator only its own workspaces', async () => {
      const annotator = await makeUser(server, { workspaces: ['team-three', 'team-one'] });
      const reply = await call(server, 'GET', '/api/workspaces', { key: annotator.apiKey });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body.map((w: { name: string }) => w.name).sort(), ['team-one', 'team-three']);
      assert.equal(reply.headers.get('x-total-count'), '2');
      const paged = await call(server, 'GET', '/api/workspaces?limit=1', { key: annotator.apiKey });
      assert.equal(paged.body.length, 1);
      assert.equal(paged.headers.get('x-total-count'), '2');
      const lonely = await makeUser(server);
      const none = await call(server, 'GET', '/api/workspaces', { key: lonely.apiKey });
      assert.equal(none.status, 200);
      assert.deepEqual(none.body, []);
      assert.equal(none.headers.get('x-total-count'), '0');
    });

    it('GET /api/workspaces/{id}: a member annotator gets it, a non-member gets the same 404 as for an unknown id', async () => {
      const all = (await call(server, 'GET', '/api/workspaces', { key: server.adminKey })).body;
      const one = all.find((w: { name: string }) => w.name === 'team-one');
      const two = all.find((w: { name: string }) => w.name === 'team-two');
      const annotator = await makeUser(server, { workspaces: ['team-one'] });
      const member = await call(server, 'GET', `/api/workspaces/${one.id}`, { key: annotator.apiKey });
      assert.equal(member.status, 200);
      assert.deepEqual(member.body, one);
      const outsider = assertProblem(await call(server, 'GET', `/api/workspaces/${two.id}`, { key: annotator.apiKey }), 404);
      const unknown = assertProblem(await call(server, 'GET', `/api/workspaces/${UNKNOWN_ID}`, { key: annotator.apiKey }), 404);
      assert.equal(outsider.code, unknown.code);
      assert.ok(!JSON.stringify(outsider).includes('team-two'), 'a 404 reveals the name of a workspace the caller cannot see');
      const admin = await call(server, 'GET', `/api/workspaces/${two.id}`, { key: server.adminKey });
      assert.equal(admin.status, 200);
    });

    it('GET /api/workspaces keeps creation order for workspaces created in quick succession', async () => {
      const quick = await makeUser(server);
      const created: string[] = [];
      for (let i = 0; i < 30; i++) {
        const name = uniqueName('quick');
        await createWorkspace(server, name);
        assert.equal((await call(server, 'POST', `/api/workspaces/${await idOf(name)}/users/${quick.id}`, { key: server.adminKey })).status, 200);
        created.push(name);
      }
      const all = await call(server, 'GET', '/api/workspaces?offset=4', { key: server.adminKey });
      assert.deepEqual(all.body.map((w: { name: string }) => w.name), created);
      const mine = await call(server, 'GET', '/api/workspaces', { key: quick.apiKey });
      assert.deepEqual(mine.body.map((w: { name: string }) => w.name), created);
      const me = await call(server, 'GET', `/api/users/${quick.id}`, { key: server.adminKey });
      assert.deepEqual(me.body.workspaces, created, 'memberships made one after the other are not listed in membership order');
    });
  });
}

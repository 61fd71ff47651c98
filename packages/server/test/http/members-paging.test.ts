// GET /api/workspaces/{id}/users pages like every other list: `limit` and `offset` with the same
// bounds and defaults, the total in X-Total-Count, members in the order they joined.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../src/domain/limits.js';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertProblem, assertUser, createWorkspace, UNKNOWN_ID } from './support.js';

for (const backend of backends()) {
  describe(`GET /api/workspaces/{id}/users pages (${backend.name})`, () => {
    let server: TestServer;
    let workspace: { id: string; name: string };
    let members: Made[];
    before(async () => {
      server = await startTestServer(backend);
      workspace = await createWorkspace(server);
      members = [];
      for (let i = 0; i < 7; i++) members.push(await makeUser(server, { workspaces: [workspace.name] }));
      // Someone outside the workspace, made in between, is never listed.
      await makeUser(server);
    });
    after(() => server.close());

    const page = (query = '') => call(server, 'GET', `/api/workspaces/${workspace.id}/users${query}`, { key: server.adminKey });
    const names = (body: Array<{ username: string }>) => body.map((u) => u.username);

    it('without paging parameters: every member, in the order they joined, with X-Total-Count', async () => {
      const reply = await page();
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.headers.get('x-total-count'), '7');
      assert.deepEqual(names(reply.body), members.map((m) => m.username));
      for (const user of reply.body) assertUser(user, { workspaces: [workspace.name] });
    });

    it('limit and offset select a page; the total stays the same', async () => {
      const seen: string[] = [];
      for (let offset = 0; offset < 7; offset += 3) {
        const reply = await page(`?limit=3&offset=${offset}`);
        assert.equal(reply.status, 200);
        assert.equal(reply.headers.get('x-total-count'), '7');
        assert.equal(reply.body.length, Math.min(3, 7 - offset));
        seen.push(...names(reply.body));
      }
      assert.deepEqual(seen, members.map((m) => m.username));
      const past = await page('?offset=100');
      assert.deepEqual(past.body, []);
      assert.equal(past.headers.get('x-total-count'), '7');
      assert.deepEqual(names((await page(`?limit=${LIMITS.page_size_max}`)).body), members.map((m) => m.username));
    });

    it('the order follows membership, not account creation', async () => {
      const other = await createWorkspace(server);
      // Joined in the reverse order of creation.
      for (const member of [...members].reverse()) {
        assert.equal((await call(server, 'POST', `/api/workspaces/${other.id}/users/${member.id}`, { key: server.adminKey })).status, 200);
      }
      const reply = await call(server, 'GET', `/api/workspaces/${other.id}/users?limit=2&offset=1`, { key: server.adminKey });
      assert.deepEqual(names(reply.body), [...members].reverse().slice(1, 3).map((m) => m.username));
      assert.equal(reply.headers.get('x-total-count'), '7');
    });

    it('out-of-range paging is a 422 with the same bounds as the other lists', async () => {
      for (const query of ['?limit=0', `?limit=${LIMITS.page_size_max + 1}`, '?limit=abc', '?offset=-1', `?offset=${LIMITS.offset_max + 1}`, '?limit=1.5']) {
        const members = assertProblem(await page(query), 422, 'validation_error');
        const users = assertProblem(await call(server, 'GET', `/api/users${query}`, { key: server.adminKey }), 422, 'validation_error');
        assert.deepEqual(members.errors, users.errors, query);
      }
    });

    it('an empty workspace is an empty page with a total of 0; an unknown one a 404; annotators a 403', async () => {
      const empty = await createWorkspace(server);
      const reply = await call(server, 'GET', `/api/workspaces/${empty.id}/users`, { key: server.adminKey });
      assert.deepEqual(reply.body, []);
      assert.equal(reply.headers.get('x-total-count'), '0');
      assertProblem(await call(server, 'GET', `/api/workspaces/${UNKNOWN_ID}/users`, { key: server.adminKey }), 404, 'workspace_not_found');
      assertProblem(await call(server, 'GET', `/api/workspaces/${workspace.id}/users`, { key: members[0]!.apiKey }), 403, 'forbidden');
    });

    it('a member removed or added shows in the next page and total at once', async () => {
      const extra = await makeUser(server);
      assert.equal((await call(server, 'POST', `/api/workspaces/${workspace.id}/users/${extra.id}`, { key: server.adminKey })).status, 200);
      let reply = await page('?limit=1&offset=7');
      assert.equal(reply.headers.get('x-total-count'), '8');
      assert.deepEqual(names(reply.body), [extra.username]);
      assert.equal((await call(server, 'DELETE', `/api/workspaces/${workspace.id}/users/${extra.id}`, { key: server.adminKey })).status, 200);
      reply = await page('?limit=1&offset=7');
      assert.equal(reply.headers.get('x-total-count'), '7');
      assert.deepEqual(reply.body, []);
    });
  });
}

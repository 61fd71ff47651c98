// The `owner` role through the HTTP API: it has exactly an admin's powers (Argilla's later clients
// ask for it before any user or workspace write), the rule that keeps one enabled superuser counts
// owners and admins together, and annotators stay out of every /api/v1 user and workspace write.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { newDataset } from '../datasets/support.js';
import { countRows } from '../http/support.js';
import { assertProblem, assertV1User, items, send, UNKNOWN_ID, uniqueName } from './support.js';

const PASSWORD = 'a-good-password';

interface Operation {
  name: string;
  /** sets up what the request needs (as the system or the default admin) and returns it */
  make(server: TestServer): Promise<{ method: string; path: string; json?: unknown }>;
  /** the status an admin gets */
  status: number;
}

const newUser = (server: TestServer) => makeUser(server);
async function newWorkspace(server: TestServer): Promise<{ id: string; name: string }> {
  const reply = await send(server, { key: server.adminKey }, 'POST', '/api/v1/workspaces', { name: uniqueName('ws') });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body;
}
async function memberOf(server: TestServer): Promise<{ workspace: { id: string; name: string }; user: Made }> {
  const workspace = await newWorkspace(server);
  return { workspace, user: await makeUser(server, { workspaces: [workspace.name] }) };
}
/** The dump of a user as the 2.x SDK sends it back on update, with changes. */
async function dumpOf(server: TestServer, id: string, changes: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const reply = await send(server, { key: server.adminKey }, 'GET', `/api/v1/users/${id}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const { username, first_name, last_name, role, inserted_at, updated_at } = reply.body;
  return { id, username, first_name, last_name, role, inserted_at, updated_at, ...changes };
}

// Everything a superuser does with users and workspaces, through both generations of routes.
const SUPERUSER_OPERATIONS: Operation[] = [
  { name: 'GET /api/users', status: 200, make: async () => ({ method: 'GET', path: '/api/users' }) },
  {
    name: 'POST /api/users (role owner)',
    status: 200,
    make: async () => ({ method: 'POST', path: '/api/users', json: { first_name: 'O', username: uniqueName('o'), role: 'owner', password: PASSWORD } }),
  },
  { name: 'GET /api/users/{id}', status: 200, make: async (s) => ({ method: 'GET', path: `/api/users/${(await newUser(s)).id}` }) },
  {
    name: 'PATCH /api/users/{id} (make an owner)',
    status: 200,
    make: async (s) => ({ method: 'PATCH', path: `/api/users/${(await newUser(s)).id}`, json: { role: 'owner' } }),
  },
  { name: 'DELETE /api/users/{id}', status: 200, make: async (s) => ({ method: 'DELETE', path: `/api/users/${(await newUser(s)).id}` }) },
  { name: 'POST /api/workspaces', status: 200, make: async () => ({ method: 'POST', path: '/api/workspaces', json: { name: uniqueName('ws') } }) },
  { name: 'DELETE /api/workspaces/{id}', status: 200, make: async (s) => ({ method: 'DELETE', path: `/api/workspaces/${(await newWorkspace(s)).id}` }) },
  { name: 'GET /api/workspaces/{id}/users', status: 200, make: async (s) => ({ method: 'GET', path: `/api/workspaces/${(await newWorkspace(s)).id}/users` }) },
  {
    name: 'POST /api/workspaces/{id}/users/{user_id}',
    status: 200,
    make: async (s) => ({ method: 'POST', path: `/api/workspaces/${(await newWorkspace(s)).id}/users/${(await newUser(s)).id}` }),
  },
  {
    name: 'DELETE /api/workspaces/{id}/users/{user_id}',
    status: 200,
    make: async (s) => {
      const { workspace, user } = await memberOf(s);
      return { method: 'DELETE', path: `/api/workspaces/${workspace.id}/users/${user.id}` };
    },
  },
  { name: 'GET /api/v1/users', status: 200, make: async () => ({ method: 'GET', path: '/api/v1/users' }) },
  {
    name: 'POST /api/v1/users (role owner)',
    status: 201,
    make: async () => ({
      method: 'POST',
      path: '/api/v1/users',
      json: { id: null, inserted_at: null, updated_at: null, username: uniqueName('o'), role: 'owner', first_name: 'O', last_name: null, password: PASSWORD },
    }),
  },
  { name: 'GET /api/v1/users/{id}', status: 200, make: async (s) => ({ method: 'GET', path: `/api/v1/users/${(await newUser(s)).id}` }) },
  {
    name: 'PATCH /api/v1/users/{id} (make an owner)',
    status: 200,
    make: async (s) => {
      const id = (await newUser(s)).id;
      return { method: 'PATCH', path: `/api/v1/users/${id}`, json: await dumpOf(s, id, { role: 'owner' }) };
    },
  },
  { name: 'DELETE /api/v1/users/{id}', status: 200, make: async (s) => ({ method: 'DELETE', path: `/api/v1/users/${(await newUser(s)).id}` }) },
  { name: 'GET /api/v1/users/{id}/workspaces', status: 200, make: async (s) => ({ method: 'GET', path: `/api/v1/users/${(await memberOf(s)).user.id}/workspaces` }) },
  { name: 'POST /api/v1/workspaces', status: 201, make: async () => ({ method: 'POST', path: '/api/v1/workspaces', json: { name: uniqueName('ws') } }) },
  { name: 'GET /api/v1/workspaces/{id}', status: 200, make: async (s) => ({ method: 'GET', path: `/api/v1/workspaces/${(await newWorkspace(s)).id}` }) },
  { name: 'DELETE /api/v1/workspaces/{id}', status: 200, make: async (s) => ({ method: 'DELETE', path: `/api/v1/workspaces/${(await newWorkspace(s)).id}` }) },
  { name: 'GET /api/v1/workspaces/{id}/users', status: 200, make: async (s) => ({ method: 'GET', path: `/api/v1/workspaces/${(await newWorkspace(s)).id}/users` }) },
  {
    name: 'POST /api/v1/workspaces/{id}/users',
    status: 201,
    make: async (s) => ({ method: 'POST', path: `/api/v1/workspaces/${(await newWorkspace(s)).id}/users`, json: { user_id: (await newUser(s)).id } }),
  },
  {
    name: 'DELETE /api/v1/workspaces/{id}/users/{user_id}',
    status: 200,
    make: async (s) => {
      const { workspace, user } = await memberOf(s);
      return { method: 'DELETE', path: `/api/v1/workspaces/${workspace.id}/users/${user.id}` };
    },
  },
  { name: 'GET /api/v1/me/workspaces', status: 200, make: async () => ({ method: 'GET', path: '/api/v1/me/workspaces' }) },
  { name: 'GET /api/v1/me/datasets', status: 200, make: async () => ({ method: 'GET', path: '/api/v1/me/datasets' }) },
  { name: 'POST /api/datasets', status: 200, make: async (s) => ({ method: 'POST', path: `/api/datasets?workspace=${(await newWorkspace(s)).name}`, json: { name: uniqueName('ds') } }) },
  { name: 'GET /api/audit-events', status: 200, make: async () => ({ method: 'GET', path: '/api/audit-events' }) },
];

// Every /api/v1 write on users and workspaces (and the user reads), with a valid body: an
// annotator is refused each with 403, even in a workspace it is a member of.
const ANNOTATOR_REFUSED: Array<{ name: string; make(s: TestServer, annotator: Made, workspaceId: string): Promise<{ method: string; path: string; json?: unknown }> }> = [
  { name: 'GET /api/v1/users', make: async () => ({ method: 'GET', path: '/api/v1/users' }) },
  {
    name: 'POST /api/v1/users',
    make: async () => ({
      method: 'POST',
      path: '/api/v1/users',
      json: { id: null, inserted_at: null, updated_at: null, username: uniqueName('x'), role: 'annotator', first_name: 'X', last_name: null, password: PASSWORD },
    }),
  },
  { name: 'GET /api/v1/users/{id}', make: async (s) => ({ method: 'GET', path: `/api/v1/users/${(await newUser(s)).id}` }) },
  {
    name: 'PATCH /api/v1/users/{id} (another user)',
    make: async (s) => {
      const id = (await newUser(s)).id;
      return { method: 'PATCH', path: `/api/v1/users/${id}`, json: await dumpOf(s, id, { first_name: 'Changed' }) };
    },
  },
  {
    name: 'PATCH /api/v1/users/{id} (itself, to owner)',
    make: async (s, a) => ({ method: 'PATCH', path: `/api/v1/users/${a.id}`, json: await dumpOf(s, a.id, { role: 'owner' }) }),
  },
  { name: 'DELETE /api/v1/users/{id}', make: async (s) => ({ method: 'DELETE', path: `/api/v1/users/${(await newUser(s)).id}` }) },
  { name: 'GET /api/v1/users/{id}/workspaces', make: async (_s, a) => ({ method: 'GET', path: `/api/v1/users/${a.id}/workspaces` }) },
  { name: 'POST /api/v1/workspaces', make: async () => ({ method: 'POST', path: '/api/v1/workspaces', json: { name: uniqueName('ws') } }) },
  { name: 'DELETE /api/v1/workspaces/{id}', make: async (_s, _a, ws) => ({ method: 'DELETE', path: `/api/v1/workspaces/${ws}` }) },
  { name: 'GET /api/v1/workspaces/{id}/users', make: async (_s, _a, ws) => ({ method: 'GET', path: `/api/v1/workspaces/${ws}/users` }) },
  {
    name: 'POST /api/v1/workspaces/{id}/users',
    make: async (s, _a, ws) => ({ method: 'POST', path: `/api/v1/workspaces/${ws}/users`, json: { user_id: (await newUser(s)).id } }),
  },
  { name: 'DELETE /api/v1/workspaces/{id}/users/{user_id} (itself)', make: async (_s, a, ws) => ({ method: 'DELETE', path: `/api/v1/workspaces/${ws}/users/${a.id}` }) },
];

for (const backend of backends()) {
  describe(`the owner role through the API (${backend.name})`, () => {
    let server: TestServer;
    let owner: Made;
    let admin: Made;
    before(async () => {
      server = await startTestServer(backend);
      owner = await makeUser(server, { role: 'owner' });
      admin = await makeUser(server, { role: 'admin' });
    });
    after(() => server.close());

    it("an owner's /api/me names the role owner, holds an admin's permissions and lists every workspace", async () => {
      const [mine, theirs, all] = await Promise.all([
        send(server, { key: owner.apiKey }, 'GET', '/api/me'),
        send(server, { key: admin.apiKey }, 'GET', '/api/me'),
        send(server, { key: server.adminKey }, 'GET', '/api/workspaces'),
      ]);
      assert.equal(mine.status, 200);
      assert.equal(mine.body.role, 'owner');
      assert.deepEqual(mine.body.permissions, theirs.body.permissions);
      assert.deepEqual([...mine.body.workspaces].sort(), all.body.map((w: any) => w.name).sort());
      const v1 = await send(server, { key: owner.apiKey }, 'GET', '/api/v1/me');
      assert.equal(v1.status, 200);
      assertV1User(v1.body, { id: owner.id, role: 'owner' });
      const workspaces = await send(server, { key: owner.apiKey }, 'GET', '/api/v1/me/workspaces');
      assert.deepEqual(items(workspaces.body).map((w) => w.name).sort(), all.body.map((w: any) => w.name).sort());
    });

    for (const op of SUPERUSER_OPERATIONS) {
      it(`an owner, like an admin, may ${op.name} (${op.status})`, async () => {
        for (const caller of [admin, owner]) {
          const { method, path, json } = await op.make(server);
          const reply = await send(server, { key: caller.apiKey }, method, path, json);
          assert.equal(reply.status, op.status, `${caller.username}: ${JSON.stringify(reply.body)}`);
        }
      });
    }

    it('an owner may create a dataset in any workspace and a workspace holding one is not deleted (409)', async () => {
      const workspace = await newWorkspace(server);
      await newDataset(server, workspace.name, { key: owner.apiKey });
      assertProblem(await send(server, { key: owner.apiKey }, 'DELETE', `/api/v1/workspaces/${workspace.id}`), 409, 'workspace_not_empty');
    });

    describe('annotators', () => {
      let annotator: Made;
      let workspace: { id: string; name: string };
      let outside: { id: string; name: string };
      before(async () => {
        workspace = await newWorkspace(server);
        outside = await newWorkspace(server);
        annotator = await makeUser(server, { workspaces: [workspace.name] });
      });

      for (const route of ANNOTATOR_REFUSED) {
        it(`an annotator is refused ${route.name} (403 forbidden), writing nothing`, async () => {
          const { method, path, json } = await route.make(server, annotator, workspace.id);
          const before = await Promise.all([countRows(server, 'users'), countRows(server, 'workspaces'), countRows(server, 'memberships')]);
          assertProblem(await send(server, { key: annotator.apiKey }, method, path, json), 403, 'forbidden');
          assert.deepEqual(await Promise.all([countRows(server, 'users'), countRows(server, 'workspaces'), countRows(server, 'memberships')]), before);
        });
      }

      it("an annotator reads its own workspace (200), another one is unknown to it (404); an admin reads both", async () => {
        const reply = await send(server, { key: annotator.apiKey }, 'GET', `/api/v1/workspaces/${workspace.id}`);
        assert.equal(reply.status, 200);
        assert.equal(reply.body.id, workspace.id);
        assertProblem(await send(server, { key: annotator.apiKey }, 'GET', `/api/v1/workspaces/${outside.id}`), 404, 'workspace_not_found');
        assertProblem(await send(server, { key: annotator.apiKey }, 'GET', `/api/v1/workspaces/${UNKNOWN_ID}`), 404, 'workspace_not_found');
        for (const caller of [admin, owner]) {
          assert.equal((await send(server, { key: caller.apiKey }, 'GET', `/api/v1/workspaces/${outside.id}`)).status, 200);
        }
      });

      it('an annotator lists only its memberships on /api/v1/me/workspaces', async () => {
        const reply = await send(server, { key: annotator.apiKey }, 'GET', '/api/v1/me/workspaces');
        assert.equal(reply.status, 200);
        assert.deepEqual(items(reply.body).map((w) => w.name), [workspace.name]);
      });
    });
  });

  describe(`the last enabled superuser, owner or admin (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    /** the default admin's id */
    async function defaultAdmin(): Promise<string> {
      const reply = await send(server, { key: server.adminKey }, 'GET', '/api/me');
      return reply.body.id;
    }

    it('an admin may be demoted while an owner remains, then the owner is the last one: no demotion, disabling or deletion (409)', async () => {
      const owner = await makeUser(server, { role: 'owner' });
      // a disabled owner does not count
      await makeUser(server, { role: 'owner', disabled: true });
      const key = { key: owner.apiKey };
      const adminId = await defaultAdmin();
      const demoted = await send(server, key, 'PATCH', `/api/v1/users/${adminId}`, await dumpOf(server, adminId, { role: 'annotator' }));
      assert.equal(demoted.status, 200, JSON.stringify(demoted.body));
      assert.equal(demoted.body.role, 'annotator');

      const dump = await (async () => {
        const reply = await send(server, key, 'GET', `/api/v1/users/${owner.id}`);
        const { username, first_name, last_name, role, inserted_at, updated_at } = reply.body;
        return { id: owner.id, username, first_name, last_name, role, inserted_at, updated_at };
      })();
      assertProblem(await send(server, key, 'PATCH', `/api/v1/users/${owner.id}`, { ...dump, role: 'annotator' }), 409, 'last_admin');
      assertProblem(await send(server, key, 'PATCH', `/api/users/${owner.id}`, { role: 'annotator' }), 409, 'last_admin');
      assertProblem(await send(server, key, 'PATCH', `/api/users/${owner.id}`, { disabled: true }), 409, 'last_admin');
      assertProblem(await send(server, key, 'DELETE', `/api/v1/users/${owner.id}`), 409, 'last_admin');
      assertProblem(await send(server, key, 'DELETE', `/api/users/${owner.id}`), 409, 'last_admin');

      // Owner to admin keeps a superuser: allowed. The new admin is then the last one.
      const changed = await send(server, key, 'PATCH', `/api/v1/users/${owner.id}`, { ...dump, role: 'admin' });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.role, 'admin');
      assertProblem(await send(server, key, 'PATCH', `/api/users/${owner.id}`, { role: 'annotator' }), 409, 'last_admin');
      assertProblem(await send(server, key, 'DELETE', `/api/v1/users/${owner.id}`), 409, 'last_admin');

      // With an owner beside it again, the admin may go.
      const heir = await makeUser(server, { role: 'owner' });
      const gone = await send(server, key, 'DELETE', `/api/v1/users/${owner.id}`);
      assert.equal(gone.status, 200, JSON.stringify(gone.body));
      assert.equal(gone.body.id, owner.id);
      // and the heir, alone now, is protected in turn
      assertProblem(await send(server, { key: heir.apiKey }, 'DELETE', `/api/v1/users/${heir.id}`), 409, 'last_admin');
    });
  });
}

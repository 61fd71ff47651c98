// Who may call what, and the order of checks: 401 before 422 before 403
// before 404/409. Every refused request must leave the database as it was.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertProblem, countRows, createWorkspace, UNKNOWN_ID, uniqueName } from './support.js';

interface Target {
  method: string;
  path: string;
  json?: unknown;
}

interface RouteCase {
  name: string;
  /** true: admins only (annotators get 403) */
  adminOnly: boolean;
  /** a fresh, valid request for this route */
  make(server: TestServer, caller: Made | null): Promise<Target>;
}

const ROUTES: RouteCase[] = [
  { name: 'GET /api/me', adminOnly: false, make: async () => ({ method: 'GET', path: '/api/me' }) },
  { name: 'GET /api/users', adminOnly: true, make: async () => ({ method: 'GET', path: '/api/users' }) },
  {
    name: 'POST /api/users',
    adminOnly: true,
    make: async () => ({
      method: 'POST',
      path: '/api/users',
      json: { first_name: 'New', username: uniqueName('new'), password: 'a-good-password', workspaces: [uniqueName('nw')] },
    }),
  },
  {
    name: 'GET /api/users/{id}',
    adminOnly: true,
    make: async (server) => ({ method: 'GET', path: `/api/users/${(await makeUser(server)).id}` }),
  },
  {
    name: 'PATCH /api/users/{id}',
    adminOnly: true,
    make: async (server) => ({ method: 'PATCH', path: `/api/users/${(await makeUser(server)).id}`, json: { first_name: 'Changed', role: 'admin' } }),
  },
  {
    name: 'DELETE /api/users/{id}',
    adminOnly: true,
    make: async (server) => ({ method: 'DELETE', path: `/api/users/${(await makeUser(server)).id}` }),
  },
  { name: 'GET /api/workspaces', adminOnly: false, make: async () => ({ method: 'GET', path: '/api/workspaces' }) },
  {
    name: 'POST /api/workspaces',
    adminOnly: true,
    make: async () => ({ method: 'POST', path: '/api/workspaces', json: { name: uniqueName('ws') } }),
  },
  {
    name: 'GET /api/workspaces/{id} (caller is a member)',
    adminOnly: false,
    make: async (server, caller) => {
      const workspace = await createWorkspace(server);
      if (caller) await call(server, 'POST', `/api/workspaces/${workspace.id}/users/${caller.id}`, { key: server.adminKey });
      return { method: 'GET', path: `/api/workspaces/${workspace.id}` };
    },
  },
  {
    name: 'DELETE /api/workspaces/{id}',
    adminOnly: true,
    make: async (server) => ({ method: 'DELETE', path: `/api/workspaces/${(await createWorkspace(server)).id}` }),
  },
  {
    name: 'GET /api/workspaces/{id}/users',
    adminOnly: true,
    make: async (server, caller) => {
      const workspace = await createWorkspace(server);
      if (caller) await call(server, 'POST', `/api/workspaces/${workspace.id}/users/${caller.id}`, { key: server.adminKey });
      return { method: 'GET', path: `/api/workspaces/${workspace.id}/users` };
    },
  },
  {
    name: 'POST /api/workspaces/{id}/users/{user_id}',
    adminOnly: true,
    make: async (server) => {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server);
      return { method: 'POST', path: `/api/workspaces/${workspace.id}/users/${user.id}` };
    },
  },
  {
    name: 'DELETE /api/workspaces/{id}/users/{user_id}',
    adminOnly: true,
    make: async (server) => {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server, { workspaces: [workspace.name] });
      return { method: 'DELETE', path: `/api/workspaces/${workspace.id}/users/${user.id}` };
    },
  },
];

const TABLES = ['users', 'workspaces', 'memberships', 'api_keys', 'login_sessions'] as const;

async function snapshot(server: TestServer): Promise<Record<string, unknown>> {
  const db = server.database.db;
  return {
    users: await db.selectFrom('users').selectAll().orderBy('id').execute(),
    workspaces: await db.selectFrom('workspaces').selectAll().orderBy('id').execute(),
    memberships: await db.selectFrom('memberships').selectAll().orderBy('id').execute(),
    counts: await Promise.all(TABLES.map((t) => countRows(server, t))),
  };
}

function send(server: TestServer, target: Target, credentials: { key?: string; bearer?: string }) {
  return call(server, target.method, target.path, { ...credentials, json: target.json });
}

for (const backend of backends()) {
  describe(`HTTP role matrix (${backend.name})`, () => {
    let server: TestServer;
    let annotator: Made;
    let disabledAdmin: Made;
    let disabledAnnotator: Made;
    let secondAdmin: Made;
    before(async () => {
      server = await startTestServer(backend);
      annotator = await makeUser(server, { role: 'annotator' });
      secondAdmin = await makeUser(server, { role: 'admin' });
      disabledAdmin = await makeUser(server, { role: 'admin', disabled: true });
      disabledAnnotator = await makeUser(server, { role: 'annotator', disabled: true });
    });
    after(() => server.close());

    for (const route of ROUTES) {
      it(`${route.name}: 401 without credentials, with a wrong key, or as a disabled user; nothing written`, async () => {
        const target = await route.make(server, disabledAdmin);
        const before = await snapshot(server);
        for (const credentials of [
          {},
          { key: 'argilla_this-is-not-a-key-0000000000000000000' },
          { bearer: 'this-is-not-a-token' },
          { key: disabledAdmin.apiKey },
          { bearer: disabledAdmin.apiKey },
          { key: disabledAnnotator.apiKey },
        ]) {
          const body = assertProblem(await send(server, target, credentials), 401, 'unauthorized');
          assert.ok(!JSON.stringify(body).includes(disabledAdmin.username));
        }
        assert.deepEqual(await snapshot(server), before);
      });

      if (route.adminOnly) {
        it(`${route.name}: 403 for an annotator; nothing written`, async () => {
          const target = await route.make(server, annotator);
          const before = await snapshot(server);
          assertProblem(await send(server, target, { key: annotator.apiKey }), 403, 'forbidden');
          assertProblem(await send(server, target, { bearer: annotator.apiKey }), 403, 'forbidden');
          assert.deepEqual(await snapshot(server), before);
        });
      } else {
        it(`${route.name}: 200 for an annotator`, async () => {
          const target = await route.make(server, annotator);
          const reply = await send(server, target, { key: annotator.apiKey });
          assert.equal(reply.status, 200, JSON.stringify(reply.body));
        });
      }

      it(`${route.name}: 200 for an admin (the default one and another)`, async () => {
        for (const admin of [{ key: server.adminKey }, { key: secondAdmin.apiKey }]) {
          const target = await route.make(server, null);
          const reply = await send(server, target, admin);
          assert.equal(reply.status, 200, `${route.name}: ${JSON.stringify(reply.body)}`);
          assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
        }
      });
    }

    it('POST /api/security/logout: 401 without credentials or with a wrong key', async () => {
      assertProblem(await call(server, 'POST', '/api/security/logout'), 401);
      assertProblem(await call(server, 'POST', '/api/security/logout', { key: 'argilla_nope-nope-nope-nope' }), 401);
      assertProblem(await call(server, 'POST', '/api/security/logout', { key: disabledAdmin.apiKey }), 401);
    });

    it('public routes answer anyone, even with a wrong key', async () => {
      for (const path of ['/api/_info', '/api/_status', '/api/openapi.json', '/api/docs']) {
        assert.equal((await call(server, 'GET', path)).status, 200, path);
        assert.equal((await call(server, 'GET', path, { key: 'argilla_wrong-wrong-wrong' })).status, 200, path);
      }
    });
  });

  describe(`HTTP order of checks (${backend.name})`, () => {
    let server: TestServer;
    let annotator: Made;
    before(async () => {
      server = await startTestServer(backend);
      annotator = await makeUser(server, { workspaces: [] });
    });
    after(() => server.close());

    const invalidUser = { first_name: '', username: 'Not Valid', password: 'short', role: 'boss' };

    it('401 before 422: no or wrong credentials with an invalid or malformed body', async () => {
      const users = await countRows(server, 'users');
      assertProblem(await call(server, 'POST', '/api/users', { json: invalidUser }), 401);
      assertProblem(await call(server, 'POST', '/api/users', { key: 'argilla_wrong-key-0000000000', json: invalidUser }), 401);
      assertProblem(await call(server, 'POST', '/api/users', { body: '{"first_name": ', headers: { 'content-type': 'application/json' } }), 401);
      assertProblem(await call(server, 'GET', '/api/users/not-a-uuid'), 401);
      assertProblem(await call(server, 'PATCH', `/api/users/${UNKNOWN_ID}`, { json: { disabled: 'yes' } }), 401);
      assertProblem(await call(server, 'GET', '/api/users?limit=5000'), 401);
      assertProblem(await call(server, 'POST', '/api/workspaces', { json: { name: 'Bad Name' } }), 401);
      assertProblem(await call(server, 'POST', '/api/users', { body: 'x', headers: { 'content-type': 'text/plain' } }), 401);
      assert.equal(await countRows(server, 'users'), users);
    });

    it('422 before 403: an annotator sending invalid input gets 422', async () => {
      const users = await countRows(server, 'users');
      assertProblem(await call(server, 'POST', '/api/users', { key: annotator.apiKey, json: invalidUser }), 422);
      assertProblem(await call(server, 'POST', '/api/users', { key: annotator.apiKey, json: { first_name: 123 } }), 422);
      assertProblem(await call(server, 'GET', '/api/users/not-a-uuid', { key: annotator.apiKey }), 422);
      assertProblem(await call(server, 'GET', '/api/users?limit=5000', { key: annotator.apiKey }), 422);
      assertProblem(await call(server, 'PATCH', `/api/users/${UNKNOWN_ID}`, { key: annotator.apiKey, json: { role: 'boss' } }), 422);
      assertProblem(await call(server, 'POST', '/api/workspaces', { key: annotator.apiKey, json: { name: 'Bad Name' } }), 422);
      assertProblem(await call(server, 'DELETE', '/api/workspaces/123', { key: annotator.apiKey }), 422);
      assertProblem(await call(server, 'POST', `/api/workspaces/${UNKNOWN_ID}/users/xyz`, { key: annotator.apiKey }), 422);
      assert.equal(await countRows(server, 'users'), users);
    });

    it('403 before 404 and 409: an annotator naming unknown or existing things gets 403', async () => {
      const other = await makeUser(server);
      const workspace = await createWorkspace(server);
      assertProblem(await call(server, 'GET', `/api/users/${UNKNOWN_ID}`, { key: annotator.apiKey }), 403);
      assertProblem(await call(server, 'PATCH', `/api/users/${UNKNOWN_ID}`, { key: annotator.apiKey, json: { first_name: 'X' } }), 403);
      assertProblem(await call(server, 'DELETE', `/api/users/${UNKNOWN_ID}`, { key: annotator.apiKey }), 403);
      assertProblem(
        await call(server, 'POST', '/api/users', { key: annotator.apiKey, json: { first_name: 'X', username: other.username, password: 'a-good-password' } }),
        403,
      );
      assertProblem(await call(server, 'POST', '/api/workspaces', { key: annotator.apiKey, json: { name: workspace.name } }), 403);
      assertProblem(await call(server, 'DELETE', `/api/workspaces/${UNKNOWN_ID}`, { key: annotator.apiKey }), 403);
      assertProblem(await call(server, 'GET', `/api/workspaces/${UNKNOWN_ID}/users`, { key: annotator.apiKey }), 403);
      assertProblem(await call(server, 'POST', `/api/workspaces/${UNKNOWN_ID}/users/${UNKNOWN_ID}`, { key: annotator.apiKey }), 403);
      assertProblem(await call(server, 'DELETE', `/api/workspaces/${UNKNOWN_ID}/users/${UNKNOWN_ID}`, { key: annotator.apiKey }), 403);
    });

    it('404 for a route any user may call: an annotator asking for an unknown workspace', async () => {
      assertProblem(await call(server, 'GET', `/api/workspaces/${UNKNOWN_ID}`, { key: annotator.apiKey }), 404);
    });

    it('an admin gets 422 for invalid input and then 404/409', async () => {
      assertProblem(await call(server, 'GET', '/api/users/not-a-uuid', { key: server.adminKey }), 422);
      assertProblem(await call(server, 'GET', `/api/users/${UNKNOWN_ID}`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'PATCH', `/api/users/${UNKNOWN_ID}`, { key: server.adminKey, json: { role: 'boss' } }), 422);
      assertProblem(
        await call(server, 'POST', '/api/users', { key: server.adminKey, json: { first_name: 'X', username: annotator.username, password: 'short' } }),
        422,
      );
      assertProblem(
        await call(server, 'POST', '/api/users', { key: server.adminKey, json: { first_name: 'X', username: annotator.username, password: 'a-good-password' } }),
        409,
      );
    });
  });
}

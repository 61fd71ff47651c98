// The routes Argilla's Python clients call: none answers a redirect (httpx does not follow one, so
// a 3xx is an error for every client generation), with or without a trailing slash, and each
// /api/v1 route is registered and described in the OpenAPI document.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type TestServer } from '../helpers/http.js';
import { send, uniqueName } from './support.js';

const PASSWORD = 'a-good-password';

interface RouteCase {
  /** method and path as the OpenAPI document names it */
  route: string;
  /** the status of a valid request without the trailing slash */
  status: number;
  /** a fresh, valid request: its path and body */
  make(server: TestServer): Promise<{ path: string; json?: unknown }>;
}

async function workspace(server: TestServer): Promise<{ id: string; name: string }> {
  const reply = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: uniqueName('ws') } });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}
const user = (server: TestServer) => makeUser(server);
async function member(server: TestServer): Promise<{ workspaceId: string; userId: string }> {
  const w = await workspace(server);
  return { workspaceId: w.id, userId: (await makeUser(server, { workspaces: [w.name] })).id };
}
async function dump(server: TestServer, id: string): Promise<Record<string, unknown>> {
  const reply = await call(server, 'GET', `/api/v1/users/${id}`, { key: server.adminKey });
  const { username, first_name, last_name, role, inserted_at, updated_at } = reply.body;
  return { id, username, first_name: `${first_name}-changed`, last_name, role, inserted_at, updated_at };
}

/** Every /api/v1 route the later clients call. */
const V1_ROUTES: RouteCase[] = [
  { route: 'GET /api/v1/me', status: 200, make: async () => ({ path: '/api/v1/me' }) },
  { route: 'GET /api/v1/me/workspaces', status: 200, make: async () => ({ path: '/api/v1/me/workspaces' }) },
  { route: 'GET /api/v1/me/datasets', status: 200, make: async () => ({ path: '/api/v1/me/datasets' }) },
  { route: 'GET /api/v1/users', status: 200, make: async () => ({ path: '/api/v1/users' }) },
  {
    route: 'POST /api/v1/users',
    status: 201,
    make: async () => ({
      path: '/api/v1/users',
      json: { id: null, inserted_at: null, updated_at: null, username: uniqueName('u'), role: 'annotator', first_name: 'U', last_name: null, password: PASSWORD },
    }),
  },
  { route: 'GET /api/v1/users/{id}', status: 200, make: async (s) => ({ path: `/api/v1/users/${(await user(s)).id}` }) },
  {
    route: 'PATCH /api/v1/users/{id}',
    status: 200,
    make: async (s) => {
      const id = (await user(s)).id;
      return { path: `/api/v1/users/${id}`, json: await dump(s, id) };
    },
  },
  { route: 'DELETE /api/v1/users/{id}', status: 200, make: async (s) => ({ path: `/api/v1/users/${(await user(s)).id}` }) },
  { route: 'GET /api/v1/users/{id}/workspaces', status: 200, make: async (s) => ({ path: `/api/v1/users/${(await member(s)).userId}/workspaces` }) },
  { route: 'POST /api/v1/workspaces', status: 201, make: async () => ({ path: '/api/v1/workspaces', json: { name: uniqueName('ws') } }) },
  { route: 'GET /api/v1/workspaces/{id}', status: 200, make: async (s) => ({ path: `/api/v1/workspaces/${(await workspace(s)).id}` }) },
  { route: 'DELETE /api/v1/workspaces/{id}', status: 200, make: async (s) => ({ path: `/api/v1/workspaces/${(await workspace(s)).id}` }) },
  { route: 'GET /api/v1/workspaces/{id}/users', status: 200, make: async (s) => ({ path: `/api/v1/workspaces/${(await workspace(s)).id}/users` }) },
  {
    route: 'POST /api/v1/workspaces/{id}/users',
    status: 201,
    make: async (s) => ({ path: `/api/v1/workspaces/${(await workspace(s)).id}/users`, json: { user_id: (await user(s)).id } }),
  },
  {
    route: 'DELETE /api/v1/workspaces/{id}/users/{user_id}',
    status: 200,
    make: async (s) => {
      const { workspaceId, userId } = await member(s);
      return { path: `/api/v1/workspaces/${workspaceId}/users/${userId}` };
    },
  },
];

/** The older routes the 1.x client calls. */
const V0_ROUTES: RouteCase[] = [
  { route: 'GET /api/me', status: 200, make: async () => ({ path: '/api/me' }) },
  { route: 'GET /api/_info', status: 200, make: async () => ({ path: '/api/_info' }) },
  { route: 'GET /api/_status', status: 200, make: async () => ({ path: '/api/_status' }) },
  { route: 'GET /api/users', status: 200, make: async () => ({ path: '/api/users' }) },
  {
    route: 'POST /api/users',
    status: 200,
    make: async () => ({ path: '/api/users', json: { first_name: 'U', username: uniqueName('u'), role: 'annotator', password: PASSWORD } }),
  },
  { route: 'DELETE /api/users/{id}', status: 200, make: async (s) => ({ path: `/api/users/${(await user(s)).id}` }) },
  { route: 'GET /api/workspaces', status: 200, make: async () => ({ path: '/api/workspaces' }) },
  { route: 'POST /api/workspaces', status: 200, make: async () => ({ path: '/api/workspaces', json: { name: uniqueName('ws') } }) },
  { route: 'GET /api/workspaces/{id}/users', status: 200, make: async (s) => ({ path: `/api/workspaces/${(await workspace(s)).id}/users` }) },
  {
    route: 'POST /api/workspaces/{id}/users/{user_id}',
    status: 200,
    make: async (s) => ({ path: `/api/workspaces/${(await workspace(s)).id}/users/${(await user(s)).id}` }),
  },
  {
    route: 'DELETE /api/workspaces/{id}/users/{user_id}',
    status: 200,
    make: async (s) => {
      const { workspaceId, userId } = await member(s);
      return { path: `/api/workspaces/${workspaceId}/users/${userId}` };
    },
  },
];

/** `/api/users/{id}` and `/api/users/:id` alike become `/api/users/{}`. */
function shape(path: string): string {
  return path.replace(/\{[^}]+\}/g, '{}').replace(/:[A-Za-z0-9_]+/g, '{}');
}

for (const backend of backends()) {
  describe(`the routes of the Python clients (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    for (const route of [...V1_ROUTES, ...V0_ROUTES]) {
      it(`${route.route}: ${route.status}, and no redirect with a trailing slash either`, async () => {
        const method = route.route.split(' ')[0]!;
        for (const slash of ['', '/']) {
          const { path, json } = await route.make(server);
          // Both client generations send the key header; the 1.x one adds it as a bearer token.
          const reply = await send(server, { key: server.adminKey, bearer: server.adminKey }, method, path + slash, json);
          const context = `${method} ${path + slash} → ${reply.status} ${JSON.stringify(reply.body)}`;
          assert.ok(reply.status < 300 || reply.status >= 400, `a redirect: ${context}`);
          assert.equal(reply.headers.get('location'), null, context);
          assert.ok(reply.status < 500, context);
          if (slash === '') assert.equal(reply.status, route.status, context);
        }
      });
    }

    // (that each is registered is shown by the requests above, which get their success status)
    it('every /api/v1 route is described in the OpenAPI document', async () => {
      const reply = await call(server, 'GET', '/api/openapi.json');
      assert.equal(reply.status, 200);
      const documented = new Set<string>();
      for (const [path, item] of Object.entries(reply.body.paths as Record<string, Record<string, unknown>>)) {
        for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${shape(path)}`);
      }
      const missing = V1_ROUTES.map((r) => r.route).filter((r) => {
        const [method, path] = r.split(' ');
        return !documented.has(`${method} ${shape(path!)}`);
      });
      assert.deepEqual(missing, [], `not in the OpenAPI document: ${missing.join(', ')}`);
    });
  });
}

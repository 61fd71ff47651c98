// Routes that take no body answer as usual to `Content-Type: application/json` with an empty body
// (as Argilla 1.6 does: some clients send the header on every request); routes that need a body
// answer an empty one with a 422 saying that the body is required.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { backends } from '../helpers/databases.js';
import { call, loginToken, makeUser, startTestServer, type Made, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem, countRows, createWorkspace, uniqueName } from './support.js';

const EMPTY_JSON = { body: '', headers: { 'content-type': 'application/json' } };

/**
 * A request with `Content-Type: application/json` and `Content-Length: 0`, sent with node:http
 * (fetch refuses any body, even an empty one, on a GET).
 */
function emptyJsonCall(server: TestServer, method: string, path: string, auth: { key?: string; bearer?: string }): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': '0' };
  if (auth.key !== undefined) headers['x-argilla-api-key'] = auth.key;
  if (auth.bearer !== undefined) headers.authorization = `Bearer ${auth.bearer}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(server.url + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') replyHeaders.set(name, value);
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: replyHeaders, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

for (const backend of backends()) {
  describe(`routes without a body take an empty JSON body (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    /** `METHOD /path/{param}` of every operation the OpenAPI document lists without a request body. */
    async function bodyLessOperations(): Promise<string[]> {
      const document = (await call(server, 'GET', '/api/openapi.json')).body;
      const operations: string[] = [];
      for (const [path, item] of Object.entries<Record<string, { requestBody?: unknown }>>(document.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          if (['get', 'post', 'put', 'patch', 'delete'].includes(method) && operation.requestBody === undefined) {
            operations.push(`${method.toUpperCase()} ${path}`);
          }
        }
      }
      return operations.sort();
    }

    interface Fixture {
      user: Made;
      workspace: { id: string; name: string };
      dataset: string;
      keyId: string;
    }

    async function fixture(): Promise<Fixture> {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server, { workspaces: [workspace.name] });
      const dataset = uniqueName('ds');
      const made = await call(server, 'POST', `/api/datasets?workspace=${workspace.name}`, { key: server.adminKey, json: { name: dataset } });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      const key = await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'extra' } });
      assert.equal(key.status, 200, JSON.stringify(key.body));
      return { user, workspace, dataset, keyId: key.body.id };
    }

    /** Each body-less operation, sent with an empty JSON body: the request and its usual status. */
    const CASES: Record<string, (f: Fixture) => { path: string; key?: string; bearer?: string; status: number }> = {
      'GET /api/_info': () => ({ path: '/api/_info', status: 200 }),
      'GET /api/_status': () => ({ path: '/api/_status', status: 200 }),
      // Single sign-on: the browser routes answer redirects (here to the login page: no provider is configured).
      'GET /api/oauth2/providers': () => ({ path: '/api/oauth2/providers', status: 200 }),
      'GET /api/oauth2/providers/{name}/authorize': () => ({ path: '/api/oauth2/providers/none/authorize', status: 302 }),
      'GET /api/oauth2/providers/{name}/callback': () => ({ path: '/api/oauth2/providers/none/callback', status: 302 }),
      'GET /api/oauth2/providers/{name}/logout': () => ({ path: '/api/oauth2/providers/none/logout', status: 302 }),
      'GET /api/me': (f) => ({ path: '/api/me', key: f.user.apiKey, status: 200 }),
      'GET /api/users': () => ({ path: '/api/users', key: server.adminKey, status: 200 }),
      'GET /api/users/{id}': (f) => ({ path: `/api/users/${f.user.id}`, key: server.adminKey, status: 200 }),
      'GET /api/workspaces': () => ({ path: '/api/workspaces', key: server.adminKey, status: 200 }),
      'GET /api/workspaces/{id}': (f) => ({ path: `/api/workspaces/${f.workspace.id}`, key: server.adminKey, status: 200 }),
      'GET /api/workspaces/{id}/users': (f) => ({ path: `/api/workspaces/${f.workspace.id}/users`, key: server.adminKey, status: 200 }),
      'GET /api/me/api-keys': (f) => ({ path: '/api/me/api-keys', key: f.user.apiKey, status: 200 }),
      'GET /api/users/{id}/api-keys': (f) => ({ path: `/api/users/${f.user.id}/api-keys`, key: server.adminKey, status: 200 }),
      'GET /api/audit-events': () => ({ path: '/api/audit-events', key: server.adminKey, status: 200 }),
      'GET /api/datasets': (f) => ({ path: `/api/datasets?workspace=${f.workspace.name}`, key: server.adminKey, status: 200 }),
      'GET /api/datasets/{name}': (f) => ({ path: `/api/datasets/${f.dataset}?workspace=${f.workspace.name}`, key: server.adminKey, status: 200 }),
      'GET /api/datasets/{name}/settings': (f) => ({ path: `/api/datasets/${f.dataset}/settings?workspace=${f.workspace.name}`, key: server.adminKey, status: 200 }),
      'GET /api/datasets/{name}/progress': (f) => ({ path: `/api/datasets/${f.dataset}/progress?workspace=${f.workspace.name}`, key: f.user.apiKey, status: 200 }),
      'GET /api/datasets/{name}/records': (f) => ({ path: `/api/datasets/${f.dataset}/records?workspace=${f.workspace.name}`, key: server.adminKey, status: 200 }),
      'POST /api/workspaces/{id}/users/{user_id}': (f) => ({ path: `/api/workspaces/${f.workspace.id}/users/${f.user.id}`, key: server.adminKey, status: 409 }),
      'POST /api/me/api-keys/{key_id}/rotate': (f) => ({ path: `/api/me/api-keys/${f.keyId}/rotate`, key: f.user.apiKey, status: 200 }),
      'POST /api/users/{id}/api-keys/{key_id}/rotate': (f) => ({ path: `/api/users/${f.user.id}/api-keys/${f.keyId}/rotate`, key: server.adminKey, status: 200 }),
      'DELETE /api/me/api-keys/{key_id}': (f) => ({ path: `/api/me/api-keys/${f.keyId}`, key: f.user.apiKey, status: 200 }),
      'DELETE /api/users/{id}/api-keys/{key_id}': (f) => ({ path: `/api/users/${f.user.id}/api-keys/${f.keyId}`, key: server.adminKey, status: 200 }),
      'DELETE /api/workspaces/{id}/users/{user_id}': (f) => ({ path: `/api/workspaces/${f.workspace.id}/users/${f.user.id}`, key: server.adminKey, status: 200 }),
      'DELETE /api/datasets/{name}': (f) => ({ path: `/api/datasets/${f.dataset}?workspace=${f.workspace.name}`, key: server.adminKey, status: 200 }),
      'DELETE /api/workspaces/{id}': (f) => ({ path: `/api/workspaces/${f.workspace.id}`, key: server.adminKey, status: 409 }),
      'POST /api/users/{id}/unlock': (f) => ({ path: `/api/users/${f.user.id}/unlock`, key: server.adminKey, status: 200 }),
      'DELETE /api/users/{id}': (f) => ({ path: `/api/users/${f.user.id}`, key: server.adminKey, status: 200 }),
      'POST /api/security/logout': () => ({ path: '/api/security/logout', status: 200 }),
      // The routes of Argilla's later clients.
      'GET /api/v1/me': (f) => ({ path: '/api/v1/me', key: f.user.apiKey, status: 200 }),
      'GET /api/v1/me/workspaces': (f) => ({ path: '/api/v1/me/workspaces', key: f.user.apiKey, status: 200 }),
      'GET /api/v1/me/datasets': (f) => ({ path: '/api/v1/me/datasets', key: f.user.apiKey, status: 200 }),
      'GET /api/v1/users': () => ({ path: '/api/v1/users', key: server.adminKey, status: 200 }),
      'GET /api/v1/users/{id}': (f) => ({ path: `/api/v1/users/${f.user.id}`, key: server.adminKey, status: 200 }),
      'GET /api/v1/users/{id}/workspaces': (f) => ({ path: `/api/v1/users/${f.user.id}/workspaces`, key: server.adminKey, status: 200 }),
      'GET /api/v1/workspaces/{id}': (f) => ({ path: `/api/v1/workspaces/${f.workspace.id}`, key: f.user.apiKey, status: 200 }),
      'GET /api/v1/workspaces/{id}/users': (f) => ({ path: `/api/v1/workspaces/${f.workspace.id}/users`, key: server.adminKey, status: 200 }),
      'DELETE /api/v1/users/{id}': (f) => ({ path: `/api/v1/users/${f.user.id}`, key: server.adminKey, status: 200 }),
      'DELETE /api/v1/workspaces/{id}': (f) => ({ path: `/api/v1/workspaces/${f.workspace.id}`, key: server.adminKey, status: 409 }),
      'DELETE /api/v1/workspaces/{id}/users/{user_id}': (f) => ({ path: `/api/v1/workspaces/${f.workspace.id}/users/${f.user.id}`, key: server.adminKey, status: 200 }),
    };

    it('the cases below cover every operation without a request body', async () => {
      assert.deepEqual(await bodyLessOperations(), Object.keys(CASES).sort());
    });

    for (const [operation, make] of Object.entries(CASES)) {
      it(`${operation} with an empty JSON body answers as usual`, async () => {
        const f = await fixture();
        const method = operation.split(' ')[0]!;
        const request = make(f);
        let bearer = request.bearer;
        if (operation === 'POST /api/security/logout') bearer = await loginToken(server, f.user.username, f.user.password);
        const reply = await emptyJsonCall(server, method, request.path, { key: request.key, bearer });
        if (request.status === 200 || request.status === 302) assert.equal(reply.status, request.status, `${operation}: ${reply.status} ${JSON.stringify(reply.body)}`);
        else assertProblem(reply, request.status);
        // The same request without the header answers the same (fetch would follow a redirect).
        if (operation.startsWith('GET ') && request.status !== 302) {
          const plain = await call(server, method, request.path, { key: request.key, bearer });
          assert.equal(plain.status, reply.status);
        }
      });
    }

    it('logout with an empty JSON body really ends the token', async () => {
      const user = await makeUser(server);
      const token = await loginToken(server, user.username, user.password);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: token })).status, 200);
      const reply = await call(server, 'POST', '/api/security/logout', { bearer: token, ...EMPTY_JSON });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body, { detail: 'Logged out.' });
      assertProblem(await call(server, 'GET', '/api/me', { bearer: token }), 401, 'unauthorized');
    });

    it('removing a member with an empty JSON body removes it; adding one adds it', async () => {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server);
      const path = `/api/workspaces/${workspace.id}/users/${user.id}`;
      const added = await call(server, 'POST', path, { key: server.adminKey, ...EMPTY_JSON });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.deepEqual(added.body.workspaces, [workspace.name]);
      const removed = await call(server, 'DELETE', path, { key: server.adminKey, ...EMPTY_JSON });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.deepEqual(removed.body.workspaces, []);
    });

    it('a route that needs a body answers an empty one with a 422 saying the body is required, writing nothing', async () => {
      const user = await makeUser(server);
      const workspace = await createWorkspace(server);
      const requests: Array<[string, string, string | undefined]> = [
        ['POST', '/api/users', server.adminKey],
        ['PATCH', `/api/users/${user.id}`, server.adminKey],
        ['POST', '/api/workspaces', server.adminKey],
        ['POST', '/api/me/api-keys', user.apiKey],
        ['PATCH', '/api/me/password', user.apiKey],
        ['POST', '/api/security/token', undefined],
        ['POST', `/api/datasets?workspace=${workspace.name}`, server.adminKey],
      ];
      const counts = async () => [await countRows(server, 'users'), await countRows(server, 'workspaces'), await countRows(server, 'api_keys')];
      const before = await counts();
      for (const [method, path, key] of requests) {
        for (const options of [EMPTY_JSON, {}]) {
          const reply: Reply = await call(server, method, path, { key, ...options });
          const body = assertProblem(reply, 422, 'validation_error');
          assert.deepEqual(body.errors, [{ pointer: '/', message: 'required: send a JSON object' }], `${method} ${path}`);
          assert.match(body.detail, /body is required/, `${method} ${path}`);
        }
      }
      assert.deepEqual(await counts(), before);
    });

    it('a body of only spaces is still malformed JSON', async () => {
      const reply = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, body: '   ', headers: { 'content-type': 'application/json' } });
      assertProblem(reply, 422, 'malformed_json');
    });
  });
}

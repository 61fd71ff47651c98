// GET /api/openapi.json (OpenAPI 3.1 of every route), GET /api/docs, /api/_info and /api/_status.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, startTestServer, type TestServer } from '../helpers/http.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Every (method, path) the app registered, read from Fastify's route tree. Each line of
 * `printRoutes({ commonPrefix: false })` is one node: its indentation gives the depth and its text
 * the path segment added to its parent's, followed by the methods in parentheses.
 */
function registeredRoutes(server: TestServer): Array<{ method: string; url: string }> {
  const tree = server.app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: Array<{ method: string; url: string }> = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line.replace(/\s+$/, ''));
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const url = (depth > 0 ? stack[depth - 1]! : '') + match[2]!;
    stack.push(url);
    // The tree prints a literal colon (registered as '::', e.g. records::bulk) as a single one.
    const registered = url.replace(/([^/:]):(?=[A-Za-z])/g, '$1::');
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) {
      // A literal colon right after a slash (records/:search) prints like a parameter: ask the app which it is.
      const literal = registered.replace(/\/:(?=[A-Za-z][^/]*$)/, '/::');
      const known = server.app.hasRoute({ method: method as 'GET', url: registered }) || !server.app.hasRoute({ method: method as 'GET', url: literal });
      routes.push({ method, url: known ? registered : literal });
    }
  }
  return routes;
}

/**
 * `/api/users/:id` → `/api/users/{id}`; a parameter's regex constraint is dropped and a literal
 * colon (`::`) is one colon: `/api/datasets/:name(^[a-z]+)::copy` → `/api/datasets/{name}:copy`.
 */
function toOpenApiPath(url: string): string {
  return url
    .replace(/\([^)]*\)/g, '')
    .replace(/::/g, '\u0000')
    .replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    .replace(/\u0000/g, ':');
}

for (const backend of backends()) {
  describe(`HTTP OpenAPI, docs and info (${backend.name})`, () => {
    let server: TestServer;
    let doc: any;
    before(async () => {
      server = await startTestServer(backend);
      const reply = await call(server, 'GET', '/api/openapi.json');
      assert.equal(reply.status, 200);
      doc = reply.body;
    });
    after(() => server.close());

    it('GET /api/openapi.json is an OpenAPI 3.1 document, public, as JSON', async () => {
      const reply = await call(server, 'GET', '/api/openapi.json');
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
      assert.match(doc.openapi, /^3\.1\.\d+$/);
      assert.equal(typeof doc.info?.title, 'string');
      assert.equal(typeof doc.info?.version, 'string');
      assert.equal(typeof doc.paths, 'object');
    });

    it('declares security schemes for the API key header and for bearer credentials', () => {
      const schemes = Object.values(doc.components?.securitySchemes ?? {}) as any[];
      assert.ok(
        schemes.some((s) => s.type === 'apiKey' && s.in === 'header' && String(s.name).toLowerCase() === 'x-argilla-api-key'),
        `no API key header scheme in ${JSON.stringify(schemes)}`,
      );
      assert.ok(
        schemes.some((s) => s.type === 'http' && String(s.scheme).toLowerCase() === 'bearer'),
        `no bearer scheme in ${JSON.stringify(schemes)}`,
      );
    });

    it('documents every /api route the app registered (methods included)', () => {
      const routes = registeredRoutes(server).filter(
        (r) => r.url.startsWith('/api') && !r.url.startsWith('/api/docs') && r.url !== '/api/openapi.json' && r.method !== 'HEAD' && r.method !== 'OPTIONS',
      );
      // the parse itself must have found real routes (guards against a silently empty list)
      for (const r of routes) assert.ok(server.app.hasRoute({ method: r.method as 'GET', url: r.url }), `parsed a route that does not exist: ${r.method} ${r.url}`);
      for (const expected of ['GET /api/me', 'POST /api/users', 'PATCH /api/users/:id', 'POST /api/workspaces/:id/users/:user_id', 'POST /api/security/token']) {
        assert.ok(routes.some((r) => `${r.method} ${r.url}` === expected), `route parse missed ${expected}`);
      }
      const missing = routes.filter((r) => !doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(missing, [], `routes missing from the OpenAPI document: ${missing.join(', ')}`);
    });

    it('documents only routes that exist', () => {
      const registered = new Set(registeredRoutes(server).map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.url)}`));
      const phantom: string[] = [];
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        for (const method of METHODS) {
          if (item[method] && !registered.has(`${method} ${path}`)) phantom.push(`${method} ${path}`);
        }
      }
      assert.deepEqual(phantom, []);
    });

    it('covers each route of the HTTP API', () => {
      const spec = [
        'get /api/me',
        'get /api/users',
        'post /api/users',
        'get /api/users/{id}',
        'patch /api/users/{id}',
        'delete /api/users/{id}',
        'get /api/workspaces',
        'post /api/workspaces',
        'get /api/workspaces/{id}',
        'delete /api/workspaces/{id}',
        'get /api/workspaces/{id}/users',
        'post /api/workspaces/{id}/users/{user_id}',
        'delete /api/workspaces/{id}/users/{user_id}',
        'post /api/security/token',
        'post /api/security/logout',
        'get /api/_info',
        'get /api/_status',
        // The routes of Argilla's later clients.
        'get /api/v1/me',
        'get /api/v1/me/workspaces',
        'get /api/v1/me/datasets',
        'get /api/v1/users',
        'post /api/v1/users',
        'get /api/v1/users/{id}',
        'patch /api/v1/users/{id}',
        'delete /api/v1/users/{id}',
        'get /api/v1/users/{id}/workspaces',
        'post /api/v1/workspaces',
        'get /api/v1/workspaces/{id}',
        'delete /api/v1/workspaces/{id}',
        'get /api/v1/workspaces/{id}/users',
        'post /api/v1/workspaces/{id}/users',
        'delete /api/v1/workspaces/{id}/users/{user_id}',
      ];
      const missing = spec.filter((entry) => {
        const [method, path] = entry.split(' ');
        return !doc.paths[path!]?.[method!];
      });
      assert.deepEqual(missing, []);
    });

    it('describes request bodies and the user schema without secrets', () => {
      const create = doc.paths['/api/users']?.post;
      assert.ok(create?.requestBody, 'POST /api/users has no request body');
      const text = JSON.stringify(doc);
      assert.ok(!text.includes('password_hash'), 'the document mentions password_hash');
      assert.ok(!/"digest"/.test(text), 'the document mentions a digest field');
      const login = doc.paths['/api/security/token']?.post;
      assert.ok(login?.requestBody?.content?.['application/x-www-form-urlencoded'], 'the login form content type is not documented');
    });

    it('GET /api/docs answers 200 HTML without credentials', async () => {
      const response = await fetch(`${server.url}/api/docs`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      const html = await response.text();
      assert.match(html, /<html/i);
    });

    it('GET /api/_info answers the Argilla API version followed (PEP 440) and the server\'s own to anyone', async () => {
      const reply = await call(server, 'GET', '/api/_info');
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { version: '1.6.0', server_name: 'argilla-ts', server_version: 'test' });
      assert.equal(doc.info.version, reply.body.server_version);
    });

    it('GET /api/_status reports the version, a healthy database and memory (to an admin)', async () => {
      const reply = await call(server, 'GET', '/api/_status', { key: server.adminKey });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.version, 'test');
      assert.equal(reply.body.database?.healthy, true);
      assert.equal(reply.body.database?.dialect, backend.name);
      assert.equal(typeof reply.body.memory, 'object');
      const numbers = Object.values(reply.body.memory);
      assert.ok(numbers.length > 0);
      for (const n of numbers) assert.ok(typeof n === 'number' && n > 0, `memory value ${String(n)}`);
      assert.ok(!JSON.stringify(reply.body).includes(server.database.describe.split(' at ')[1] ?? '\u0000'), 'status reveals where the database is');
    });
  });
}

// How deep a JSON body may nest. Every JSON body is walked (for text the databases cannot store):
// a walk that recursed once per level overflowed the stack on a 20 KB body of 5,000 levels, a 500
// on every JSON route, the unauthenticated login included. Bodies nesting deeper than the limit
// are a 422 naming it; bodies at the limit are taken, on routes that store free-form JSON too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../src/domain/limits.js';
import { backends } from '../helpers/databases.js';
import { call, startTestServer, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem, countRows, createWorkspace, uniqueName } from './support.js';

const DEPTH_MAX = LIMITS.json_depth_max;

const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const nestedObjects = (levels: number, inner = '1') => `${'{"a":'.repeat(levels)}${inner}${'}'.repeat(levels)}`;

/** An object nesting `levels` objects deep: {"a":{"a":...{"a":1}}}; levels 0 is the number 1. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function assertTooDeep(reply: Reply): void {
  const body = assertProblem(reply, 422, 'validation_error');
  assert.match(body.detail, new RegExp(`\\b${DEPTH_MAX}\\b`), body.detail);
  assert.deepEqual(body.errors, [{ pointer: '/', message: `must not nest objects and arrays more than ${DEPTH_MAX} levels deep` }]);
}

for (const backend of backends()) {
  describe(`JSON nesting depth (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    const json = { 'content-type': 'application/json' };

    it('5,000 levels of arrays or objects are a 422 on the unauthenticated login', async () => {
      for (const body of [nestedArrays(5000), nestedObjects(5000), `{"username":${nestedArrays(5000)},"password":"x"}`]) {
        assertTooDeep(await call(server, 'POST', '/api/security/token', { body, headers: json }));
      }
    });

    it('5,000 levels are a 422 on POST /api/users, writing nothing', async () => {
      const before = await countRows(server, 'users');
      for (const body of [nestedArrays(5000), nestedObjects(5000), `{"first_name":"A","username":"x","password":"a-good-password","extra":${nestedObjects(5000)}}`]) {
        assertTooDeep(await call(server, 'POST', '/api/users', { key: server.adminKey, body, headers: json }));
      }
      assert.equal(await countRows(server, 'users'), before);
    });

    it('100,000 levels (within the body limit) are a 422 too, parsed without overflowing', async () => {
      // The last one makes the parser scan the whole object for prototype poisoning (a key named
      // constructor): that scan must not recurse either.
      const bodies = [nestedArrays(100_000), nestedObjects(100_000), nestedObjects(100_000, '{"constructor":{"x":1}}')];
      for (const body of bodies) {
        assert.ok(body.length < LIMITS.body_limit_bytes);
        assertTooDeep(await call(server, 'POST', '/api/security/token', { body, headers: json }));
        assertTooDeep(await call(server, 'POST', '/api/workspaces', { key: server.adminKey, body, headers: json }));
      }
    });

    it(`a body ${DEPTH_MAX} levels deep is taken (free-form record metadata), ${DEPTH_MAX + 1} levels is refused`, async () => {
      const workspace = await createWorkspace(server);
      const dataset = uniqueName('ds');
      const q = `?workspace=${workspace.name}`;
      assert.equal((await call(server, 'POST', `/api/datasets${q}`, { key: server.adminKey, json: { name: dataset } })).status, 200);
      // The body {records: [ {fields, metadata} ]} is 3 levels before the metadata's own.
      const record = (metadataLevels: number) => ({ records: [{ id: `r${metadataLevels}`, fields: { text: 'x' }, metadata: nested(metadataLevels) }] });
      const atLimit = await call(server, 'POST', `/api/datasets/${dataset}/records:bulk${q}`, { key: server.adminKey, json: record(DEPTH_MAX - 3) });
      assert.equal(atLimit.status, 200, JSON.stringify(atLimit.body));
      assert.deepEqual(atLimit.body, { processed: 1, failed: 0, errors: [] });
      assertTooDeep(await call(server, 'POST', `/api/datasets/${dataset}/records:bulk${q}`, { key: server.adminKey, json: record(DEPTH_MAX - 2) }));
      // What was stored reads back whole.
      const read = await call(server, 'GET', `/api/datasets/${dataset}/records${q}`, { key: server.adminKey });
      assert.equal(read.status, 200);
      assert.deepEqual(read.body.items.map((r: { id: string }) => r.id), [`r${DEPTH_MAX - 3}`]);
      assert.deepEqual(read.body.items[0].metadata, nested(DEPTH_MAX - 3));
    });

    it(`plain arrays: ${DEPTH_MAX} levels reach the route's own validation, ${DEPTH_MAX + 1} do not`, async () => {
      // 64 levels: a well-formed body of the wrong shape, refused by the schema as usual.
      const shaped = assertProblem(await call(server, 'POST', '/api/security/token', { body: nestedArrays(DEPTH_MAX), headers: json }), 422, 'validation_error');
      assert.notDeepEqual(shaped.errors, [{ pointer: '/', message: `must not nest objects and arrays more than ${DEPTH_MAX} levels deep` }]);
      assertTooDeep(await call(server, 'POST', '/api/security/token', { body: nestedArrays(DEPTH_MAX + 1), headers: json }));
    });
  });
}

// The closed catalogues (error codes, audit event types, permissions, limits) and their publication:
// every problem code is well-formed and carries its catalogue status; the OpenAPI document and
// /api/me publish the same lists the server enforces.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_TYPES } from '../../src/domain/audit.js';
import { ERROR_CODES, fail } from '../../src/domain/errors.js';
import { LIMITS } from '../../src/domain/limits.js';
import { PERMISSIONS, ROLE_TABLE, ROLES } from '../../src/domain/policies.js';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type TestServer } from '../helpers/http.js';
import { assertProblem, UNKNOWN_ID } from '../http/support.js';

describe('the error catalogue', () => {
  it('holds only codes a URI and a client can carry, each with an HTTP error status', () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^[a-z][a-z0-9_]*$/, code);
      assert.ok(status >= 400 && status <= 599, code);
    }
  });

  it('names missing and duplicate things by their code, never by their display name', () => {
    assert.equal(fail.notFound('api_key', 'x').code, 'api_key_not_found');
    assert.equal(fail.notFound('api_key', 'x').message, "API key 'x' does not exist.");
    assert.equal(fail.alreadyExists('api_key', 'ab…cd').code, 'api_key_already_exists');
    assert.equal(fail.notFound('workspace', 'w').status, 404);
    assert.equal(fail.alreadyExists('dataset', 'd').status, 409);
  });
});

for (const backend of backends()) {
  describe(`catalogues on the wire (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it('an unknown API key is 404 api_key_not_found with a valid problem type', async () => {
      const reply = await call(server, 'DELETE', `/api/me/api-keys/${UNKNOWN_ID}`, { key: server.adminKey });
      const body = assertProblem(reply, 404, 'api_key_not_found');
      assert.equal(body.type, 'urn:argilla:problem:api_key_not_found');
      assert.deepEqual(body.params, { type: 'API key', name: UNKNOWN_ID });
    });

    it('publishes the catalogues as enums and the limits as x-argilla-limits in the OpenAPI document', async () => {
      const doc = (await call(server, 'GET', '/api/openapi.json')).body;
      const values = (name: string) => {
        const schema = doc.components.schemas[name];
        return schema.enum;
      };
      assert.deepEqual(values('ErrorCode'), Object.keys(ERROR_CODES));
      assert.deepEqual(values('AuditEventType'), [...AUDIT_TYPES]);
      assert.deepEqual(values('Permission'), [...PERMISSIONS]);
      assert.deepEqual(values('Role'), ROLES);
      assert.deepEqual(doc['x-argilla-limits'], LIMITS);
    });

    it("/api/me publishes the caller's permissions from the role table", async () => {
      for (const role of ROLES) {
        const user = await makeUser(server, { role });
        const me = await call(server, 'GET', '/api/me', { key: user.apiKey });
        assert.equal(me.status, 200);
        assert.deepEqual(me.body.permissions, [...ROLE_TABLE[role].permissions], role);
      }
      assert.deepEqual((await call(server, 'GET', '/api/me', { key: server.adminKey })).body.permissions, [...PERMISSIONS]);
    });

    it('an annotator has no user, workspace or audit permission, and the server agrees', async () => {
      const annotator = await makeUser(server, { role: 'annotator' });
      const { permissions } = (await call(server, 'GET', '/api/me', { key: annotator.apiKey })).body;
      assert.deepEqual(permissions, ['datasets.read', 'datasets.log', 'datasets.annotate']);
      assertProblem(await call(server, 'GET', '/api/users', { key: annotator.apiKey }), 403, 'forbidden');
      assertProblem(await call(server, 'GET', '/api/audit-events', { key: annotator.apiKey }), 403, 'forbidden');
      assertProblem(await call(server, 'POST', '/api/workspaces', { key: annotator.apiKey, json: { name: 'nope' } }), 403, 'forbidden');
    });
  });
}

// Request ids: the server makes its own (a UUID) for every request, answers it in X-Request-Id and
// in problem bodies, and writes it to the audit log and the request log. An X-Request-Id sent by
// the client is never taken as the request id: when short and printable it is kept beside it, as
// `client_request_id`, so that a client can still find its own requests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, startTestServer, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem, uniqueName, UUID } from './support.js';

/** The audit events written by the request that got `reply` (found by the server's request id). */
async function eventsOf(server: TestServer, reply: Reply): Promise<any[]> {
  const id = reply.headers.get('x-request-id');
  assert.match(id ?? '', UUID, `x-request-id ${id}`);
  const page = await call(server, 'GET', '/api/audit-events?limit=1000', { key: server.adminKey });
  assert.equal(page.status, 200, JSON.stringify(page.body));
  return page.body.items.filter((event: any) => event.request_id === id);
}

/** Creates a workspace (one audit event) sending these headers. */
function createWorkspace(server: TestServer, headers: Record<string, string>): Promise<Reply> {
  return call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: uniqueName('rid') }, headers });
}

/** The request-log line of the request that got `reply`. */
async function logLineOf(server: TestServer, reply: Reply): Promise<any> {
  // let the log stream flush
  await new Promise((resolve) => setTimeout(resolve, 50));
  const id = reply.headers.get('x-request-id');
  const entry = server.logLines.map((line) => JSON.parse(line)).find((e) => e.msg === 'request' && e.reqId === id);
  assert.ok(entry, `no request line for ${id}`);
  return entry;
}

for (const backend of backends()) {
  describe(`request ids are the server's (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it("a client's X-Request-Id is kept as client_request_id; the request id is a server UUID", async () => {
      const reply = await createWorkspace(server, { 'x-request-id': 'attacker-chosen' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      const id = reply.headers.get('x-request-id')!;
      assert.match(id, UUID);
      assert.notEqual(id, 'attacker-chosen');
      const events = await eventsOf(server, reply);
      assert.equal(events.length, 1, JSON.stringify(events));
      assert.equal(events[0].type, 'workspace.created');
      assert.equal(events[0].request_id, id);
      assert.equal(events[0].client_request_id, 'attacker-chosen');
      // Nothing in the log may claim the client's id as the request's.
      const page = await call(server, 'GET', '/api/audit-events?limit=1000', { key: server.adminKey });
      assert.ok(!page.body.items.some((event: any) => event.request_id === 'attacker-chosen'));
    });

    it('the request log line carries both ids', async () => {
      const reply = await call(server, 'GET', '/api/me', { key: server.adminKey, headers: { 'x-request-id': 'trace-abc_123.4' } });
      assert.equal(reply.status, 200);
      const entry = await logLineOf(server, reply);
      assert.match(entry.reqId, UUID);
      assert.equal(entry.client_request_id, 'trace-abc_123.4');
    });

    it('a problem answers the server id in its body and header, whatever the client sent', async () => {
      const reply = await call(server, 'GET', '/api/nope', { headers: { 'x-request-id': 'trace-404' } });
      const body = assertProblem(reply, 404);
      assert.match(body.request_id, UUID);
      assert.equal(reply.headers.get('x-request-id'), body.request_id);
    });

    it('an unprintable, spaced or over-long X-Request-Id is dropped: client_request_id null', async () => {
      for (const bad of ['has spaces', 'x'.repeat(65), '<script>', 'tab\there', 'caf\u00e9']) {
        const reply = await createWorkspace(server, { 'x-request-id': bad });
        assert.equal(reply.status, 200, `${JSON.stringify(bad)}: ${JSON.stringify(reply.body)}`);
        const [event] = await eventsOf(server, reply);
        assert.ok(event, JSON.stringify(bad));
        assert.match(event.request_id, UUID, JSON.stringify(bad));
        assert.equal(event.client_request_id, null, JSON.stringify(bad));
        assert.equal((await logLineOf(server, reply)).client_request_id, undefined, JSON.stringify(bad));
      }
      // 64 characters is the longest kept
      const longest = 'y'.repeat(64);
      const [event] = await eventsOf(server, await createWorkspace(server, { 'x-request-id': longest }));
      assert.equal(event.client_request_id, longest);
    });

    it('without an X-Request-Id: client_request_id null, and every request gets a different UUID', async () => {
      const first = await createWorkspace(server, {});
      const second = await createWorkspace(server, {});
      assert.notEqual(first.headers.get('x-request-id'), second.headers.get('x-request-id'));
      const [event] = await eventsOf(server, first);
      assert.equal(event.client_request_id, null);
    });

    it('the same client id sent twice gives two requests with their own ids', async () => {
      const first = await createWorkspace(server, { 'x-request-id': 'same-id' });
      const second = await createWorkspace(server, { 'x-request-id': 'same-id' });
      assert.notEqual(first.headers.get('x-request-id'), second.headers.get('x-request-id'));
      assert.equal((await eventsOf(server, first)).length, 1);
      assert.equal((await eventsOf(server, second)).length, 1);
    });

    it('the OpenAPI document describes client_request_id on audit events', async () => {
      const doc = (await call(server, 'GET', '/api/openapi.json')).body;
      const schema = JSON.stringify(doc);
      assert.match(schema, /"client_request_id"/);
    });
  });
}

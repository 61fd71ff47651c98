// GET /api/_status: anyone learns whether the server is healthy (200, or 503 while the database is
// down) and its version; only a caller whose role holds `status.read` (admins) sees the detail:
// the database's dialect, latency and error, and the process id and memory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Caches, attachCaches } from '../../src/db/cache.js';
import type { Database } from '../../src/db/connect.js';
import type { Tables } from '../../src/db/schema.js';
import { roleCan } from '../../src/domain/policies.js';
import { backends, type TestDatabase } from '../helpers/databases.js';
import { call, makeUser, serveDatabase, startTestServer, type Made, type TestServer } from '../helpers/http.js';

const MINIMAL_KEYS = ['status', 'version'];
const DETAIL_KEYS = ['database', 'memory', 'status', 'version'];

/** A port on the loopback address that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A database handle whose server is down: every query fails with ECONNREFUSED. */
async function unreachableDatabase(): Promise<{ database: TestDatabase; port: number }> {
  const port = await closedPort();
  const url = `postgresql://argilla:secret@127.0.0.1:${port}/argilla`;
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 2000 });
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  const caches = new Caches();
  attachCaches(db, caches);
  const database: Database = { db, caches, dialect: 'postgres', describe: `PostgreSQL at 127.0.0.1:${port}/argilla`, close: () => db.destroy() };
  return { database: Object.assign(database, { url, home: '', target: { kind: 'postgres' as const, url } }), port };
}

it('the role table: admins hold status.read, annotators do not', () => {
  assert.equal(roleCan('admin', 'status.read'), true);
  assert.equal(roleCan('annotator', 'status.read'), false);
});

for (const backend of backends()) {
  describe(`GET /api/_status (${backend.name})`, () => {
    let server: TestServer;
    let annotator: Made;
    before(async () => {
      server = await startTestServer(backend);
      annotator = await makeUser(server, { role: 'annotator' });
    });
    after(() => server.close());

    it('without credentials: exactly {status, version}, 200', async () => {
      const reply = await call(server, 'GET', '/api/_status');
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body).sort(), MINIMAL_KEYS);
      assert.deepEqual(reply.body, { status: 'ok', version: 'test' });
    });

    it('as an annotator (API key or login token): exactly {status, version}', async () => {
      const reply = await call(server, 'GET', '/api/_status', { key: annotator.apiKey });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { status: 'ok', version: 'test' });
      const login = await call(server, 'POST', '/api/security/token', {
        body: new URLSearchParams({ username: annotator.username, password: annotator.password }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(login.status, 200);
      const byToken = await call(server, 'GET', '/api/_status', { bearer: login.body.access_token });
      assert.deepEqual(Object.keys(byToken.body).sort(), MINIMAL_KEYS);
    });

    it('with a wrong key: the minimal answer (a health check never fails on credentials)', async () => {
      const reply = await call(server, 'GET', '/api/_status', { key: 'argilla_not-a-real-key' });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { status: 'ok', version: 'test' });
    });

    it('as an admin: the database and memory detail', async () => {
      const reply = await call(server, 'GET', '/api/_status', { key: server.adminKey });
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body).sort(), DETAIL_KEYS);
      assert.equal(reply.body.status, 'ok');
      assert.equal(reply.body.version, 'test');
      assert.equal(reply.body.database.dialect, backend.name);
      assert.equal(reply.body.database.healthy, true);
      assert.equal(typeof reply.body.database.latency_ms, 'number');
      assert.equal(reply.body.memory.pid, process.pid);
      assert.ok(reply.body.memory.rss_bytes > 0);
      assert.ok(reply.body.memory.heap_used_bytes > 0);
    });

    it('the OpenAPI document describes both answers', async () => {
      const doc = (await call(server, 'GET', '/api/openapi.json')).body;
      const operation = doc.paths['/api/_status'].get;
      assert.deepEqual(Object.keys(operation.responses).sort(), ['200', '503']);
      const text = JSON.stringify(operation.responses['200']);
      for (const field of ['status', 'version', 'database', 'memory']) assert.ok(text.includes(`"${field}"`), field);
      assert.match(operation.summary + (operation.description ?? ''), /status\.read/);
    });
  });
}

describe('GET /api/_status while the database is down', () => {
  let server: TestServer;
  let port: number;
  before(async () => {
    const unreachable = await unreachableDatabase();
    port = unreachable.port;
    server = await serveDatabase(unreachable.database);
  });
  after(() => server.close());

  it('answers 503 {status: degraded, version}: no address, no error text, no process detail', async () => {
    const reply = await call(server, 'GET', '/api/_status');
    assert.equal(reply.status, 503);
    assert.deepEqual(reply.body, { status: 'degraded', version: 'test' });
    const text = JSON.stringify(reply.body);
    assert.ok(!text.includes(String(port)), text);
    assert.ok(!/ECONNREFUSED|127\.0\.0\.1/.test(text), text);
  });

  it('with credentials it cannot check: the same minimal 503 (not a 503 problem)', async () => {
    const reply = await call(server, 'GET', '/api/_status', { key: 'argilla.apikey' });
    assert.equal(reply.status, 503);
    assert.deepEqual(reply.body, { status: 'degraded', version: 'test' });
  });
});

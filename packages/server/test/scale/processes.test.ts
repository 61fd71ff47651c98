// Several server processes sharing one database, a cluster of workers, and PostgreSQL restarting
// under a running server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { backends, tempDir } from '../helpers/databases.js';
import { ARGILLA_BIN } from '../helpers/cli.js';

const root = process.env.ARGILLA_TEST_ROOT ?? join(import.meta.dirname, '..', '..', '..', '..');

interface Proc {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>, args: string[] = []): Promise<Proc> {
  const child = spawn(process.execPath, [ARGILLA_BIN, 'server', 'start', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: env.ARGILLA_HOME_PATH ?? '/tmp', ARGILLA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that a failing test can stop a cluster's workers along with it.
    detached: true,
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      // A cluster is ready when its primary says all its workers are.
      const ready = args.includes('--workers') ? /listening on (http:\/\/\S+) \(\d+ workers\)/ : /listening on (http:\/\/\S+)/;
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    exited.then((code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

function freshConnectionGet(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    // As an admin: the process id is part of the detail only admins see.
    get(url, { agent: false, headers: { 'x-argilla-api-key': ADMIN } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

async function api(base: string, method: string, path: string, options: { key?: string; bearer?: string; json?: unknown; form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = {};
  if (options.key) headers['x-argilla-api-key'] = options.key;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Milliseconds until `probe` answers `status`, failing after `limit`. */
async function within(limit: number, probe: () => Promise<number>, status: number): Promise<number> {
  const started = Date.now();
  let last = 0;
  while (Date.now() - started <= limit) {
    last = await probe();
    if (last === status) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`still ${last} after ${limit} ms`);
}

const ADMIN = 'argilla.apikey';

for (const backend of backends()) {
  describe(`two server processes on one database (${backend.name})`, () => {
    let a: Proc;
    let b: Proc;
    before(async () => {
      const { url, home } = await backend.fresh();
      const env = { ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home };
      // Started together: migrations and the default admin happen once however they race.
      [a, b] = await Promise.all([startServer(env), startServer(env)]);
    });
    after(async () => {
      for (const p of [a, b]) p?.child.kill('SIGTERM');
      await Promise.all([a?.exited, b?.exited]);
    });

    it('a user created through one authenticates through the other at once', async () => {
      const created = await api(a.url, 'POST', '/api/users', { key: ADMIN, json: { username: 'shared', first_name: 'S', password: 'password-1', workspaces: ['w'] } });
      assert.equal(created.status, 200);
      const me = await api(b.url, 'GET', '/api/me', { key: created.body.api_key });
      assert.equal(me.status, 200);
      assert.equal(me.body.username, 'shared');
      const login = await api(b.url, 'POST', '/api/security/token', { form: { username: 'shared', password: 'password-1' } });
      assert.equal(login.status, 200);
      assert.equal((await api(a.url, 'GET', '/api/me', { bearer: login.body.access_token })).status, 200);
    });

    it('a revoked key, a disabled user and a logged-out token are refused by the other within a second', async () => {
      const user = await api(a.url, 'POST', '/api/users', { key: ADMIN, json: { username: 'victim', first_name: 'V', password: 'password-1' } });
      const key = user.body.api_key as string;
      const extra = await api(a.url, 'POST', `/api/users/${user.body.id}/api-keys`, { key: ADMIN, json: { name: 'extra' } });
      assert.equal(extra.status, 200);
      const token = (await api(a.url, 'POST', '/api/security/token', { form: { username: 'victim', password: 'password-1' } })).body.access_token;
      for (const credential of [{ key }, { key: extra.body.api_key }, { bearer: token }]) {
        assert.equal((await api(b.url, 'GET', '/api/me', credential)).status, 200, 'warm the other process');
      }
      // Logged out through a: refused by b.
      assert.equal((await api(a.url, 'POST', '/api/security/logout', { bearer: token })).status, 200);
      assert.ok((await within(1000, async () => (await api(b.url, 'GET', '/api/me', { bearer: token })).status, 401)) <= 1000);
      // A key revoked through a: refused by b; the other key still works.
      assert.equal((await api(a.url, 'DELETE', `/api/users/${user.body.id}/api-keys/${extra.body.id}`, { key: ADMIN })).status, 200);
      assert.ok((await within(1000, async () => (await api(b.url, 'GET', '/api/me', { key: extra.body.api_key })).status, 401)) <= 1000);
      assert.equal((await api(b.url, 'GET', '/api/me', { key })).status, 200);
      // Disabled through a: refused by b.
      assert.equal((await api(a.url, 'PATCH', `/api/users/${user.body.id}`, { key: ADMIN, json: { disabled: true } })).status, 200);
      assert.ok((await within(1000, async () => (await api(b.url, 'GET', '/api/me', { key })).status, 401)) <= 1000);
    });

    it('concurrent creates of one username across both give exactly one success', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api(i % 2 ? a.url : b.url, 'POST', '/api/users', { key: ADMIN, json: { username: 'racer', first_name: 'R', password: 'password-1' } }),
        ),
      );
      assert.deepEqual(attempts.map((r) => r.status).sort(), [200, ...Array(9).fill(409)]);
    });
  });

  describe(`server start --workers 2 (${backend.name})`, () => {
    let server: Proc | undefined;
    after(() => {
      if (server?.child.exitCode === null) process.kill(-server.child.pid!, 'SIGKILL');
    });

    it('serves from two processes and stops them all on SIGTERM', async () => {
      const { url, home } = await backend.fresh();
      server = await startServer({ ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home }, ['--workers', '2']);
      const pids = new Set<number>();
      // /api/_status names the process that answered; a new connection each time, so that the
      // cluster can hand each to either worker.
      for (let i = 0; i < 60 && pids.size < 2; i++) {
        const status = await freshConnectionGet(`${server.url}/api/_status`);
        assert.equal(status.status, 200);
        pids.add(status.body.memory.pid);
      }
      assert.equal(pids.size, 2, 'two worker processes answered');
      assert.match(server.output(), /\(2 workers\)/);
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
      for (const pid of pids) assert.throws(() => process.kill(pid, 0), 'worker stopped');
    });
  });
}

describe('PostgreSQL restarting under a running server', { skip: !process.env.ARGILLA_TEST_DATABASE_URL && 'PostgreSQL not available' }, () => {
  let cluster: { url: string; stop(): void; pause(): void; resume(): void };
  let server: Proc;
  before(async () => {
    const { startCluster } = (await import(join(root, 'scripts', 'pg.mjs'))) as { startCluster: () => Promise<typeof cluster> };
    cluster = await startCluster();
    server = await startServer({ ARGILLA_DATABASE_URL: cluster.url, ARGILLA_HOME_PATH: tempDir() });
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    cluster?.stop();
  });

  it('answers 503 problems while the database is down and recovers without a restart', async () => {
    assert.equal((await api(server.url, 'GET', '/api/workspaces', { key: ADMIN })).status, 200);
    cluster.pause();
    try {
      // A fresh credential, so the answer cannot come from the short-lived auth cache.
      const down = await api(server.url, 'GET', '/api/workspaces', { key: 'some-other-key-123' });
      assert.equal(down.status, 503, JSON.stringify(down.body));
      assert.equal(down.body.code, 'database_unavailable');
      assert.ok(down.body.request_id);
      const status = await api(server.url, 'GET', '/api/_status');
      assert.equal(status.status, 503);
      // Without credentials: the state only, not where the database is or what failed.
      assert.deepEqual(Object.keys(status.body).sort(), ['status', 'version']);
      assert.equal(status.body.status, 'degraded');
    } finally {
      cluster.resume();
    }
    await within(10_000, async () => (await api(server.url, 'GET', '/api/workspaces', { key: ADMIN })).status, 200);
    assert.equal((await api(server.url, 'GET', '/api/_status', { key: ADMIN })).body.database.healthy, true);
  });
});

// `argilla server start` as a real process: start-up tasks, configuration errors, graceful stop.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { backends } from '../helpers/databases.js';
import { ARGILLA_BIN, runCli } from '../helpers/cli.js';
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../src/db/connect.js';
import { nowIso } from '../../src/lib/time.js';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>, args: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, [ARGILLA_BIN, 'server', 'start', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: env.ARGILLA_HOME_PATH ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with ${code}: ${output}`), { code, output }));
    });
  });
}

async function stop(server: Started): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

for (const backend of backends()) {
  describe(`server start (${backend.name})`, () => {
    const running: Started[] = [];
    after(() => running.forEach((s) => s.child.kill('SIGKILL')));

    it('migrates, creates the default admin on an empty database, warns, and serves', async () => {
      const { url, home } = await backend.fresh();
      const env = { ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home };
      const first = await start(env);
      running.push(first);
      assert.match(first.output(), /Running upgrade <base> -> 0001_initial_schema/);
      assert.match(first.output(), /Created the default user 'argilla'/);
      assert.match(first.output(), /WARNING: the default password '1234' and API key 'argilla.apikey'/);
      const me = await fetch(`${first.url}/api/me`, { headers: { 'x-argilla-api-key': 'argilla.apikey' } });
      assert.equal(me.status, 200);
      assert.deepEqual((await me.json()).workspaces, ['argilla']);
      assert.equal(await stop(first), 0);

      // The warning names only the credential that still works.
      const updated = await runCli(['users', 'update', 'argilla', '--password', 'a-better-password'], env);
      assert.equal(updated.code, 0, updated.stderr);
      const second = await start(env);
      running.push(second);
      assert.doesNotMatch(second.output(), /Created the default user|Running upgrade/);
      assert.match(second.output(), /WARNING: the default API key 'argilla.apikey' of user 'argilla' still work/);
      assert.doesNotMatch(second.output(), /password '1234'/);
      assert.equal(await stop(second), 0);
    });

    it('leaves an empty database empty with ARGILLA_DEFAULT_USER_ENABLED=false, and honours the overrides', async () => {
      const { url, home } = await backend.fresh();
      const off = await start({ ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home, ARGILLA_DEFAULT_USER_ENABLED: 'false' });
      running.push(off);
      const me = await fetch(`${off.url}/api/me`, { headers: { 'x-argilla-api-key': 'argilla.apikey' } });
      assert.equal(me.status, 401);
      assert.equal(await stop(off), 0);

      const custom = await start({
        ARGILLA_DATABASE_URL: url,
        ARGILLA_HOME_PATH: home,
        ARGILLA_DEFAULT_USER_PASSWORD: 'custom-password',
        ARGILLA_DEFAULT_USER_API_KEY: 'custom-api-key-1',
      });
      running.push(custom);
      assert.doesNotMatch(custom.output(), /WARNING/);
      const ok = await fetch(`${custom.url}/api/me`, { headers: { 'x-argilla-api-key': 'custom-api-key-1' } });
      assert.equal(ok.status, 200);
      const old = await fetch(`${custom.url}/api/me`, { headers: { 'x-argilla-api-key': 'argilla.apikey' } });
      assert.equal(old.status, 401);
      assert.equal(await stop(custom), 0);
    });

    it('refuses to start in production while the default credentials work', async () => {
      const { url, home } = await backend.fresh();
      await assert.rejects(start({ ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home, ARGILLA_ENV: 'production' }), (error: any) => {
        assert.equal(error.code, 1);
        assert.match(error.output, /Refusing to start in production: the default password '1234' and API key 'argilla.apikey'/);
        assert.doesNotMatch(error.output, /\n\s+at /);
        return true;
      });
    });

    it('finishes a request in flight on SIGTERM, then exits 0', async () => {
      const { url, home } = await backend.fresh();
      const server = await start({ ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home });
      running.push(server);
      const body = 'username=argilla&password=1234';
      const target = new URL('/api/security/token', server.url);
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          target,
          { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length } },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode!, text }));
          },
        );
        req.on('error', reject);
        // Half the body now, the rest after the stop signal: the request is in flight when it arrives.
        req.write(body.slice(0, 10));
        setTimeout(() => {
          server.child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 300);
        }, 200);
      });
      const answer = await response;
      assert.equal(answer.status, 200, answer.text);
      assert.match(answer.text, /access_token/);
      assert.equal(await server.exited, 0);
      assert.match(server.output(), /Received SIGTERM/);
    });

    it('on SIGTERM, lets a login whose client has gone away finish with the database before closing it', async () => {
      const { url, home, target } = await backend.fresh();
      const server = await start({ ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home });
      running.push(server);
      const database = await openDatabase(target);
      try {
        // Ten attempts ahead of it, still being checked elsewhere: the next login waits its turn.
        const ahead = Array.from({ length: 10 }, () => ({ id: randomUUID(), username: 'argilla', ip: '127.0.0.1', created_at: nowIso(), pending: 1 }));
        await database.db.insertInto('login_failures').values(ahead).execute();
        const gone = new AbortController();
        const login = fetch(new URL('/api/security/token', server.url), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'username=argilla&password=1234',
          signal: gone.signal,
        }).catch(() => 'aborted');
        await new Promise((r) => setTimeout(r, 300));
        gone.abort();
        assert.equal(await login, 'aborted');
        server.child.kill('SIGTERM');
        // The attempts ahead settle after the stop began: the waiting login goes on and succeeds.
        await new Promise((r) => setTimeout(r, 500));
        await database.db.deleteFrom('login_failures').where('id', 'in', ahead.map((a) => a.id)).execute();
        assert.equal(await server.exited, 0, server.output());
        const left = await database.db.selectFrom('login_failures').select('id').execute();
        assert.deepEqual(left, [], 'the login cleared its own attempt');
        const sessions = await database.db.selectFrom('login_sessions').select('id').execute();
        assert.equal(sessions.length, 1, 'and opened its session');
      } finally {
        await database.close();
      }
    });
  });
}

describe('server start errors', () => {
  it('reports a port in use in one line, exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const { home, url } = await backends()[0]!.fresh();
    const result = await runCli(['server', 'start', '--host', '127.0.0.1', '--port', String(port)], {
      ARGILLA_HOME_PATH: home,
      ARGILLA_DATABASE_URL: url,
    });
    blocker.close();
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`Cannot listen on 127.0.0.1:${port}: EADDRINUSE`));
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('names a bad environment variable and stops', async () => {
    for (const [name, value] of [
      ['ARGILLA_PORT', 'abc'],
      ['ARGILLA_DATABASE_URL', 'mysql://x'],
      ['ARGILLA_DEFAULT_USER_ENABLED', 'maybe'],
      ['ARGILLA_AUTH_TOKEN_EXPIRATION_MINUTES', '0'],
      ['ARGILLA_LOG_LEVEL', 'loud'],
    ] as const) {
      const result = await runCli(['server', 'start'], { ARGILLA_HOME_PATH: '/tmp/argilla-unused', [name]: value });
      assert.equal(result.code, 1, `${name}=${value}`);
      assert.match(result.stderr, new RegExp(`^Error: ${name}: `), result.stderr);
    }
  });

  it('rejects a bad --port as a usage error', async () => {
    const result = await runCli(['server', 'start', '--port', 'http'], { ARGILLA_HOME_PATH: '/tmp/argilla-unused' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--port/);
  });
});

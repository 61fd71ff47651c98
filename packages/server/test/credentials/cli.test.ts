// `argilla users api-keys list|create|revoke <username>` against the database a running server
// uses: a key printed once that authenticates, listed by its preview, revoked to 401.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { call, makeUser, type TestServer } from '../helpers/http.js';
import { UNKNOWN_ID } from '../http/support.js';
import { sleep, startServer } from './support.js';

/** The status of GET /api/me with `key` once it is `wanted` (changes by another process show within 500 ms). */
async function statusBecomes(server: TestServer, key: string, wanted: number, ms = 1500): Promise<number> {
  const started = Date.now();
  let status = 0;
  do {
    status = (await call(server, 'GET', '/api/me', { key })).status;
    if (status === wanted) return status;
    await sleep(50);
  } while (Date.now() - started < ms);
  return status;
}

for (const backend of backends()) {
  describe(`CLI users api-keys (${backend.name})`, () => {
    let server: TestServer;
    let env: Record<string, string>;
    before(async () => {
      server = await startServer(backend);
      env = cliEnv(server.database.url, server.database.home);
    });
    after(() => server.close());

    it('create prints a key once, which authenticates as the user; list shows it by preview only; revoke makes it 401', async () => {
      const user = await makeUser(server);
      const created = await runCli(['users', 'api-keys', 'create', user.username, '--name', 'from-cli'], env);
      assert.equal(created.code, 0, created.stderr);
      const keys = created.stdout.match(/argilla_[A-Za-z0-9_-]{43}/g) ?? [];
      assert.equal(keys.length, 1, `exactly one key printed: ${created.stdout}`);
      const apiKey = keys[0]!;
      assert.match(created.stdout, /from-cli/);
      const idMatch = /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/.exec(created.stdout);
      assert.ok(idMatch, `the key id is printed: ${created.stdout}`);
      const keyId = idMatch[1]!;

      const me = await call(server, 'GET', '/api/me', { key: apiKey });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.equal(me.body.username, user.username);

      const listed = await call(server, 'GET', '/api/me/api-keys', { key: user.apiKey });
      const entry = listed.body.find((k: any) => k.id === keyId);
      assert.ok(entry, 'the new key is listed over HTTP');
      assert.equal(entry.name, 'from-cli');

      const list = await runCli(['users', 'api-keys', 'list', user.username], env);
      assert.equal(list.code, 0, list.stderr);
      assert.ok(list.stdout.includes(entry.preview), `list shows the preview ${entry.preview}: ${list.stdout}`);
      assert.ok(list.stdout.includes(keyId));
      assert.ok(list.stdout.includes('from-cli'));
      assert.ok(!list.stdout.includes(apiKey), 'list never shows the secret');
      assert.ok(!list.stdout.includes(user.apiKey));
      assert.match(list.stdout, /2 keys/);

      const revoked = await runCli(['users', 'api-keys', 'revoke', user.username, keyId], env);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.ok(!revoked.stdout.includes(apiKey));
      assert.equal(await statusBecomes(server, apiKey, 401), 401, 'the revoked key still works');
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200, 'the other key still works');
      const after = await runCli(['users', 'api-keys', 'list', user.username], env);
      assert.equal(after.code, 0);
      assert.ok(!after.stdout.includes(keyId), 'a revoked key is not listed');
      assert.match(after.stdout, /1 key\b/);
    });

    it('create with --expires-at in the future keeps the expiry; in the past or unreadable is exit 1 and writes nothing', async () => {
      const user = await makeUser(server);
      const expires = new Date(Date.now() + 86_400_000).toISOString();
      const ok = await runCli(['users', 'api-keys', 'create', user.username, '--name', 'exp', '--expires-at', expires], env);
      assert.equal(ok.code, 0, ok.stderr);
      const listed = await call(server, 'GET', '/api/me/api-keys', { key: user.apiKey });
      const entry = listed.body.find((k: any) => k.name === 'exp');
      assert.ok(entry);
      assert.equal(Date.parse(entry.expires_at), Date.parse(expires));
      for (const bad of ['2001-01-01T00:00:00Z', 'not-a-time']) {
        const result = await runCli(['users', 'api-keys', 'create', user.username, '--name', 'bad', '--expires-at', bad], env);
        assert.equal(result.code, 1, `${bad}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, /expires_at|expires-at/);
        assert.doesNotMatch(result.stdout, /argilla_/);
      }
      const empty = await runCli(['users', 'api-keys', 'create', user.username, '--name', '  '], env);
      assert.equal(empty.code, 1, empty.stdout + empty.stderr);
      const count = (await call(server, 'GET', '/api/me/api-keys', { key: user.apiKey })).body.length;
      assert.equal(count, 2);
    });

    it('an unknown user is exit 1 for list, create and revoke, and nothing is written', async () => {
      const before = await server.database.db.selectFrom('api_keys').select('id').execute();
      for (const args of [
        ['users', 'api-keys', 'list', 'nobody-here'],
        ['users', 'api-keys', 'create', 'nobody-here', '--name', 'x'],
        ['users', 'api-keys', 'revoke', 'nobody-here', UNKNOWN_ID],
      ]) {
        const result = await runCli(args, env);
        assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, /nobody-here/);
        assert.doesNotMatch(result.stdout, /argilla_/);
      }
      const after = await server.database.db.selectFrom('api_keys').select('id').execute();
      assert.equal(after.length, before.length);
    });

    it('revoke with an unknown or malformed key id is exit 1, and the user\'s keys keep working', async () => {
      const user = await makeUser(server);
      for (const id of [UNKNOWN_ID, 'not-a-uuid']) {
        const result = await runCli(['users', 'api-keys', 'revoke', user.username, id], env);
        assert.equal(result.code, 1, `${id}: ${result.stdout}${result.stderr}`);
      }
      // another user's key id is not this user's
      const other = await makeUser(server);
      const othersKey = (await call(server, 'GET', '/api/me/api-keys', { key: other.apiKey })).body[0].id;
      const result = await runCli(['users', 'api-keys', 'revoke', user.username, othersKey], env);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.equal((await call(server, 'GET', '/api/me', { key: user.apiKey })).status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { key: other.apiKey })).status, 200);
    });

    it('missing arguments are usage errors (exit 2)', async () => {
      assert.equal((await runCli(['users', 'api-keys', 'create'], env)).code, 2);
      assert.equal((await runCli(['users', 'api-keys', 'revoke', 'argilla'], env)).code, 2);
    });
  });
}

// API keys over their lifetime: list, create (secret shown once), revoke,
// rotate with a grace period, expiry, last use; for oneself under /api/me/api-keys and, for
// admins, anyone under /api/users/{id}/api-keys.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, type Reply, type TestServer } from '../helpers/http.js';
import { assertMaskedKey, assertPointsAt, assertProblem, ISO_UTC, UNKNOWN_ID, UUID } from '../http/support.js';
import { sleep, startServer } from './support.js';

const KEY_FIELDS = ['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'preview'];

function assertKey(key: any, expected: Record<string, unknown> = {}): void {
  const context = JSON.stringify(key);
  assert.deepEqual(Object.keys(key).sort(), KEY_FIELDS, context);
  assert.match(key.id, UUID, context);
  assert.equal(typeof key.name, 'string', context);
  assert.equal(typeof key.preview, 'string', context);
  assert.ok(key.preview.includes('…'), `preview ${key.preview} is not masked`);
  assert.match(key.created_at, ISO_UTC, context);
  assert.ok(key.last_used_at === null || ISO_UTC.test(key.last_used_at), context);
  assert.ok(key.expires_at === null || ISO_UTC.test(key.expires_at), context);
  for (const [field, value] of Object.entries(expected)) assert.deepEqual(key[field], value, `${field} of ${context}`);
}

/** The created-key answer: a key object plus the secret, which starts argilla_ and matches the preview. */
function assertCreated(reply: Reply, name: string): { id: string; apiKey: string; preview: string; expires_at: string | null } {
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const { api_key: apiKey, ...key } = reply.body;
  assertKey(key, { name });
  assert.equal(typeof apiKey, 'string');
  assert.match(apiKey, /^argilla_[A-Za-z0-9_-]{43,}$/);
  assertMaskedKey(key.preview, apiKey);
  return { id: key.id, apiKey, preview: key.preview, expires_at: key.expires_at };
}

async function status(server: TestServer, key: string): Promise<number> {
  return (await call(server, 'GET', '/api/me', { key })).status;
}

async function listOwn(server: TestServer, key: string): Promise<any[]> {
  const reply = await call(server, 'GET', '/api/me/api-keys', { key });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.ok(Array.isArray(reply.body));
  for (const k of reply.body) assertKey(k);
  return reply.body;
}

/** Waits (briefly) for a condition the server reaches asynchronously. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 2000): Promise<T> {
  const started = Date.now();
  let value = await read();
  while (!ok(value) && Date.now() - started < ms) {
    await sleep(25);
    value = await read();
  }
  return value;
}

for (const backend of backends()) {
  describe(`API keys for oneself (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it('GET /api/me/api-keys lists the key objects, never a digest or a secret', async () => {
      const user = await makeUser(server);
      const reply = await call(server, 'GET', '/api/me/api-keys', { key: user.apiKey });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.length, 1, 'a new user has its first key');
      assertKey(reply.body[0], { name: 'default', expires_at: null });
      assertMaskedKey(reply.body[0].preview, user.apiKey);
      const raw = JSON.stringify(reply.body);
      assert.ok(!raw.includes(user.apiKey), 'the secret leaked');
      assert.ok(!/digest|secret|hash|api_key/i.test(raw), `a stored secret field leaked: ${raw}`);
      const digest = await server.database.db.selectFrom('api_keys').select('digest').where('user_id', '=', user.id).executeTakeFirstOrThrow();
      assert.ok(!raw.includes(digest.digest));
    });

    it('POST creates a key: the object plus api_key once; it authenticates; later listings show only its preview', async () => {
      const user = await makeUser(server);
      const created = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'laptop' } }), 'laptop');
      assert.equal(created.expires_at, null);
      const me = await call(server, 'GET', '/api/me', { key: created.apiKey });
      assert.equal(me.status, 200);
      assert.equal(me.body.username, user.username);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: created.apiKey })).status, 200, 'also as a bearer credential');
      const reply = await call(server, 'GET', '/api/me/api-keys', { key: created.apiKey });
      assert.equal(reply.status, 200);
      const names = reply.body.map((k: any) => k.name);
      assert.deepEqual(names, ['default', 'laptop'], 'oldest first');
      const listed = reply.body.find((k: any) => k.id === created.id);
      assert.equal(listed.preview, created.preview);
      for (const text of [JSON.stringify(reply.body), JSON.stringify((await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey })).body)]) {
        assert.ok(!text.includes(created.apiKey), `the secret shows again: ${text}`);
      }
      // only the digest is stored
      const rows = await server.database.db.selectFrom('api_keys').selectAll().where('id', '=', created.id).execute();
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(created.apiKey));
    });

    it('trims the name and keeps a future expiry', async () => {
      const user = await makeUser(server);
      const expires = new Date(Date.now() + 86_400_000).toISOString();
      const created = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: '  ci  ', expires_at: expires } }), 'ci');
      assert.ok(created.expires_at !== null);
      assert.equal(Date.parse(created.expires_at!), Date.parse(expires));
      assert.equal(await status(server, created.apiKey), 200);
      const withNull = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'n', expires_at: null } }), 'n');
      assert.equal(withNull.expires_at, null);
    });

    it('rejects a past or unreadable expiry and an empty, blank, overlong or mistyped name (422, nothing created)', async () => {
      const user = await makeUser(server);
      const cases: Array<[unknown, string]> = [
        [{ name: 'x', expires_at: new Date(Date.now() - 60_000).toISOString() }, 'expires_at'],
        [{ name: 'x', expires_at: '2001-01-01T00:00:00Z' }, 'expires_at'],
        [{ name: 'x', expires_at: 'not a time' }, 'expires_at'],
        [{ name: 'x', expires_at: '' }, 'expires_at'],
        [{ name: 'x', expires_at: 1893456000 }, 'expires_at'],
        [{ name: '' }, 'name'],
        [{ name: '   ' }, 'name'],
        [{ name: 'n'.repeat(101) }, 'name'],
        [{ name: 42 }, 'name'],
        [{ name: null }, 'name'],
        [{}, 'name'],
      ];
      for (const [body, field] of cases) {
        const reply = await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: body });
        assertProblem(reply, 422);
        assertPointsAt(reply, field);
      }
      assertProblem(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, body: '{"name":', headers: { 'content-type': 'application/json' } }), 422);
      assert.equal((await listOwn(server, user.apiKey)).length, 1);
    });

    it('DELETE revokes: that key is 401 at once, other keys still work, and it leaves the listing', async () => {
      const user = await makeUser(server);
      const a = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'a' } }), 'a');
      const b = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'b' } }), 'b');
      assert.equal(await status(server, a.apiKey), 200, 'warm the cache first');
      const reply = await call(server, 'DELETE', `/api/me/api-keys/${a.id}`, { key: b.apiKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertKey(reply.body, { id: a.id, name: 'a' });
      assert.ok(!JSON.stringify(reply.body).includes(a.apiKey));
      assertProblem(await call(server, 'GET', '/api/me', { key: a.apiKey }), 401, 'unauthorized');
      assertProblem(await call(server, 'GET', '/api/me', { bearer: a.apiKey }), 401);
      assert.equal(await status(server, b.apiKey), 200);
      assert.equal(await status(server, user.apiKey), 200);
      assert.deepEqual(
        (await listOwn(server, user.apiKey)).map((k) => k.name),
        ['default', 'b'],
      );
      // a second revoke finds nothing; nor does a rotate of the revoked key
      assertProblem(await call(server, 'DELETE', `/api/me/api-keys/${a.id}`, { key: b.apiKey }), 404);
      assertProblem(await call(server, 'POST', `/api/me/api-keys/${a.id}/rotate`, { key: b.apiKey }), 404);
      assert.equal(await status(server, a.apiKey), 401);
    });

    it('a key can revoke itself, and the next request with it is 401', async () => {
      const user = await makeUser(server);
      const a = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'self' } }), 'self');
      assert.equal((await call(server, 'DELETE', `/api/me/api-keys/${a.id}`, { key: a.apiKey })).status, 200);
      assert.equal(await status(server, a.apiKey), 401);
    });

    it('unknown, malformed and foreign key ids: 404, 422, and 404 without touching the other user\'s key', async () => {
      const user = await makeUser(server);
      const other = await makeUser(server);
      const foreign = (await listOwn(server, other.apiKey))[0].id;
      assertProblem(await call(server, 'DELETE', `/api/me/api-keys/${UNKNOWN_ID}`, { key: user.apiKey }), 404);
      assertProblem(await call(server, 'POST', `/api/me/api-keys/${UNKNOWN_ID}/rotate`, { key: user.apiKey }), 404);
      assertProblem(await call(server, 'DELETE', '/api/me/api-keys/not-a-uuid', { key: user.apiKey }), 422);
      assertProblem(await call(server, 'POST', '/api/me/api-keys/not-a-uuid/rotate', { key: user.apiKey }), 422);
      assertProblem(await call(server, 'DELETE', `/api/me/api-keys/${foreign}`, { key: user.apiKey }), 404);
      assertProblem(await call(server, 'POST', `/api/me/api-keys/${foreign}/rotate`, { key: user.apiKey }), 404);
      assert.equal(await status(server, other.apiKey), 200);
      assert.equal((await listOwn(server, other.apiKey)).length, 1);
    });

    it('without credentials every key route is 401', async () => {
      assertProblem(await call(server, 'GET', '/api/me/api-keys'), 401);
      assertProblem(await call(server, 'POST', '/api/me/api-keys', { json: { name: 'x' } }), 401);
      assertProblem(await call(server, 'DELETE', `/api/me/api-keys/${UNKNOWN_ID}`), 401);
      assertProblem(await call(server, 'POST', `/api/me/api-keys/${UNKNOWN_ID}/rotate`), 401);
      assertProblem(await call(server, 'GET', `/api/users/${UNKNOWN_ID}/api-keys`), 401);
    });

    it('an expired key is 401 (and still listed, with its expiry)', async () => {
      const user = await makeUser(server);
      const k = assertCreated(
        await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'short-lived', expires_at: new Date(Date.now() + 1500).toISOString() } }),
        'short-lived',
      );
      assert.equal(await status(server, k.apiKey), 200);
      await sleep(1600);
      assertProblem(await call(server, 'GET', '/api/me', { key: k.apiKey }), 401);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: k.apiKey }), 401);
      assert.equal(await status(server, user.apiKey), 200);
      const listed = (await listOwn(server, user.apiKey)).find((x) => x.id === k.id);
      assert.ok(listed, 'expired keys stay listed');
      assert.ok(Date.parse(listed.expires_at) <= Date.now());
    });

    it('a key whose expiry was moved into the past (in the database) is 401 at once', async () => {
      const user = await makeUser(server);
      const k = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'e' } }), 'e');
      assert.equal(await status(server, k.apiKey), 200);
      await server.database.db.updateTable('api_keys').set({ expires_at: '2020-01-01T00:00:00.000000+00:00' }).where('id', '=', k.id).execute();
      server.database.caches.invalidate(['api_keys']); // a write behind the repositories' back, as another process would make
      assert.equal(await status(server, k.apiKey), 401);
    });

    it('last_used_at is set after a use and not rewritten by another use within a minute; later it moves on', async () => {
      const user = await makeUser(server);
      const k = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'used' } }), 'used');
      const lastUsed = async () => (await listOwn(server, user.apiKey)).find((x) => x.id === k.id).last_used_at as string | null;
      assert.equal(await lastUsed(), null, 'never used yet');
      const before = Date.now();
      assert.equal(await status(server, k.apiKey), 200);
      const first = await eventually(lastUsed, (v) => v !== null);
      assert.ok(first !== null, 'last_used_at was not set');
      assert.match(first, ISO_UTC);
      assert.ok(Math.abs(Date.parse(first) - before) < 5000, `last_used_at ${first} is not now`);
      await sleep(50);
      for (let i = 0; i < 3; i++) assert.equal(await status(server, k.apiKey), 200);
      await sleep(200);
      assert.equal(await lastUsed(), first, 'rewritten within a minute');
      // a use more than a minute after the last recorded one writes a new time
      const old = new Date(Date.now() - 120_000).toISOString().replace('Z', '000+00:00');
      await server.database.db.updateTable('api_keys').set({ last_used_at: old }).where('id', '=', k.id).execute();
      server.database.caches.invalidate(['api_keys']); // a write behind the repositories' back, as another process would make
      // A key's last use alone does not clear the server's cache: a minute later its half-second
      // entry is long gone, so let it expire here too.
      await sleep(600);
      assert.equal(await status(server, k.apiKey), 200);
      const moved = await eventually(lastUsed, (v) => v !== old);
      assert.notEqual(moved, old);
      assert.ok(Date.parse(moved!) > Date.parse(old) + 60_000);
    });

    it('rotating with the default grace: a new secret under the same name and expiry; the old key keeps working for about an hour', async () => {
      const user = await makeUser(server);
      const expires = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const old = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'deploy', expires_at: expires } }), 'deploy');
      const reply = await call(server, 'POST', `/api/me/api-keys/${old.id}/rotate`, { key: old.apiKey });
      const rotated = assertCreated(reply, 'deploy');
      assert.notEqual(rotated.id, old.id);
      assert.notEqual(rotated.apiKey, old.apiKey);
      assert.equal(rotated.expires_at, old.expires_at, 'the new key keeps the expiry');
      assert.equal(await status(server, rotated.apiKey), 200);
      assert.equal(await status(server, old.apiKey), 200);
      const listed = await listOwn(server, user.apiKey);
      const oldListed = listed.find((k) => k.id === old.id);
      assert.ok(oldListed, 'the old key is listed during its grace period');
      const graceLeft = Date.parse(oldListed.expires_at) - Date.now();
      assert.ok(graceLeft > 3500_000 && graceLeft <= 3600_000, `grace left: ${graceLeft} ms`);
      assert.ok(listed.some((k) => k.id === rotated.id));
    });

    it('rotating a key that expires sooner than the grace keeps its earlier expiry', async () => {
      const user = await makeUser(server);
      const expires = new Date(Date.now() + 600_000).toISOString();
      const old = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'soon', expires_at: expires } }), 'soon');
      const rotated = assertCreated(await call(server, 'POST', `/api/me/api-keys/${old.id}/rotate`, { key: user.apiKey }), 'soon');
      const oldListed = (await listOwn(server, user.apiKey)).find((k) => k.id === old.id);
      assert.equal(Date.parse(oldListed.expires_at), Date.parse(expires));
      assert.equal(Date.parse(rotated.expires_at!), Date.parse(expires));
    });
    it('rotating an expired key is refused, never answered with a key that is already dead', async () => {
      const user = await makeUser(server);
      const k = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'lapsed' } }), 'lapsed');
      await server.database.db.updateTable('api_keys').set({ expires_at: '2020-01-01T00:00:00.000000+00:00' }).where('id', '=', k.id).execute();
      server.database.caches.invalidate(['api_keys']); // a write behind the repositories' back, as another process would make
      assert.equal(await status(server, k.apiKey), 401);
      const reply = await call(server, 'POST', `/api/me/api-keys/${k.id}/rotate`, { key: user.apiKey });
      if (reply.status === 200) {
        assert.equal(
          await status(server, reply.body.api_key),
          200,
          `rotate answered 200 with a key that does not authenticate (expires_at ${reply.body.expires_at})`,
        );
      } else {
        assert.ok([404, 409, 422].includes(reply.status), `${reply.status}`);
        assertProblem(reply, reply.status);
      }
    });

    it('rotating a key again during its grace period keeps the original expiry for the new key', async () => {
      const user = await makeUser(server);
      const first = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'twice' } }), 'twice');
      const second = assertCreated(await call(server, 'POST', `/api/me/api-keys/${first.id}/rotate`, { key: user.apiKey }), 'twice');
      assert.equal(second.expires_at, null);
      // the first key is still listed (and works) during its grace period: rotating it again...
      const again = await call(server, 'POST', `/api/me/api-keys/${first.id}/rotate`, { key: user.apiKey });
      if (again.status === 200) {
        const third = assertCreated(again, 'twice');
        assert.equal(third.expires_at, null, `the new key inherits the old key's grace end ${third.expires_at} instead of no expiry`);
      } else {
        assert.ok([404, 409].includes(again.status), `${again.status}`);
        assertProblem(again, again.status);
      }
    });
  });

  describe(`API key rotation with a short grace period (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { apiKeyRotationGraceSeconds: 2 });
    });
    after(() => server.close());

    it('the old key works during the grace period and stops after it; the new one keeps working', async () => {
      const user = await makeUser(server);
      const old = assertCreated(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'rotating' } }), 'rotating');
      assert.equal(await status(server, old.apiKey), 200);
      const rotatedAt = Date.now();
      const rotated = assertCreated(await call(server, 'POST', `/api/me/api-keys/${old.id}/rotate`, { key: old.apiKey }), 'rotating');
      assert.equal(await status(server, old.apiKey), 200, 'the old key must keep working during the grace period');
      assert.equal(await status(server, rotated.apiKey), 200);
      assert.ok(Date.now() - rotatedAt < 1500, 'the checks above ran within the grace period');
      await sleep(Math.max(0, rotatedAt + 2300 - Date.now()));
      assertProblem(await call(server, 'GET', '/api/me', { key: old.apiKey }), 401);
      assertProblem(await call(server, 'GET', '/api/me', { bearer: old.apiKey }), 401);
      assert.equal(await status(server, rotated.apiKey), 200);
      assert.equal(await status(server, user.apiKey), 200);
    });

    it("an admin rotating another user's key: the same grace, then 401", async () => {
      const user = await makeUser(server);
      const old = assertCreated(await call(server, 'POST', `/api/users/${user.id}/api-keys`, { key: server.adminKey, json: { name: 'svc' } }), 'svc');
      const rotatedAt = Date.now();
      const rotated = assertCreated(await call(server, 'POST', `/api/users/${user.id}/api-keys/${old.id}/rotate`, { key: server.adminKey }), 'svc');
      assert.equal(await status(server, old.apiKey), 200);
      const me = await call(server, 'GET', '/api/me', { key: rotated.apiKey });
      assert.equal(me.status, 200);
      assert.equal(me.body.username, user.username, 'the new key belongs to the user, not the admin');
      await sleep(Math.max(0, rotatedAt + 2300 - Date.now()));
      assert.equal(await status(server, old.apiKey), 401);
      assert.equal(await status(server, rotated.apiKey), 200);
    });
  });

  describe(`API keys of other users, as an admin (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it('an admin lists, creates, rotates and revokes another user\'s keys under /api/users/{id}/api-keys', async () => {
      const user = await makeUser(server);
      const listed = await call(server, 'GET', `/api/users/${user.id}/api-keys`, { key: server.adminKey });
      assert.equal(listed.status, 200);
      assert.equal(listed.body.length, 1);
      assertKey(listed.body[0], { name: 'default' });

      const expires = new Date(Date.now() + 3_600_000).toISOString();
      const created = assertCreated(
        await call(server, 'POST', `/api/users/${user.id}/api-keys`, { key: server.adminKey, json: { name: 'by-admin', expires_at: expires } }),
        'by-admin',
      );
      const me = await call(server, 'GET', '/api/me', { key: created.apiKey });
      assert.equal(me.status, 200);
      assert.equal(me.body.username, user.username);
      // the user sees it among its own keys
      assert.ok((await listOwn(server, user.apiKey)).some((k) => k.id === created.id && k.name === 'by-admin'));
      // the admin's own keys are not affected
      assert.ok(!(await listOwn(server, server.adminKey)).some((k) => k.id === created.id));

      const rotated = assertCreated(await call(server, 'POST', `/api/users/${user.id}/api-keys/${created.id}/rotate`, { key: server.adminKey }), 'by-admin');
      assert.equal(await status(server, rotated.apiKey), 200);

      const revoked = await call(server, 'DELETE', `/api/users/${user.id}/api-keys/${rotated.id}`, { key: server.adminKey });
      assert.equal(revoked.status, 200);
      assertKey(revoked.body, { id: rotated.id });
      assert.equal(await status(server, rotated.apiKey), 401);
      assert.equal(await status(server, user.apiKey), 200);
      const after = await call(server, 'GET', `/api/users/${user.id}/api-keys`, { key: server.adminKey });
      assert.ok(!after.body.some((k: any) => k.id === rotated.id));
    });

    it('accepts an upper-case user id', async () => {
      const user = await makeUser(server);
      const reply = await call(server, 'GET', `/api/users/${user.id.toUpperCase()}/api-keys`, { key: server.adminKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.length, 1);
    });

    it("an annotator on another user's keys is 403 for every route, and nothing changes", async () => {
      const annotator = await makeUser(server);
      const victim = await makeUser(server);
      const keyId = (await listOwn(server, victim.apiKey))[0].id;
      assertProblem(await call(server, 'GET', `/api/users/${victim.id}/api-keys`, { key: annotator.apiKey }), 403, 'forbidden');
      assertProblem(await call(server, 'POST', `/api/users/${victim.id}/api-keys`, { key: annotator.apiKey, json: { name: 'x' } }), 403);
      assertProblem(await call(server, 'POST', `/api/users/${victim.id}/api-keys/${keyId}/rotate`, { key: annotator.apiKey }), 403);
      assertProblem(await call(server, 'DELETE', `/api/users/${victim.id}/api-keys/${keyId}`, { key: annotator.apiKey }), 403);
      // the admin's keys too; and unknown users are 403 as well (the role is checked before existence)
      const adminId = (await call(server, 'GET', '/api/me', { key: server.adminKey })).body.id;
      assertProblem(await call(server, 'GET', `/api/users/${adminId}/api-keys`, { key: annotator.apiKey }), 403);
      assertProblem(await call(server, 'GET', `/api/users/${UNKNOWN_ID}/api-keys`, { key: annotator.apiKey }), 403);
      // bad input is 422 before the role check
      assertProblem(await call(server, 'POST', `/api/users/${victim.id}/api-keys`, { key: annotator.apiKey, json: { name: '' } }), 422);
      assert.equal(await status(server, victim.apiKey), 200);
      assert.equal((await listOwn(server, victim.apiKey)).length, 1);
    });

    it('an annotator may use /api/users/{its own id}/api-keys', async () => {
      const annotator = await makeUser(server);
      const reply = await call(server, 'GET', `/api/users/${annotator.id}/api-keys`, { key: annotator.apiKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.length, 1);
    });

    it('unknown user is 404, unknown key id is 404, a key of someone else is 404, a bad UUID is 422', async () => {
      const user = await makeUser(server);
      const other = await makeUser(server);
      const othersKey = (await listOwn(server, other.apiKey))[0].id;
      assertProblem(await call(server, 'GET', `/api/users/${UNKNOWN_ID}/api-keys`, { key: server.adminKey }), 404, 'user_not_found');
      assertProblem(await call(server, 'POST', `/api/users/${UNKNOWN_ID}/api-keys`, { key: server.adminKey, json: { name: 'x' } }), 404);
      assertProblem(await call(server, 'POST', `/api/users/${UNKNOWN_ID}/api-keys/${UNKNOWN_ID}/rotate`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'DELETE', `/api/users/${UNKNOWN_ID}/api-keys/${UNKNOWN_ID}`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'DELETE', `/api/users/${user.id}/api-keys/${UNKNOWN_ID}`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'POST', `/api/users/${user.id}/api-keys/${UNKNOWN_ID}/rotate`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'DELETE', `/api/users/${user.id}/api-keys/${othersKey}`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'GET', '/api/users/not-a-uuid/api-keys', { key: server.adminKey }), 422);
      assertProblem(await call(server, 'DELETE', `/api/users/${user.id}/api-keys/nope`, { key: server.adminKey }), 422);
      assert.equal(await status(server, other.apiKey), 200);
    });

    it('deleting a user takes its keys with it (401)', async () => {
      const user = await makeUser(server);
      const k = assertCreated(await call(server, 'POST', `/api/users/${user.id}/api-keys`, { key: server.adminKey, json: { name: 'gone' } }), 'gone');
      assert.equal(await status(server, k.apiKey), 200);
      assert.equal((await call(server, 'DELETE', `/api/users/${user.id}`, { key: server.adminKey })).status, 200);
      assert.equal(await status(server, k.apiKey), 401);
      assert.equal(await status(server, user.apiKey), 401);
      assertProblem(await call(server, 'GET', `/api/users/${user.id}/api-keys`, { key: server.adminKey }), 404);
    });
  });
}

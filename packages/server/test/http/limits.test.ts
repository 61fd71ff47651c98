// Length limits of names, person names, emails and API key names; the cap on workspaces named when
// creating a user; the cap on a user's active API keys. Each limit is checked at its edge (the
// limit accepted, one more refused with the field and the limit named), and far past it (a
// 3,000-character name must be a 422, never a 500 from a database index, and write nothing).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../src/domain/errors.js';
import { LIMITS } from '../../src/domain/limits.js';
import { SYSTEM } from '../../src/domain/policies.js';
import { createUser, updateUser } from '../../src/domain/users.js';
import { createWorkspace as createWorkspaceAsSystem } from '../../src/domain/workspaces.js';
import { createDataset } from '../../src/domain/datasets.js';
import { createApiKey } from '../../src/domain/apiKeys.js';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem, countRows, createWorkspace, uniqueName } from './support.js';

const NAME_MAX = LIMITS.name_max_length;
const PERSON_MAX = LIMITS.person_name_max_length;
const EMAIL_MAX = LIMITS.email_max_length;
const KEY_NAME_MAX = LIMITS.api_key_name_max_length;
const WORKSPACES_MAX = LIMITS.user_workspaces_max;
const KEYS_MAX = LIMITS.active_api_keys_max;

/** A valid name of exactly `length` characters, unique to this run. */
function nameOf(length: number): string {
  const head = uniqueName('n').replace(/[^a-z0-9-]/g, '');
  return (head + 'x'.repeat(length)).slice(0, length);
}

/** `length` random characters of the name alphabet: what a fuzzer sends. */
function randomName(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** `length` random characters from all of Unicode's planes (no lone surrogates, no NUL). */
function randomText(length: number): string {
  const chars: string[] = [];
  while (chars.length < length) {
    const code = 0x20 + (randomBytes(3).readUIntBE(0, 3) % 0x10ffdf);
    if (code >= 0xd800 && code <= 0xdfff) continue;
    chars.push(String.fromCodePoint(code));
  }
  return chars.join('');
}

function emailOf(length: number): string {
  const domain = '@example.com';
  return `${'e'.repeat(length - domain.length)}${domain}`;
}

/** The 422 names exactly this pointer with exactly this message. */
function assertTooLong(reply: Reply, pointer: string, message: string): void {
  const body = assertProblem(reply, 422, 'validation_error');
  assert.ok(
    body.errors.some((e: { pointer: string; message: string }) => e.pointer === pointer && e.message === message),
    `expected ${pointer}: ${message}; got ${JSON.stringify(body.errors)}`,
  );
}

/** Runs `fn`, which must reject with a validation error naming `field` with `message`. */
async function assertDomainRefuses(fn: () => Promise<unknown>, field: string, message: string): Promise<void> {
  await assert.rejects(fn, (error: unknown) => {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.code, 'validation_error');
    assert.ok(
      error.errors.some((e) => e.field === field && e.message === message),
      `expected ${field}: ${message}; got ${JSON.stringify(error.errors)}`,
    );
    return true;
  });
}

const atMost = (n: number) => `must be at most ${n} characters`;

for (const backend of backends()) {
  describe(`limits on names and lists (${backend.name})`, () => {
    let server: TestServer;
    let workspace: { id: string; name: string };
    before(async () => {
      server = await startTestServer(backend);
      workspace = await createWorkspace(server);
    });
    after(() => server.close());

    const newUser = (extra: Record<string, unknown> = {}) => ({
      first_name: 'Ann',
      username: uniqueName('u'),
      password: 'a-good-password',
      ...extra,
    });

    it(`usernames: ${NAME_MAX} characters are accepted, ${NAME_MAX + 1} are a 422 naming /username and the limit`, async () => {
      const ok = await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ username: nameOf(NAME_MAX) }) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.username.length, NAME_MAX);
      const before = await countRows(server, 'users');
      const reply = await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ username: nameOf(NAME_MAX + 1) }) });
      assertTooLong(reply, '/username', atMost(NAME_MAX));
      assert.equal(await countRows(server, 'users'), before);
    });

    it(`workspace names: ${NAME_MAX} accepted, ${NAME_MAX + 1} refused (POST /api/workspaces and the workspaces of a new user)`, async () => {
      const ok = await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: nameOf(NAME_MAX) } });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const before = await countRows(server, 'workspaces');
      assertTooLong(await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: nameOf(NAME_MAX + 1) } }), '/name', atMost(NAME_MAX));
      const long = nameOf(NAME_MAX + 1);
      const reply = await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ workspaces: ['fine', long] }) });
      assertTooLong(reply, '/workspaces/1', atMost(NAME_MAX));
      assert.equal(await countRows(server, 'workspaces'), before);
      const withLongest = await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ workspaces: [nameOf(NAME_MAX)] }) });
      assert.equal(withLongest.status, 200, JSON.stringify(withLongest.body));
    });

    it(`dataset names: ${NAME_MAX} accepted and reachable by name in the path, ${NAME_MAX + 1} refused (create and copy)`, async () => {
      const name = nameOf(NAME_MAX);
      const q = `?workspace=${workspace.name}`;
      const created = await call(server, 'POST', `/api/datasets${q}`, { key: server.adminKey, json: { name } });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      // A name at the limit must be usable wherever a dataset is named.
      const read = await call(server, 'GET', `/api/datasets/${name}${q}`, { key: server.adminKey });
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.equal(read.body.name, name);
      assert.equal((await call(server, 'GET', `/api/datasets/${name}/settings${q}`, { key: server.adminKey })).status, 200);
      const logged = await call(server, 'POST', `/api/datasets/${name}/records:bulk${q}`, { key: server.adminKey, json: { records: [{ fields: { text: 'a' } }] } });
      assert.equal(logged.status, 200, JSON.stringify(logged.body));
      const copyName = nameOf(NAME_MAX);
      const copied = await call(server, 'POST', `/api/datasets/${name}:copy${q}`, { key: server.adminKey, json: { name: copyName } });
      assert.equal(copied.status, 200, JSON.stringify(copied.body));

      assertTooLong(
        await call(server, 'POST', `/api/datasets${q}`, { key: server.adminKey, json: { name: nameOf(NAME_MAX + 1) } }),
        '/name',
        atMost(NAME_MAX),
      );
      assertTooLong(
        await call(server, 'POST', `/api/datasets/${name}:copy${q}`, { key: server.adminKey, json: { name: nameOf(NAME_MAX + 1) } }),
        '/name',
        atMost(NAME_MAX),
      );
      const listed = await call(server, 'GET', `/api/datasets${q}`, { key: server.adminKey });
      assert.deepEqual(listed.body.map((d: { name: string }) => d.name).sort(), [name, copyName].sort());
      assert.equal((await call(server, 'DELETE', `/api/datasets/${name}${q}`, { key: server.adminKey })).status, 200);
    });

    it(`first and last names: ${PERSON_MAX} accepted, ${PERSON_MAX + 1} refused, on create and on update`, async () => {
      const first = 'F'.repeat(PERSON_MAX);
      const last = 'é'.repeat(PERSON_MAX);
      const ok = await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ first_name: first, last_name: last }) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.first_name, first);
      assert.equal(ok.body.last_name, last);
      const before = await countRows(server, 'users');
      const reply = await call(server, 'POST', '/api/users', {
        key: server.adminKey,
        json: newUser({ first_name: 'F'.repeat(PERSON_MAX + 1), last_name: 'L'.repeat(PERSON_MAX + 1) }),
      });
      assertTooLong(reply, '/first_name', atMost(PERSON_MAX));
      assertTooLong(reply, '/last_name', atMost(PERSON_MAX));
      assert.equal(await countRows(server, 'users'), before);
      const id = ok.body.id;
      assertTooLong(await call(server, 'PATCH', `/api/users/${id}`, { key: server.adminKey, json: { first_name: 'x'.repeat(PERSON_MAX + 1) } }), '/first_name', atMost(PERSON_MAX));
      assertTooLong(await call(server, 'PATCH', `/api/users/${id}`, { key: server.adminKey, json: { last_name: 'x'.repeat(PERSON_MAX + 1) } }), '/last_name', atMost(PERSON_MAX));
      const unchanged = await call(server, 'GET', `/api/users/${id}`, { key: server.adminKey });
      assert.equal(unchanged.body.first_name, first);
      const patched = await call(server, 'PATCH', `/api/users/${id}`, { key: server.adminKey, json: { first_name: 'G'.repeat(PERSON_MAX) } });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
    });

    it(`email: ${EMAIL_MAX} characters accepted, ${EMAIL_MAX + 1} refused, on create and on update`, async () => {
      const ok = await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ email: emailOf(EMAIL_MAX) }) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.email, emailOf(EMAIL_MAX));
      const before = await countRows(server, 'users');
      assertTooLong(await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ email: emailOf(EMAIL_MAX + 1) }) }), '/email', atMost(EMAIL_MAX));
      assert.equal(await countRows(server, 'users'), before);
      assertTooLong(await call(server, 'PATCH', `/api/users/${ok.body.id}`, { key: server.adminKey, json: { email: emailOf(EMAIL_MAX + 1) } }), '/email', atMost(EMAIL_MAX));
    });

    it(`API key names: ${KEY_NAME_MAX} accepted, ${KEY_NAME_MAX + 1} refused`, async () => {
      const user = await makeUser(server);
      const ok = await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'k'.repeat(KEY_NAME_MAX) } });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const before = await countRows(server, 'api_keys');
      assertTooLong(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'k'.repeat(KEY_NAME_MAX + 1) } }), '/name', atMost(KEY_NAME_MAX));
      assertTooLong(
        await call(server, 'POST', `/api/users/${user.id}/api-keys`, { key: server.adminKey, json: { name: 'k'.repeat(KEY_NAME_MAX + 1) } }),
        '/name',
        atMost(KEY_NAME_MAX),
      );
      assert.equal(await countRows(server, 'api_keys'), before);
    });

    it('a 3,000-character random name is a 422, not a 500, on user, workspace and dataset creation, and writes nothing', async () => {
      const counts = async () => [await countRows(server, 'users'), await countRows(server, 'workspaces'), await countRows(server, 'memberships')];
      const datasets = async () => (await call(server, 'GET', `/api/datasets?workspace=${workspace.name}`, { key: server.adminKey })).body.length;
      const before = await counts();
      const datasetsBefore = await datasets();
      for (const long of [randomName(3000), randomText(3000)]) {
        assertProblem(await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ username: long }) }), 422, 'validation_error');
        assertProblem(await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ workspaces: [long] }) }), 422, 'validation_error');
        assertProblem(await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: long } }), 422, 'validation_error');
        assertProblem(
          await call(server, 'POST', `/api/datasets?workspace=${workspace.name}`, { key: server.adminKey, json: { name: long } }),
          422,
          'validation_error',
        );
        for (const field of ['first_name', 'last_name']) {
          assertProblem(await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ [field]: long }) }), 422, 'validation_error');
        }
        assertProblem(await call(server, 'POST', '/api/users', { key: server.adminKey, json: newUser({ email: `${long}@example.com` }) }), 422, 'validation_error');
      }
      assert.deepEqual(await counts(), before);
      assert.equal(await datasets(), datasetsBefore);
    });

    it('looking a 3,000-character name up (path, ?workspace=, header, filter) answers 404 or 422, never a 500', async () => {
      const long = randomName(3000);
      const key = server.adminKey;
      const q = `?workspace=${workspace.name}`;
      // A dataset named in the path: longer than any name can be.
      assertTooLong(await call(server, 'GET', `/api/datasets/${long}${q}`, { key }), '/path/name', atMost(NAME_MAX));
      assertTooLong(await call(server, 'DELETE', `/api/datasets/${long}${q}`, { key }), '/path/name', atMost(NAME_MAX));
      assertTooLong(await call(server, 'GET', `/api/datasets/${long}/records${q}`, { key }), '/path/name', atMost(NAME_MAX));
      // A workspace named in the query string, or in the header.
      assertTooLong(await call(server, 'GET', `/api/datasets?workspace=${long}`, { key }), '/query/workspace', atMost(NAME_MAX));
      assertProblem(await call(server, 'GET', '/api/datasets', { key, headers: { 'x-argilla-workspace': long } }), 404, 'workspace_not_found');
      assertTooLong(await call(server, 'GET', `/api/users?workspace=${long}`, { key }), '/query/workspace', atMost(NAME_MAX));
      // Workspaces and users are addressed by id: a long text is not one.
      assertProblem(await call(server, 'GET', `/api/workspaces/${long}`, { key }), 422, 'validation_error');
      assertProblem(await call(server, 'GET', `/api/users/${long}`, { key }), 422, 'validation_error');
      // A name at the limit that names nothing is a plain 404.
      assertProblem(await call(server, 'GET', `/api/datasets/${nameOf(NAME_MAX)}${q}`, { key }), 404, 'dataset_not_found');
      assertProblem(await call(server, 'GET', `/api/datasets?workspace=${nameOf(NAME_MAX)}`, { key }), 404, 'workspace_not_found');
    });

    it('the domain refuses over-long names whatever the door (command line, users file)', async () => {
      const { database } = server;
      await assertDomainRefuses(() => createWorkspaceAsSystem(database, SYSTEM, nameOf(NAME_MAX + 1)), 'name', atMost(NAME_MAX));
      await assertDomainRefuses(
        () => createUser(database, SYSTEM, { username: nameOf(NAME_MAX + 1), first_name: 'A', password: 'a-good-password' }),
        'username',
        atMost(NAME_MAX),
      );
      await assertDomainRefuses(
        () => createUser(database, SYSTEM, { username: uniqueName('u'), first_name: 'A', password: 'a-good-password', workspaces: [nameOf(NAME_MAX + 1)] }),
        'workspaces/0',
        atMost(NAME_MAX),
      );
      await assertDomainRefuses(
        () => createUser(database, SYSTEM, { username: uniqueName('u'), first_name: 'A'.repeat(PERSON_MAX + 1), password: 'a-good-password' }),
        'first_name',
        atMost(PERSON_MAX),
      );
      await assertDomainRefuses(
        () => createUser(database, SYSTEM, { username: uniqueName('u'), first_name: 'A', email: emailOf(EMAIL_MAX + 1), password: 'a-good-password' }),
        'email',
        atMost(EMAIL_MAX),
      );
      const made = await makeUser(server);
      await assertDomainRefuses(() => updateUser(database, SYSTEM, made.id, { last_name: 'L'.repeat(PERSON_MAX + 1) }), 'last_name', atMost(PERSON_MAX));
      await assertDomainRefuses(() => createDataset(database, SYSTEM, workspace.name, { name: nameOf(NAME_MAX + 1) }), 'name', atMost(NAME_MAX));
      await assertDomainRefuses(() => createApiKey(database, SYSTEM, made.id, { name: 'k'.repeat(KEY_NAME_MAX + 1) }), 'name', atMost(KEY_NAME_MAX));
    });
  });

  describe(`limits on the workspaces of a new user (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it(`${WORKSPACES_MAX} workspaces (new ones) are created with the user, in the order given`, async () => {
      const names = Array.from({ length: WORKSPACES_MAX }, (_, i) => `w${i}-${uniqueName('m')}`);
      const reply = await call(server, 'POST', '/api/users', {
        key: server.adminKey,
        json: { first_name: 'Many', username: uniqueName('many'), password: 'a-good-password', workspaces: names },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body).slice(0, 500));
      assert.deepEqual(reply.body.workspaces, names);
      // Half of them existing already, half new, with repeats: still one membership each.
      const mixed = [...names.slice(0, WORKSPACES_MAX / 2), ...Array.from({ length: WORKSPACES_MAX / 2 - 10 }, (_, i) => `v${i}-${uniqueName('m')}`)];
      const again = await call(server, 'POST', '/api/users', {
        key: server.adminKey,
        json: { first_name: 'Many', username: uniqueName('many'), password: 'a-good-password', workspaces: [...mixed, ...mixed.slice(0, 10)] },
      });
      assert.equal(again.status, 200, JSON.stringify(again.body).slice(0, 500));
      assert.deepEqual(again.body.workspaces, mixed);
    });

    it(`${WORKSPACES_MAX + 1} or 10,000 workspaces are a 422 naming /workspaces and the limit, and write nothing`, async () => {
      const counts = async () => [await countRows(server, 'users'), await countRows(server, 'workspaces'), await countRows(server, 'memberships')];
      const before = await counts();
      for (const count of [WORKSPACES_MAX + 1, 10_000, 20_000]) {
        const names = Array.from({ length: count }, (_, i) => `x${i}`);
        const reply = await call(server, 'POST', '/api/users', {
          key: server.adminKey,
          json: { first_name: 'Many', username: uniqueName('many'), password: 'a-good-password', workspaces: names },
        });
        assertTooLong(reply, '/workspaces', `must list at most ${WORKSPACES_MAX} items`);
      }
      await assertDomainRefuses(
        () =>
          createUser(server.database, SYSTEM, {
            username: uniqueName('u'),
            first_name: 'A',
            password: 'a-good-password',
            workspaces: Array.from({ length: WORKSPACES_MAX + 1 }, (_, i) => `y${i}`),
          }),
        'workspaces',
        `must list at most ${WORKSPACES_MAX} items`,
      );
      assert.deepEqual(await counts(), before);
    });
  });

  describe(`limit on a user's active API keys (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    const create = (server: TestServer, key: string, name: string, path = '/api/me/api-keys') => call(server, 'POST', path, { key, json: { name } });

    it(`a user holds at most ${KEYS_MAX} active keys: the next is a 409 api_key_limit_reached; revoked, expired and rotated-away keys do not count`, async () => {
      const user = await makeUser(server);
      // The key made with the user is the first.
      for (let i = 1; i < KEYS_MAX; i++) assert.equal((await create(server, user.apiKey, `k${i}`)).status, 200);
      const before = await countRows(server, 'api_keys');
      const refused = assertProblem(await create(server, user.apiKey, 'one-too-many'), 409, 'api_key_limit_reached');
      assert.deepEqual(refused.params, { limit: KEYS_MAX });
      assert.match(refused.detail, new RegExp(`${KEYS_MAX}`));
      assertProblem(await create(server, server.adminKey, 'by-admin', `/api/users/${user.id}/api-keys`), 409, 'api_key_limit_reached');
      await assert.rejects(() => createApiKey(server.database, SYSTEM, user.id, { name: 'from-cli' }), (e: unknown) => e instanceof DomainError && e.code === 'api_key_limit_reached');
      assert.equal(await countRows(server, 'api_keys'), before);

      // Rotation replaces a key: allowed at the limit, and the key it replaces stops counting.
      const keys = (await call(server, 'GET', '/api/me/api-keys', { key: user.apiKey })).body;
      assert.equal(keys.length, KEYS_MAX);
      const rotated = await call(server, 'POST', `/api/me/api-keys/${keys[1].id}/rotate`, { key: user.apiKey });
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      assertProblem(await create(server, user.apiKey, 'still-too-many'), 409, 'api_key_limit_reached');

      // A revoked key frees a place.
      assert.equal((await call(server, 'DELETE', `/api/me/api-keys/${keys[2].id}`, { key: user.apiKey })).status, 200);
      assert.equal((await create(server, user.apiKey, 'after-revoke')).status, 200);
      assertProblem(await create(server, user.apiKey, 'full-again'), 409, 'api_key_limit_reached');

      // So does an expired one.
      await server.database.db.updateTable('api_keys').set({ expires_at: '2020-01-01T00:00:00.000000+00:00' }).where('id', '=', keys[3].id).execute();
      assert.equal((await create(server, user.apiKey, 'after-expiry')).status, 200);
      assertProblem(await create(server, user.apiKey, 'full-once-more'), 409, 'api_key_limit_reached');
    });

    it('the limit is per user', async () => {
      const other = await makeUser(server);
      assert.equal((await create(server, other.apiKey, 'mine')).status, 200);
    });
  });
}

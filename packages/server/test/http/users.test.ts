// The user routes of the HTTP API: GET /api/me, GET/POST /api/users, GET/PATCH/DELETE
// /api/users/{id}: response shapes, key exposure, updates, deletes, the last admin, and lists.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, loginToken, makeUser, startTestServer, type TestServer } from '../helpers/http.js';
import {
  assertMaskedKey,
  assertNoSecrets,
  assertProblem,
  assertUser,
  countRows,
  createWorkspace,
  loginForm,
  UNKNOWN_ID,
  uniqueName,
  userExists,
  workspaceExists,
} from './support.js';

const PASSWORD = 'a-good-password';

for (const backend of backends()) {
  describe(`HTTP users (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    function createUser(json: Record<string, unknown>) {
      return call(server, 'POST', '/api/users', { key: server.adminKey, json });
    }

    it('POST /api/users creates a user (200) and returns its new key in full, which authenticates', async () => {
      const username = uniqueName('ann');
      const before = await countRows(server, 'users');
      const reply = await createUser({ first_name: 'Ann', username, password: PASSWORD });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
      assertUser(reply.body, {
        username,
        first_name: 'Ann',
        last_name: undefined,
        email: undefined,
        full_name: 'Ann',
        role: 'annotator',
        disabled: false,
        workspaces: [],
      });
      assert.equal(reply.body.inserted_at, reply.body.updated_at);
      const key: string = reply.body.api_key;
      assert.match(key, /^argilla_/);
      assert.ok(!key.includes('…'));
      // at least 256 random bits after the prefix (43 base64url characters)
      assert.ok(key.length - 'argilla_'.length >= 43, `key ${key} is too short`);
      assert.equal(await countRows(server, 'users'), before + 1);
      const me = await call(server, 'GET', '/api/me', { key });
      assert.equal(me.status, 200);
      assertUser(me.body, { id: reply.body.id, username, api_key: key });
      // the password given works too
      assert.equal((await loginForm(server, { username, password: PASSWORD })).status, 200);
    });

    it('POST /api/users joins the names, trims them, and keeps an email', async () => {
      const username = uniqueName('john');
      const reply = await createUser({ first_name: '  John ', last_name: ' Doe  ', username, email: 'john@example.com', password: PASSWORD, role: 'admin' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertUser(reply.body, { first_name: 'John', last_name: 'Doe', full_name: 'John Doe', email: 'john@example.com', role: 'admin' });
      const read = await call(server, 'GET', `/api/users/${reply.body.id}`, { key: server.adminKey });
      assertUser(read.body, { first_name: 'John', last_name: 'Doe', full_name: 'John Doe', email: 'john@example.com', role: 'admin' });
    });

    it('POST /api/users treats a null last_name and email as absent', async () => {
      const reply = await createUser({ first_name: 'Solo', last_name: null, email: null, username: uniqueName('solo'), password: PASSWORD });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertUser(reply.body, { last_name: undefined, email: undefined, full_name: 'Solo' });
    });

    it('POST /api/users creates missing workspaces and reuses existing ones', async () => {
      const existing = await createWorkspace(server);
      const fresh = uniqueName('fresh');
      const workspacesBefore = await countRows(server, 'workspaces');
      const reply = await createUser({ first_name: 'W', username: uniqueName('w'), password: PASSWORD, workspaces: [existing.name, fresh] });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      // (their order is checked by the next test)
      assert.deepEqual([...reply.body.workspaces].sort(), [existing.name, fresh].sort());
      assert.equal(await countRows(server, 'workspaces'), workspacesBefore + 1);
      assert.ok(await workspaceExists(server, fresh));
      const list = await call(server, 'GET', '/api/workspaces?limit=1000', { key: server.adminKey });
      assert.equal(list.body.filter((w: { name: string }) => w.name === existing.name).length, 1);
      assert.equal(list.body.filter((w: { name: string }) => w.name === fresh).length, 1);
    });

    it('POST /api/users lists the workspaces in the order given (membership order)', async () => {
      const names = ['f', 'e', 'd', 'c', 'b', 'a'].map((letter) => uniqueName(`order-${letter}`));
      const reply = await createUser({ first_name: 'Order', username: uniqueName('order'), password: PASSWORD, workspaces: names });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body.workspaces, names);
      const read = await call(server, 'GET', `/api/users/${reply.body.id}`, { key: server.adminKey });
      assert.deepEqual(read.body.workspaces, names);
      const me = await call(server, 'GET', '/api/me', { key: reply.body.api_key });
      assert.deepEqual(me.body.workspaces, names);
    });

    it('POST /api/users with a workspace named twice makes one membership', async () => {
      const name = uniqueName('twice');
      const reply = await createUser({ first_name: 'T', username: uniqueName('t'), password: PASSWORD, workspaces: [name, name] });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body.workspaces, [name]);
    });

    it('POST /api/users answers 409 user_already_exists, writing nothing', async () => {
      const user = await makeUser(server);
      const before = await countRows(server, 'users');
      const workspaceName = uniqueName('not-made');
      const reply = await createUser({ first_name: 'Dup', username: user.username, password: PASSWORD, workspaces: [workspaceName] });
      const body = assertProblem(reply, 409, 'user_already_exists');
      assert.deepEqual(body.params, { name: user.username, type: 'User' });
      assert.equal(await countRows(server, 'users'), before);
      assert.equal(await workspaceExists(server, workspaceName), false);
    });

    it('GET /api/users/{id} and GET /api/users show a masked preview of the key, never the key', async () => {
      const created = await createUser({ first_name: 'Mask', username: uniqueName('mask'), password: PASSWORD });
      const key = created.body.api_key;
      const one = await call(server, 'GET', `/api/users/${created.body.id}`, { key: server.adminKey });
      assert.equal(one.status, 200);
      assertUser(one.body, { id: created.body.id, username: created.body.username });
      assertMaskedKey(one.body.api_key, key);
      const list = await call(server, 'GET', '/api/users?limit=1000', { key: server.adminKey });
      assert.equal(list.status, 200);
      assert.ok(!JSON.stringify(list.body).includes(key), 'the list reveals a key');
      const listed = list.body.find((u: { id: string }) => u.id === created.body.id);
      assertUser(listed);
      assertMaskedKey(listed.api_key, key);
      // nor does the admin's own key show up anywhere but its own /api/me
      assert.ok(!JSON.stringify(list.body).includes(server.adminKey));
      for (const user of list.body) assertUser(user);
    });

    it('GET /api/me echoes the API key used, and shows a preview when called with a login token', async () => {
      const user = await makeUser(server);
      const byKey = await call(server, 'GET', '/api/me', { key: user.apiKey });
      assert.equal(byKey.body.api_key, user.apiKey);
      const token = await loginToken(server, user.username, user.password);
      const byToken = await call(server, 'GET', '/api/me', { bearer: token });
      assert.equal(byToken.status, 200);
      assertMaskedKey(byToken.body.api_key, user.apiKey);
      assert.ok(!JSON.stringify(byToken.body).includes(token));
    });

    it('GET /api/me lists every workspace for an admin and only its own for an annotator', async () => {
      const mine = await createWorkspace(server);
      const notMine = await createWorkspace(server);
      const annotator = await makeUser(server, { workspaces: [mine.name] });
      const me = await call(server, 'GET', '/api/me', { key: annotator.apiKey });
      assertUser(me.body, { role: 'annotator', workspaces: [mine.name] });
      const admin = await call(server, 'GET', '/api/me', { key: server.adminKey });
      assertUser(admin.body, { username: 'argilla', role: 'admin' });
      const all = await call(server, 'GET', '/api/workspaces?limit=1000', { key: server.adminKey });
      assert.deepEqual(admin.body.workspaces, all.body.map((w: { name: string }) => w.name));
      assert.ok(admin.body.workspaces.includes(notMine.name));
      assert.ok(admin.body.workspaces.includes('argilla'));
    });

    it('GET /api/users/{id} answers 404 for an unknown user', async () => {
      const body = assertProblem(await call(server, 'GET', `/api/users/${UNKNOWN_ID}`, { key: server.adminKey }), 404);
      assert.match(body.code, /not_found/);
    });

    it('PATCH /api/users/{id} changes names, email, and can clear them', async () => {
      const user = await makeUser(server);
      const before = await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const reply = await call(server, 'PATCH', `/api/users/${user.id}`, {
        key: server.adminKey,
        json: { first_name: ' Jane ', last_name: 'Roe', email: 'jane@example.com' },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertUser(reply.body, { id: user.id, username: user.username, first_name: 'Jane', last_name: 'Roe', full_name: 'Jane Roe', email: 'jane@example.com' });
      assert.equal(reply.body.inserted_at, before.body.inserted_at);
      assert.ok(Date.parse(reply.body.updated_at) > Date.parse(before.body.updated_at), 'updated_at did not move');
      assertMaskedKey(reply.body.api_key, user.apiKey);
      const cleared = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { last_name: null, email: null } });
      assert.equal(cleared.status, 200);
      assertUser(cleared.body, { first_name: 'Jane', last_name: undefined, email: undefined, full_name: 'Jane' });
      const read = await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey });
      assertUser(read.body, { first_name: 'Jane', last_name: undefined, email: undefined, full_name: 'Jane' });
    });

    it('PATCH /api/users/{id} with an empty body changes nothing but answers 200', async () => {
      const user = await makeUser(server);
      const reply = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: {} });
      assert.equal(reply.status, 200);
      assertUser(reply.body, { id: user.id, first_name: 'Test', last_name: 'User' });
    });

    it('PATCH /api/users/{id} rejects broken rules with 422 and changes nothing', async () => {
      const user = await makeUser(server);
      const before = (await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey })).body;
      for (const json of [
        { first_name: '   ' },
        { first_name: '' },
        { first_name: 123 },
        { last_name: '' },
        { last_name: '  ' },
        { role: 'boss' },
        { role: 'Admin' },
        { password: 'x'.repeat(7) },
        { password: 'x'.repeat(101) },
        { disabled: 'yes' },
        { disabled: 1 },
        { email: 'not-an-email' },
        { first_name: 'Fine', role: 'boss' },
      ]) {
        assertProblem(await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json }), 422);
      }
      const after = (await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey })).body;
      assert.deepEqual(after, before);
      assert.equal((await loginForm(server, { username: user.username, password: user.password })).status, 200);
    });

    it('PATCH /api/users/{id} answers 404 for an unknown user', async () => {
      assertProblem(await call(server, 'PATCH', `/api/users/${UNKNOWN_ID}`, { key: server.adminKey, json: { first_name: 'X' } }), 404);
    });

    it('PATCH /api/users/{id} changes the role and the disabled flag', async () => {
      const user = await makeUser(server);
      const promoted = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { role: 'admin' } });
      assertUser(promoted.body, { role: 'admin', disabled: false });
      const disabled = await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { disabled: true } });
      assertUser(disabled.body, { role: 'admin', disabled: true });
      const read = await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey });
      assertUser(read.body, { role: 'admin', disabled: true });
    });

    it('DELETE /api/users/{id} answers 200 with the deleted user; it is gone, with its memberships', async () => {
      const workspace = await createWorkspace(server);
      const user = await makeUser(server, { workspaces: [workspace.name] });
      const before = await countRows(server, 'users');
      const reply = await call(server, 'DELETE', `/api/users/${user.id}`, { key: server.adminKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assertUser(reply.body, { id: user.id, username: user.username, workspaces: [workspace.name] });
      assert.ok(!JSON.stringify(reply.body).includes(user.apiKey));
      assert.equal(await countRows(server, 'users'), before - 1);
      assert.equal(await userExists(server, user.username), false);
      assertProblem(await call(server, 'GET', `/api/users/${user.id}`, { key: server.adminKey }), 404);
      assertProblem(await call(server, 'DELETE', `/api/users/${user.id}`, { key: server.adminKey }), 404);
      const members = await call(server, 'GET', `/api/workspaces/${workspace.id}/users`, { key: server.adminKey });
      assert.deepEqual(members.body, []);
      // the username is free again
      const again = await createUser({ first_name: 'Again', username: user.username, password: PASSWORD });
      assert.equal(again.status, 200);
    });

    it('no response about users carries a password hash or a digest', async () => {
      const created = await createUser({ first_name: 'S', username: uniqueName('s'), password: PASSWORD, workspaces: [uniqueName('s')] });
      const token = await loginToken(server, created.body.username, PASSWORD);
      const replies = [
        created,
        await call(server, 'GET', '/api/users', { key: server.adminKey }),
        await call(server, 'GET', `/api/users/${created.body.id}`, { key: server.adminKey }),
        await call(server, 'GET', '/api/me', { key: created.body.api_key }),
        await call(server, 'GET', '/api/me', { bearer: token }),
        await call(server, 'PATCH', `/api/users/${created.body.id}`, { key: server.adminKey, json: { password: 'another-password' } }),
      ];
      const rows = await server.database.db.selectFrom('users').select('password_hash').execute();
      const digests = await server.database.db.selectFrom('api_keys').select('digest').execute();
      for (const reply of replies) {
        assert.equal(reply.status, 200);
        assertNoSecrets(reply.body);
        const text = JSON.stringify(reply.body);
        for (const row of rows) assert.ok(!text.includes(row.password_hash));
        for (const row of digests) assert.ok(!text.includes(row.digest));
      }
    });
  });

  describe(`HTTP users: the last enabled admin (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    async function argillaId(): Promise<string> {
      const me = await call(server, 'GET', '/api/me', { key: server.adminKey });
      return me.body.id;
    }

    it('refuses to delete, demote or disable the only enabled admin (409 last_admin)', async () => {
      const id = await argillaId();
      assertProblem(await call(server, 'DELETE', `/api/users/${id}`, { key: server.adminKey }), 409, 'last_admin');
      assertProblem(await call(server, 'PATCH', `/api/users/${id}`, { key: server.adminKey, json: { role: 'annotator' } }), 409, 'last_admin');
      assertProblem(await call(server, 'PATCH', `/api/users/${id}`, { key: server.adminKey, json: { disabled: true } }), 409, 'last_admin');
      const me = await call(server, 'GET', '/api/me', { key: server.adminKey });
      assertUser(me.body, { role: 'admin', disabled: false });
    });

    it('does not count a disabled admin as a remaining one', async () => {
      await makeUser(server, { role: 'admin', disabled: true });
      const id = await argillaId();
      assertProblem(await call(server, 'DELETE', `/api/users/${id}`, { key: server.adminKey }), 409, 'last_admin');
      assertProblem(await call(server, 'PATCH', `/api/users/${id}`, { key: server.adminKey, json: { role: 'annotator' } }), 409, 'last_admin');
    });

    it('allows the change once another enabled admin exists, then protects that one', async () => {
      const other = await makeUser(server, { role: 'admin' });
      const id = await argillaId();
      const demoted = await call(server, 'PATCH', `/api/users/${id}`, { key: server.adminKey, json: { role: 'annotator' } });
      assert.equal(demoted.status, 200, JSON.stringify(demoted.body));
      assert.equal(demoted.body.role, 'annotator');
      assertProblem(await call(server, 'DELETE', `/api/users/${other.id}`, { key: other.apiKey }), 409, 'last_admin');
      assertProblem(await call(server, 'PATCH', `/api/users/${other.id}`, { key: other.apiKey, json: { role: 'annotator' } }), 409, 'last_admin');
      // promoting the default admin back makes the other one deletable
      assert.equal((await call(server, 'PATCH', `/api/users/${id}`, { key: other.apiKey, json: { role: 'admin' } })).status, 200);
      const deleted = await call(server, 'DELETE', `/api/users/${other.id}`, { key: server.adminKey });
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    });
  });

  describe(`HTTP users: lists and filters (${backend.name})`, () => {
    let server: TestServer;
    let created: Array<{ id: string; username: string }>;
    before(async () => {
      server = await startTestServer(backend);
      const specs = [
        { username: 'alice-list', first_name: 'Alice', last_name: 'Liddell', role: 'annotator', workspaces: ['team-red'], email: 'alice@wonder.example' },
        { username: 'bob-list', first_name: 'Robert', last_name: 'Builder', role: 'admin', workspaces: ['team-blue'] },
        { username: 'carol-list', first_name: 'Carol', role: 'annotator', workspaces: ['team-red', 'team-blue'] },
        { username: 'dave_list', first_name: 'Dave', last_name: 'SMITH', role: 'annotator' },
      ];
      created = [];
      for (const spec of specs) {
        const reply = await call(server, 'POST', '/api/users', { key: server.adminKey, json: { ...spec, password: PASSWORD } });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        created.push({ id: reply.body.id, username: reply.body.username });
      }
    });
    after(() => server.close());

    const names = (body: Array<{ username: string }>) => body.map((u) => u.username);

    it('GET /api/users returns a plain array in creation order with X-Total-Count', async () => {
      const reply = await call(server, 'GET', '/api/users', { key: server.adminKey });
      assert.equal(reply.status, 200);
      assert.ok(Array.isArray(reply.body));
      assert.deepEqual(names(reply.body), ['argilla', 'alice-list', 'bob-list', 'carol-list', 'dave_list']);
      assert.equal(reply.headers.get('x-total-count'), '5');
      for (const user of reply.body) assertUser(user);
      const alice = reply.body[1];
      assertUser(alice, { full_name: 'Alice Liddell', email: 'alice@wonder.example', workspaces: ['team-red'] });
    });

    it('GET /api/users pages with limit and offset; X-Total-Count stays the total', async () => {
      const first = await call(server, 'GET', '/api/users?limit=2', { key: server.adminKey });
      assert.deepEqual(names(first.body), ['argilla', 'alice-list']);
      assert.equal(first.headers.get('x-total-count'), '5');
      const second = await call(server, 'GET', '/api/users?limit=2&offset=2', { key: server.adminKey });
      assert.deepEqual(names(second.body), ['bob-list', 'carol-list']);
      assert.equal(second.headers.get('x-total-count'), '5');
      const last = await call(server, 'GET', '/api/users?limit=2&offset=4', { key: server.adminKey });
      assert.deepEqual(names(last.body), ['dave_list']);
      const beyond = await call(server, 'GET', '/api/users?offset=50', { key: server.adminKey });
      assert.equal(beyond.status, 200);
      assert.deepEqual(beyond.body, []);
      assert.equal(beyond.headers.get('x-total-count'), '5');
      const max = await call(server, 'GET', '/api/users?limit=1000', { key: server.adminKey });
      assert.equal(max.body.length, 5);
    });

    it('GET /api/users filters by role, workspace and q; X-Total-Count counts the filtered set', async () => {
      const admins = await call(server, 'GET', '/api/users?role=admin', { key: server.adminKey });
      assert.deepEqual(names(admins.body), ['argilla', 'bob-list']);
      assert.equal(admins.headers.get('x-total-count'), '2');
      const annotators = await call(server, 'GET', '/api/users?role=annotator&limit=1', { key: server.adminKey });
      assert.deepEqual(names(annotators.body), ['alice-list']);
      assert.equal(annotators.headers.get('x-total-count'), '3');
      const red = await call(server, 'GET', '/api/users?workspace=team-red', { key: server.adminKey });
      assert.deepEqual(names(red.body), ['alice-list', 'carol-list']);
      assert.equal(red.headers.get('x-total-count'), '2');
      const blueAdmins = await call(server, 'GET', '/api/users?workspace=team-blue&role=admin', { key: server.adminKey });
      assert.deepEqual(names(blueAdmins.body), ['bob-list']);
      const none = await call(server, 'GET', '/api/users?workspace=no-such-workspace', { key: server.adminKey });
      assert.equal(none.status, 200);
      assert.deepEqual(none.body, []);
      assert.equal(none.headers.get('x-total-count'), '0');
    });

    it('GET /api/users?q= searches username, names and email, ignoring case', async () => {
      const search = async (q: string) => {
        const reply = await call(server, 'GET', `/api/users?q=${encodeURIComponent(q)}`, { key: server.adminKey });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        assert.equal(reply.headers.get('x-total-count'), String(reply.body.length));
        return names(reply.body);
      };
      assert.deepEqual(await search('ALICE'), ['alice-list']);
      assert.deepEqual(await search('robert'), ['bob-list']);
      assert.deepEqual(await search('builder'), ['bob-list']);
      assert.deepEqual(await search('smith'), ['dave_list']);
      assert.deepEqual(await search('WONDER.example'), ['alice-list']);
      assert.deepEqual(await search('-list'), ['alice-list', 'bob-list', 'carol-list']);
      assert.deepEqual(await search('list'), ['alice-list', 'bob-list', 'carol-list', 'dave_list']);
      // LIKE wildcards are searched for literally
      assert.deepEqual(await search('_list'), ['dave_list']);
      assert.deepEqual(await search('%'), []);
      assert.deepEqual(await search('nobody'), []);
    });

    it('GET /api/users rejects bad paging and filter values with 422', async () => {
      const bad = ['limit=1001', 'limit=0', 'limit=-1', 'limit=abc', 'offset=-1', 'offset=x', 'role=boss', 'limit=1.5', 'offset=1e309', 'offset=99999999999999999999', 'offset=2147483648'];
      for (const query of bad) {
        for (const path of ['/api/users', '/api/workspaces']) {
          const reply = await call(server, 'GET', `${path}?${query}`, { key: server.adminKey });
          if (path === '/api/workspaces' && /^(role|q)=/.test(query)) continue;
          assert.equal(reply.status, 422, `${path}?${query}`);
          assertProblem(reply, 422);
        }
      }
      // The largest offset accepted is simply past the end.
      const last = await call(server, 'GET', '/api/users?offset=2147483647', { key: server.adminKey });
      assert.equal(last.status, 200);
      assert.deepEqual(last.body, []);
    });

    it('GET /api/workspaces/{id}/users lists members by membership time', async () => {
      const red = (await call(server, 'GET', '/api/workspaces', { key: server.adminKey })).body.find((w: { name: string }) => w.name === 'team-red');
      const members = await call(server, 'GET', `/api/workspaces/${red.id}/users`, { key: server.adminKey });
      assert.equal(members.status, 200);
      assert.deepEqual(names(members.body), ['alice-list', 'carol-list']);
      for (const user of members.body) {
        assertUser(user);
        assertMaskedKey(user.api_key);
      }
    });
  });
}

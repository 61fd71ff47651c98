// The admin methods for users, workspaces and memberships: each one's happy path against a real
// server, and the mapping of each error answer (401, 403, 404, 409, 422, other 4xx) to its class.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AlreadyExistsError,
  ApiError,
  ArgillaError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  type Argilla,
  type User,
} from '@argilla-ts/client';
import { backends, clientOf, makeUser, rejectsWith, startTestServer, UNKNOWN_ID, uniqueName, userWithClient, type TestServer } from './support.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertUser(user: User, username: string): void {
  assert.match(user.id, UUID);
  assert.equal(user.username, username);
  assert.match(user.inserted_at, ISO_UTC);
  assert.match(user.updated_at, ISO_UTC);
  assert.ok(Array.isArray(user.workspaces));
}

for (const backend of backends()) {
  describe(`client: users (${backend.name})`, () => {
    let server: TestServer;
    let admin: Argilla;
    before(async () => {
      server = await startTestServer(backend);
      admin = clientOf(server);
    });
    after(() => server.close());

    it('createUser returns the user with its new API key in full, which works at once', async () => {
      const username = uniqueName('ann');
      const team = uniqueName('team');
      const user = await admin.createUser({ username, first_name: 'Ann', last_name: 'Lee', password: 's3cret-pw', workspaces: [team] });
      assertUser(user, username);
      assert.equal(user.role, 'annotator');
      assert.equal(user.full_name, 'Ann Lee');
      assert.deepEqual(user.workspaces, [team]);
      assert.equal(user.disabled, false);
      assert.ok(user.api_key && user.api_key.length >= 40, 'the key in full');
      assert.ok(!user.api_key.includes('…'));
      const me = await clientOf(server, { apiKey: user.api_key }).whoami();
      assert.equal(me.id, user.id);
      assert.ok((await admin.listWorkspaces()).items.some((w) => w.name === team), 'missing workspaces are created');
    });

    it('createUser makes admins too, with an email', async () => {
      const username = uniqueName('boss');
      const user = await admin.createUser({ username, first_name: 'Bo', password: 's3cret-pw', role: 'admin', email: 'bo@example.com' });
      assert.equal(user.role, 'admin');
      assert.equal(user.email, 'bo@example.com');
      assert.equal(user.last_name, undefined);
      const other = clientOf(server, { apiKey: user.api_key! });
      assert.ok((await other.listUsers()).total >= 2, 'the new admin can list users');
    });

    it('createUser: AlreadyExistsError (409) for a taken username, with the problem params', async () => {
      const username = uniqueName('dup');
      await admin.createUser({ username, first_name: 'A', password: 's3cret-pw' });
      const error = await rejectsWith(
        admin.createUser({ username, first_name: 'B', password: 's3cret-pw' }),
        AlreadyExistsError,
        409,
        'user_already_exists',
      );
      assert.deepEqual(error.params, { type: 'User', name: username });
      assert.ok(error instanceof ConflictError, 'ConflictError is the same class');
      assert.equal(error.method, 'POST');
      assert.equal(error.url, `${server.url}/api/users`);
    });

    it('createUser: ValidationError (422) lists every broken rule with a JSON pointer', async () => {
      const error = await rejectsWith(
        admin.createUser({ username: 'Not Valid', first_name: ' ', password: 'short' }),
        ValidationError,
        422,
        'validation_error',
      );
      const pointers = error.errors.map((e) => e.pointer).sort();
      assert.deepEqual(pointers, ['/first_name', '/password', '/username']);
      for (const e of error.errors) assert.ok(e.message.length > 0);
      assert.deepEqual(error.errors, error.problem.errors);
      // A rule the request schema enforces (a missing field) maps the same way.
      const missing = await rejectsWith(
        admin.createUser({ username: uniqueName('x'), password: 's3cret-pw' } as never),
        ValidationError,
        422,
      );
      assert.ok(missing.errors.some((e) => e.pointer === '/first_name'));
      const role = await rejectsWith(
        admin.createUser({ username: uniqueName('x'), first_name: 'X', password: 's3cret-pw', role: 'boss' as never }),
        ValidationError,
        422,
      );
      assert.ok(role.errors.some((e) => e.pointer === '/role'));
    });

    it('getUser returns one user; NotFoundError (404) for an unknown id, ValidationError (422) for a malformed one', async () => {
      const made = await makeUser(server);
      const user = await admin.getUser(made.id);
      assertUser(user, made.username);
      assert.ok(user.api_key?.includes('…'), 'a masked preview outside creation');
      const missing = await rejectsWith(admin.getUser(UNKNOWN_ID), NotFoundError, 404, 'user_not_found');
      assert.deepEqual(missing.params, { type: 'User', name: UNKNOWN_ID });
      const malformed = await rejectsWith(admin.getUser('not-a-uuid'), ValidationError, 422);
      assert.ok(malformed.errors.some((e) => e.pointer === '/path/id'));
      await assert.rejects(admin.getUser(''), (error: unknown) => error instanceof ArgillaError && error.code === 'invalid_argument');
    });

    it('path parameters are URL-encoded', async () => {
      const error = await rejectsWith(admin.getUser('a/b?c'), ValidationError, 422);
      assert.equal(error.url, `${server.url}/api/users/a%2Fb%3Fc`);
    });

    it('getUserByUsername finds the exact username among search matches; NotFoundError otherwise', async () => {
      const base = uniqueName('same');
      const made = await makeUser(server, { username: base });
      await makeUser(server, { username: `${base}-longer` });
      const user = await admin.getUserByUsername(base);
      assert.equal(user.id, made.id);
      const error = await rejectsWith(admin.getUserByUsername(`${base}-missing`), NotFoundError, 404, 'user_not_found');
      assert.deepEqual(error.params, { type: 'User', name: `${base}-missing` });
    });

    it('listUsers: items in creation order and the total from X-Total-Count, with limit and offset', async () => {
      const all = await admin.listUsers();
      assert.equal(all.total, all.items.length);
      assert.equal(all.items[0]!.username, 'argilla');
      const page = await admin.listUsers({ limit: 1, offset: 1 });
      assert.equal(page.items.length, 1);
      assert.equal(page.total, all.total);
      assert.equal(page.items[0]!.id, all.items[1]!.id);
      const empty = await admin.listUsers({ offset: all.total + 5 });
      assert.deepEqual(empty.items, []);
      assert.equal(empty.total, all.total);
    });

    it('listUsers filters by role, workspace and search text', async () => {
      const team = uniqueName('team');
      const word = uniqueName('needle');
      const a = await makeUser(server, { workspaces: [team], username: `${word}-a` });
      const b = await makeUser(server, { workspaces: [team], role: 'admin' });
      await makeUser(server, { username: `${word}-c` });
      const members = await admin.listUsers({ workspace: team });
      assert.deepEqual(members.items.map((u) => u.id), [a.id, b.id]);
      assert.equal(members.total, 2);
      const annotators = await admin.listUsers({ workspace: team, role: 'annotator' });
      assert.deepEqual(annotators.items.map((u) => u.id), [a.id]);
      const admins = await admin.listUsers({ role: 'admin' });
      assert.ok(admins.items.every((u) => u.role === 'admin'));
      const found = await admin.listUsers({ q: word });
      assert.equal(found.total, 2);
      assert.ok(found.items.every((u) => u.username.startsWith(word)));
    });

    it('listUsers: ValidationError (422) for a limit over 1000', async () => {
      const error = await rejectsWith(admin.listUsers({ limit: 5000 }), ValidationError, 422);
      assert.ok(error.errors.some((e) => e.pointer === '/query/limit'));
    });

    it('iterUsers walks every page and yields every matching user once', async () => {
      const team = uniqueName('pages');
      const made = [];
      for (let i = 0; i < 7; i++) made.push(await makeUser(server, { workspaces: [team] }));
      const seen: string[] = [];
      for await (const user of admin.iterUsers({ workspace: team, pageSize: 3 })) seen.push(user.id);
      assert.deepEqual(seen, made.map((m) => m.id));
      const everyone: string[] = [];
      for await (const user of admin.iterUsers({ pageSize: 4 })) everyone.push(user.id);
      const listed = await admin.listUsers();
      assert.deepEqual(everyone, listed.items.map((u) => u.id));
      let none = 0;
      for await (const _ of admin.iterUsers({ q: uniqueName('nobody') })) none++;
      assert.equal(none, 0);
    });

    it('updateUser changes only the given fields; null clears last_name', async () => {
      const made = await makeUser(server);
      const updated = await admin.updateUser(made.id, { first_name: 'Anne', last_name: 'Smith', email: 'anne@example.com', role: 'admin' });
      assert.equal(updated.first_name, 'Anne');
      assert.equal(updated.full_name, 'Anne Smith');
      assert.equal(updated.email, 'anne@example.com');
      assert.equal(updated.role, 'admin');
      const cleared = await admin.updateUser(made.id, { last_name: null });
      assert.equal(cleared.last_name, undefined);
      assert.equal(cleared.full_name, 'Anne');
      assert.equal(cleared.email, 'anne@example.com');
      await admin.updateUser(made.id, { password: 'another-pw-1' });
      const token = await clientOf(server, { apiKey: null }).login(made.username, 'another-pw-1');
      assert.equal(token.token_type, 'bearer');
    });

    it('updateUser: 404 unknown id, 422 broken rule, 409 demoting the last admin', async () => {
      await rejectsWith(admin.updateUser(UNKNOWN_ID, { first_name: 'X' }), NotFoundError, 404, 'user_not_found');
      const made = await makeUser(server);
      const invalid = await rejectsWith(admin.updateUser(made.id, { password: 'short' }), ValidationError, 422);
      assert.ok(invalid.errors.some((e) => e.pointer === '/password'));

      // A server of its own, whose only admin is the default one.
      const lonely = await startTestServer(backend);
      try {
        const client = clientOf(lonely);
        const me = await client.whoami();
        const error = await rejectsWith(client.updateUser(me.id, { role: 'annotator' }), AlreadyExistsError, 409, 'last_admin');
        assert.ok(error.detail.includes('last enabled admin'));
        await rejectsWith(client.disableUser(me.id), AlreadyExistsError, 409, 'last_admin');
        await rejectsWith(client.deleteUser(me.id), ConflictError, 409, 'last_admin');
      } finally {
        await lonely.close();
      }
    });

    it('disableUser stops the user\'s key (401); enableUser restores it', async () => {
      const { made, client } = await userWithClient(server);
      assert.equal((await client.whoami()).username, made.username);
      const disabled = await admin.disableUser(made.id);
      assert.equal(disabled.disabled, true);
      await rejectsWith(client.whoami(), UnauthorizedError, 401, 'unauthorized');
      const enabled = await admin.enableUser(made.id);
      assert.equal(enabled.disabled, false);
      assert.equal((await client.whoami()).username, made.username);
      await rejectsWith(admin.disableUser(UNKNOWN_ID), NotFoundError, 404);
    });

    it('deleteUser returns the deleted user; afterwards it is gone (404) and its key fails (401)', async () => {
      const { made, client } = await userWithClient(server, { workspaces: [uniqueName('ws')] });
      const deleted = await admin.deleteUser(made.id);
      assert.equal(deleted.id, made.id);
      assert.equal(deleted.username, made.username);
      await rejectsWith(admin.getUser(made.id), NotFoundError, 404);
      await rejectsWith(admin.deleteUser(made.id), NotFoundError, 404, 'user_not_found');
      await rejectsWith(client.whoami(), UnauthorizedError, 401);
    });

    it('listUserWorkspaces: a member\'s workspaces in creation order, each with exactly id, name and times', async () => {
      const [first, second, other] = [uniqueName('first'), uniqueName('second'), uniqueName('other')];
      const a = await admin.createWorkspace(first);
      const b = await admin.createWorkspace(second);
      await admin.createWorkspace(other);
      // Joined in the opposite order: the list follows the workspaces' creation, whoami the joining.
      const made = await makeUser(server, { workspaces: [second, first] });
      const workspaces = await admin.listUserWorkspaces(made.id);
      assert.deepEqual(workspaces, [a, b]);
      for (const workspace of workspaces) {
        assert.deepEqual(Object.keys(workspace).sort(), ['id', 'inserted_at', 'name', 'updated_at']);
        assert.match(workspace.id, UUID);
        assert.match(workspace.inserted_at, ISO_UTC);
        assert.match(workspace.updated_at, ISO_UTC);
      }
      const me = await clientOf(server, { apiKey: made.apiKey }).whoami();
      assert.deepEqual(me.workspaces, [second, first]);
      assert.deepEqual(await admin.listUserWorkspaces((await makeUser(server)).id), [], 'a user in no workspace');
    });

    it('listUserWorkspaces: every workspace for an owner or an admin; an owner may ask too', async () => {
      const all: string[] = [];
      for await (const workspace of admin.iterWorkspaces()) all.push(workspace.id);
      const owner = await admin.createUser({ username: uniqueName('own'), first_name: 'Olga', password: 's3cret-pw', role: 'owner' });
      assert.equal(owner.role, 'owner');
      const boss = await makeUser(server, { role: 'admin' });
      const asOwner = clientOf(server, { apiKey: owner.api_key });
      assert.equal((await asOwner.whoami()).role, 'owner');
      assert.deepEqual((await asOwner.listUserWorkspaces(owner.id)).map((w) => w.id), all);
      assert.deepEqual((await admin.listUserWorkspaces(boss.id)).map((w) => w.id), all);
    });

    it('listUserWorkspaces: NotFoundError (404) for an unknown user, 422 for a malformed id, 403 for an annotator', async () => {
      const missing = await rejectsWith(admin.listUserWorkspaces(UNKNOWN_ID), NotFoundError, 404, 'user_not_found');
      assert.deepEqual(missing.params, { type: 'User', name: UNKNOWN_ID });
      assert.equal(missing.method, 'GET');
      assert.equal(missing.url, `${server.url}/api/v1/users/${UNKNOWN_ID}/workspaces`);
      const malformed = await rejectsWith(admin.listUserWorkspaces('not-a-uuid'), ValidationError, 422, 'validation_error');
      assert.ok(malformed.errors.some((e) => e.pointer === '/path/id'));
      const { made, client } = await userWithClient(server, { workspaces: [uniqueName('ws')] });
      const forbidden = await rejectsWith(client.listUserWorkspaces(made.id), ForbiddenError, 403, 'forbidden');
      assert.equal(typeof forbidden.params.action, 'string');
      await rejectsWith(client.listUserWorkspaces(UNKNOWN_ID), ForbiddenError, 403, 'forbidden');
    });

    it('every admin user method: UnauthorizedError (401) with a wrong key', async () => {
      const wrong = clientOf(server, { apiKey: 'wrong-key-123' });
      const made = await makeUser(server);
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['listUsers', () => wrong.listUsers()],
        ['iterUsers', () => wrong.iterUsers().next()],
        ['getUser', () => wrong.getUser(made.id)],
        ['getUserByUsername', () => wrong.getUserByUsername(made.username)],
        ['createUser', () => wrong.createUser({ username: uniqueName('x'), first_name: 'X', password: 's3cret-pw' })],
        ['updateUser', () => wrong.updateUser(made.id, { first_name: 'Y' })],
        ['listUserWorkspaces', () => wrong.listUserWorkspaces(made.id)],
        ['disableUser', () => wrong.disableUser(made.id)],
        ['enableUser', () => wrong.enableUser(made.id)],
        ['deleteUser', () => wrong.deleteUser(made.id)],
      ];
      for (const [name, call] of calls) {
        const error = await rejectsWith(call(), UnauthorizedError, 401, 'unauthorized').catch((e: Error) => {
          throw new Error(`${name}: ${e.message}`);
        });
        assert.ok(error);
      }
      assert.equal((await admin.getUser(made.id)).first_name, 'Test', 'nothing changed');
    });

    it('every admin user method: ForbiddenError (403) for an annotator, and nothing changes', async () => {
      const { client } = await userWithClient(server, { workspaces: [uniqueName('ws')] });
      const target = await makeUser(server);
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['listUsers', () => client.listUsers()],
        ['iterUsers', () => client.iterUsers().next()],
        ['getUser', () => client.getUser(target.id)],
        ['getUserByUsername', () => client.getUserByUsername(target.username)],
        ['createUser', () => client.createUser({ username: uniqueName('x'), first_name: 'X', password: 's3cret-pw' })],
        ['updateUser', () => client.updateUser(target.id, { first_name: 'Y' })],
        ['listUserWorkspaces', () => client.listUserWorkspaces(target.id)],
        ['disableUser', () => client.disableUser(target.id)],
        ['enableUser', () => client.enableUser(target.id)],
        ['deleteUser', () => client.deleteUser(target.id)],
      ];
      for (const [name, call] of calls) {
        const error = await rejectsWith(call(), ForbiddenError, 403, 'forbidden').catch((e: Error) => {
          throw new Error(`${name}: ${e.message}`);
        });
        assert.equal(typeof error.params.action, 'string');
      }
      const after = await admin.getUser(target.id);
      assert.equal(after.first_name, 'Test');
      assert.equal(after.disabled, false);
    });
  });

  describe(`client: workspaces and members (${backend.name})`, () => {
    let server: TestServer;
    let admin: Argilla;
    before(async () => {
      server = await startTestServer(backend);
      admin = clientOf(server);
    });
    after(() => server.close());

    it('createWorkspace, getWorkspaceById, getWorkspaceByName, listWorkspaces, deleteWorkspace', async () => {
      const name = uniqueName('ws');
      const created = await admin.createWorkspace(name);
      assert.equal(created.name, name);
      assert.match(created.id, UUID);
      assert.match(created.inserted_at, ISO_UTC);
      assert.deepEqual(await admin.getWorkspaceById(created.id), created);
      assert.deepEqual(await admin.getWorkspaceByName(name), created);
      const list = await admin.listWorkspaces();
      assert.equal(list.total, list.items.length);
      assert.equal(list.items[0]!.name, 'argilla');
      assert.deepEqual(list.items.at(-1), created);
      const deleted = await admin.deleteWorkspace(created.id);
      assert.deepEqual(deleted, created);
      await rejectsWith(admin.getWorkspaceById(created.id), NotFoundError, 404, 'workspace_not_found');
      await rejectsWith(admin.getWorkspaceByName(name), NotFoundError, 404, 'workspace_not_found');
    });

    it('listWorkspaces pages with limit and offset; iterWorkspaces walks every page', async () => {
      for (let i = 0; i < 5; i++) await admin.createWorkspace(uniqueName('p'));
      const all = await admin.listWorkspaces();
      const page = await admin.listWorkspaces({ limit: 2, offset: 2 });
      assert.deepEqual(page.items, all.items.slice(2, 4));
      assert.equal(page.total, all.total);
      const walked = [];
      for await (const workspace of admin.iterWorkspaces({ pageSize: 2 })) walked.push(workspace);
      assert.deepEqual(walked, all.items);
    });

    it('an annotator lists only its own workspaces and cannot read others (404)', async () => {
      const [mine, other] = [uniqueName('mine'), uniqueName('other')];
      const otherWorkspace = await admin.createWorkspace(other);
      const { client } = await userWithClient(server, { workspaces: [mine] });
      const list = await client.listWorkspaces();
      assert.deepEqual(list.items.map((w) => w.name), [mine]);
      assert.equal(list.total, 1);
      const own = await client.getWorkspaceByName(mine);
      assert.equal((await client.getWorkspaceById(own.id)).name, mine);
      await rejectsWith(client.getWorkspaceById(otherWorkspace.id), NotFoundError, 404);
      await rejectsWith(client.getWorkspaceByName(other), NotFoundError, 404);
    });

    it('createWorkspace: 409 for a taken name, 422 for an invalid one, 403 for an annotator', async () => {
      const name = uniqueName('taken');
      await admin.createWorkspace(name);
      const taken = await rejectsWith(admin.createWorkspace(name), AlreadyExistsError, 409, 'workspace_already_exists');
      assert.deepEqual(taken.params, { type: 'Workspace', name });
      const invalid = await rejectsWith(admin.createWorkspace('Bad Name'), ValidationError, 422, 'validation_error');
      assert.deepEqual(invalid.errors.map((e) => e.pointer), ['/name']);
      const { client } = await userWithClient(server);
      await rejectsWith(client.createWorkspace(uniqueName('no')), ForbiddenError, 403, 'forbidden');
    });

    it('deleteWorkspace: 404 unknown, 403 annotator, 401 wrong key', async () => {
      await rejectsWith(admin.deleteWorkspace(UNKNOWN_ID), NotFoundError, 404, 'workspace_not_found');
      const workspace = await admin.createWorkspace(uniqueName('keep'));
      const { client } = await userWithClient(server, { workspaces: [workspace.name] });
      await rejectsWith(client.deleteWorkspace(workspace.id), ForbiddenError, 403);
      await rejectsWith(clientOf(server, { apiKey: 'wrong-key-123' }).deleteWorkspace(workspace.id), UnauthorizedError, 401);
      assert.equal((await admin.getWorkspaceById(workspace.id)).name, workspace.name);
    });

    it('members: add, list (by membership time), remove; the user objects carry the workspace', async () => {
      const workspace = await admin.createWorkspace(uniqueName('team'));
      const a = await makeUser(server);
      const b = await makeUser(server);
      const addedA = await admin.addWorkspaceMember(workspace.id, a.id);
      assert.equal(addedA.id, a.id);
      assert.deepEqual(addedA.workspaces, [workspace.name]);
      await admin.addWorkspaceMember(workspace.id, b.id);
      assert.deepEqual((await admin.listWorkspaceMembers(workspace.id)).map((u) => u.id), [a.id, b.id]);
      const removed = await admin.removeWorkspaceMember(workspace.id, a.id);
      assert.equal(removed.id, a.id);
      assert.deepEqual(removed.workspaces, []);
      assert.deepEqual((await admin.listWorkspaceMembers(workspace.id)).map((u) => u.id), [b.id]);
    });

    it('members: 409 already a member, 404 unknown workspace or user or membership, 403 annotator', async () => {
      const workspace = await admin.createWorkspace(uniqueName('team'));
      const made = await makeUser(server, { workspaces: [workspace.name] });
      const again = await rejectsWith(admin.addWorkspaceMember(workspace.id, made.id), AlreadyExistsError, 409, 'membership_already_exists');
      assert.deepEqual(again.params, { user: made.username, workspace: workspace.name });
      await rejectsWith(admin.addWorkspaceMember(UNKNOWN_ID, made.id), NotFoundError, 404, 'workspace_not_found');
      await rejectsWith(admin.addWorkspaceMember(workspace.id, UNKNOWN_ID), NotFoundError, 404, 'user_not_found');
      await rejectsWith(admin.listWorkspaceMembers(UNKNOWN_ID), NotFoundError, 404, 'workspace_not_found');
      const outsider = await makeUser(server);
      await rejectsWith(admin.removeWorkspaceMember(workspace.id, outsider.id), NotFoundError, 404, 'membership_not_found');
      const malformed = await rejectsWith(admin.removeWorkspaceMember('nope', outsider.id), ValidationError, 422);
      assert.ok(malformed.errors.some((e) => e.pointer === '/path/id'));

      const { client } = await userWithClient(server, { workspaces: [workspace.name] });
      await rejectsWith(client.listWorkspaceMembers(workspace.id), ForbiddenError, 403);
      await rejectsWith(client.addWorkspaceMember(workspace.id, outsider.id), ForbiddenError, 403);
      await rejectsWith(client.removeWorkspaceMember(workspace.id, made.id), ForbiddenError, 403);
      assert.deepEqual((await admin.listWorkspaceMembers(workspace.id)).map((u) => u.username).sort(), [made.username, (await client.whoami()).username].sort());
    });

    it('other 4xx answers are a plain ApiError with their status and problem', async () => {
      // Logging out with an API key (no login session to end) is a 400 problem.
      const error = await admin.request('POST /api/security/logout').then(
        () => assert.fail('expected a 400'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ApiError);
      assert.equal(error.constructor, ApiError, 'not one of the subclasses');
      assert.equal(error.status, 400);
      assert.equal(error.code, 'not_a_login_token');
      assert.ok(error.requestId.length > 0);
    });

    it('request() calls any operation by its METHOD /path key', async () => {
      const info = await admin.request('GET /api/_info');
      assert.equal(info.status, 200);
      assert.equal(info.body.server_version, 'test');
      const users = await admin.request('GET /api/users', { query: { limit: 1 } });
      assert.equal(users.body.length, 1);
      assert.ok(Number(users.headers.get('x-total-count')) >= 1);
    });
  });
}

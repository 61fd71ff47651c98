import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends, freshDatabase } from '../helpers/databases.js';
import type { Database } from '../../src/db/connect.js';
import { SYSTEM, type Actor } from '../../src/domain/policies.js';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../../src/domain/users.js';
import { addMember, createWorkspace, listWorkspaces, removeMember, getWorkspace } from '../../src/domain/workspaces.js';
import { createDefaultUser, createDefaultUserIfEmpty, defaultCredentialsInUse } from '../../src/domain/defaultUser.js';
import { DomainError } from '../../src/domain/errors.js';
import { digestSecret } from '../../src/lib/secrets.js';

function rejectsWith(promise: Promise<unknown>, code: string, kind?: string) {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (kind) assert.equal(error.kind, kind);
    return true;
  });
}

const base = { first_name: 'Ann', password: 'abcdefgh1' };

for (const backend of backends()) {
  describe(`users domain (${backend.name})`, () => {
    let database: Database;
    before(async () => {
      database = await freshDatabase(backend);
    });
    after(() => database.close());

    it('creates a user with workspaces, a hashed password and a key stored as a digest', async () => {
      const { user, apiKey } = await createUser(database, SYSTEM, { ...base, username: 'ann', workspaces: ['w1', 'w2'] });
      assert.deepEqual(user.workspaces, ['w1', 'w2']);
      assert.equal(user.role, 'annotator');
      assert.match(apiKey, /^argilla_[A-Za-z0-9_-]{43}$/);
      const row = await database.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const keys = await database.db.selectFrom('api_keys').selectAll().where('user_id', '=', user.id).execute();
      assert.equal(keys.length, 1);
      assert.equal(keys[0]!.digest, digestSecret(apiKey));
      assert.notEqual(keys[0]!.digest, apiKey);
      assert.equal(user.api_key_preview, keys[0]!.preview);
      assert.ok(!apiKey.endsWith(user.api_key_preview!.replace(/^.*…/, '') + 'x'));
    });

    it('rejects every broken rule at once, writing nothing', async () => {
      const before = await database.db.selectFrom('workspaces').select('name').execute();
      await assert.rejects(
        createUser(database, SYSTEM, { username: 'Bad Name', first_name: '  ', password: 'short', role: 'boss', workspaces: ['ok-ws', '_x'] }),
        (error: DomainError) => {
          assert.equal(error.kind, 'validation');
          assert.deepEqual(error.errors.map((e) => e.field).sort(), ['first_name', 'password', 'role', 'username', 'workspaces/1'].sort());
          return true;
        },
      );
      const afterRows = await database.db.selectFrom('workspaces').select('name').execute();
      assert.deepEqual(afterRows, before);
    });

    it('applies the naming rule of the spec', async () => {
      for (const bad of ['user name', 'user/name', 'user.name', 'UserName', '_', '-', '-a', '_a', 'ann\n', '']) {
        await rejectsWith(createUser(database, SYSTEM, { ...base, username: bad }), 'validation_error');
      }
      for (const good of ['a', '0', 'a-b_c', 'x1']) {
        const { user } = await createUser(database, SYSTEM, { ...base, username: good });
        assert.equal(user.username, good);
      }
    });

    it('checks password length in characters, 8 to 100', async () => {
      await rejectsWith(createUser(database, SYSTEM, { ...base, username: 'p1', password: 'x'.repeat(7) }), 'validation_error');
      await rejectsWith(createUser(database, SYSTEM, { ...base, username: 'p2', password: 'x'.repeat(101) }), 'validation_error');
      await createUser(database, SYSTEM, { ...base, username: 'p3', password: 'é'.repeat(100) });
    });

    it('lets exactly one of many concurrent creates of a username win', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => createUser(database, SYSTEM, { ...base, username: 'racer', workspaces: ['race'] })),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as DomainError).code, 'user_already_exists');
      const rows = await database.db.selectFrom('users').select('id').where('username', '=', 'racer').execute();
      assert.equal(rows.length, 1);
    });

    it('refuses a duplicate API key and names it masked', async () => {
      await createUser(database, SYSTEM, { ...base, username: 'k1', api_key: 'shared-key-123' });
      await rejectsWith(createUser(database, SYSTEM, { ...base, username: 'k2', api_key: 'shared-key-123' }), 'api_key_already_exists', 'conflict');
      assert.equal(await database.db.selectFrom('users').select('id').where('username', '=', 'k2').executeTakeFirst(), undefined);
    });

    it('keeps one enabled admin, and ends sessions on password, role and disable changes', async () => {
      const { user: admin } = await createUser(database, SYSTEM, { ...base, username: 'boss', role: 'admin' });
      const others = await database.db.selectFrom('users').select('id').where('role', '=', 'admin').where('username', '!=', 'boss').execute();
      for (const o of others) await deleteUser(database, SYSTEM, o.id);
      await rejectsWith(updateUser(database, SYSTEM, admin.id, { role: 'annotator' }), 'last_admin', 'conflict');
      await rejectsWith(updateUser(database, SYSTEM, admin.id, { disabled: true }), 'last_admin');
      await rejectsWith(deleteUser(database, SYSTEM, admin.id), 'last_admin');
      const { user: second } = await createUser(database, SYSTEM, { ...base, username: 'boss2', role: 'admin' });
      const session = (id: string) =>
        database.db.insertInto('login_sessions').values({ id, user_id: second.id, token_digest: digestSecret(id), created_at: 'x', expires_at: '9999' }).execute();
      const count = async () => (await database.db.selectFrom('login_sessions').select('id').where('user_id', '=', second.id).execute()).length;
      await session('00000000-0000-4000-8000-000000000001');
      await updateUser(database, SYSTEM, second.id, { first_name: 'Renamed' });
      assert.equal(await count(), 1, 'a name change keeps sessions');
      await updateUser(database, SYSTEM, second.id, { password: 'newpassword1' });
      assert.equal(await count(), 0);
      await session('00000000-0000-4000-8000-000000000002');
      await updateUser(database, SYSTEM, admin.id, { role: 'annotator' });
      await updateUser(database, SYSTEM, second.id, { disabled: true }).catch(() => {});
      const updated = await getUser(database, SYSTEM, second.id);
      assert.equal(updated.disabled, false, 'the last enabled admin cannot be disabled');
      await updateUser(database, SYSTEM, admin.id, { role: 'admin' });
      await updateUser(database, SYSTEM, second.id, { disabled: true });
      assert.equal(await count(), 0);
    });

    it('lists with filters, paging and totals', async () => {
      await createUser(database, SYSTEM, { ...base, username: 'filter-me', email: 'Someone@Example.com', workspaces: ['fw'] });
      const all = await listUsers(database, SYSTEM, {});
      assert.equal(all.total, all.items.length);
      const page = await listUsers(database, SYSTEM, { limit: 2, offset: 1 });
      assert.deepEqual(page.items.map((u) => u.id), all.items.slice(1, 3).map((u) => u.id));
      assert.deepEqual((await listUsers(database, SYSTEM, { workspace: 'fw' })).items.map((u) => u.username), ['filter-me']);
      assert.deepEqual((await listUsers(database, SYSTEM, { q: 'someone@EXAMPLE' })).items.map((u) => u.username), ['filter-me']);
      assert.deepEqual((await listUsers(database, SYSTEM, { q: '%' })).items, []);
      const admins = await listUsers(database, SYSTEM, { role: 'admin' });
      assert.ok(admins.items.every((u) => u.role === 'admin') && admins.items.length > 0);
    });

    it('enforces roles from the permission table', async () => {
      const { user } = await createUser(database, SYSTEM, { ...base, username: 'plain', workspaces: ['mine'] });
      const actor: Actor = { kind: 'user', id: user.id, username: user.username, role: 'annotator' };
      await rejectsWith(createUser(database, actor, { ...base, username: 'nope' }), 'forbidden', 'forbidden');
      await rejectsWith(listUsers(database, actor), 'forbidden');
      await rejectsWith(createWorkspace(database, actor, 'nope'), 'forbidden');
      const visible = await listWorkspaces(database, actor);
      assert.deepEqual(visible.items.map((w) => w.name), ['mine']);
      const other = await createWorkspace(database, SYSTEM, 'other-ws');
      await rejectsWith(getWorkspace(database, actor, other.id), 'workspace_not_found', 'not_found');
    });

    it('manages memberships with conflicts and cascades', async () => {
      const ws = await createWorkspace(database, SYSTEM, 'team');
      await rejectsWith(createWorkspace(database, SYSTEM, 'team'), 'workspace_already_exists', 'conflict');
      const { user } = await createUser(database, SYSTEM, { ...base, username: 'member' });
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => addMember(database, SYSTEM, ws.id, user.id)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      await removeMember(database, SYSTEM, ws.id, user.id);
      await rejectsWith(removeMember(database, SYSTEM, ws.id, user.id), 'membership_not_found', 'not_found');
      await addMember(database, SYSTEM, ws.id, user.id);
      await deleteUser(database, SYSTEM, user.id);
      const left = await database.db.selectFrom('memberships').select('id').where('user_id', '=', user.id).execute();
      assert.equal(left.length, 0);
    });
  });

  describe(`default user (${backend.name})`, () => {
    let database: Database;
    before(async () => {
      database = await freshDatabase(backend);
    });
    after(() => database.close());

    it('is created on an empty database only, once, and its credentials are reported as in use', async () => {
      const first = await createDefaultUserIfEmpty(database);
      assert.equal(first.created, true);
      if (first.created) {
        assert.equal(first.user.username, 'argilla');
        assert.equal(first.user.first_name, 'argilla');
        assert.equal(first.user.role, 'admin');
        assert.deepEqual(first.user.workspaces, ['argilla']);
      }
      assert.equal((await createDefaultUser(database)).created, false);
      assert.deepEqual(await defaultCredentialsInUse(database), { password: true, apiKey: true });
      const id = (first as { user: { id: string } }).user.id;
      await createUser(database, SYSTEM, { ...base, username: 'second-admin', role: 'admin' });
      await updateUser(database, SYSTEM, id, { password: 'changed-password' });
      assert.deepEqual(await defaultCredentialsInUse(database), { password: false, apiKey: true });
    });
  });
}

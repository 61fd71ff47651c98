// The last-admin rule holds whatever door a change comes through: `users migrate --update` used to
// demote or disable the only enabled admin (exit 0), with no audit event and no session ended.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backends, tempDir } from '../helpers/databases.js';
import { cli, migratedTarget, snapshot, userByName, withDb, type Target } from '../cli/support.js';
import { parseDatabaseUrl } from '../../src/config.js';
import { openDatabase } from '../../src/db/connect.js';
import { login } from '../../src/domain/auth.js';

const HASH_1234 = '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS';

function usersFile(text: string): string {
  const path = join(tempDir(), 'users.yml');
  writeFileSync(path, text);
  return path;
}

const entry = (username: string, extra: string) =>
  `- username: ${username}\n  full_name: ${username}\n  hashed_password: ${HASH_1234}\n  api_key: ${username}-key-0001\n${extra}`;

async function openSession(target: Target, username: string): Promise<void> {
  const database = await openDatabase(parseDatabaseUrl(target.url));
  try {
    await login(database, username, '1234', 60);
  } finally {
    await database.close();
  }
}

function events(target: Target, type: string) {
  return withDb(target, (db) => db.selectFrom('audit_events').selectAll().where('type', '=', type).orderBy('created_at').execute());
}

for (const backend of backends()) {
  describe(`the last-admin rule in users migrate --update (${backend.name})`, () => {
    let target: Target;
    before(async () => {
      target = await migratedTarget(backend);
      // The only admin, imported from a file (no `workspaces` key: admin), with a login session.
      const created = await cli(target, 'users', 'migrate', '--file', usersFile(entry('boss', '')));
      assert.equal(created.code, 0, created.stderr);
      await openSession(target, 'boss');
    });

    for (const [what, extra] of [
      ['demote', '  role: annotator\n'],
      ['disable', '  disabled: true\n'],
    ] as const) {
      it(`refuses to ${what} the only enabled admin: exit 1, a clear message, nothing written`, async () => {
        const before = await snapshot(target);
        const eventsBefore = (await events(target, 'users.migrated')).length;
        const result = await cli(target, 'users', 'migrate', '--update', '--file', usersFile(entry('boss', extra)));
        assert.equal(result.code, 1, result.stdout);
        assert.match(result.stderr, new RegExp(`entry 1 \\(line 1\\), username 'boss': cannot ${what} the last enabled admin`));
        assert.deepEqual(await snapshot(target), before);
        assert.equal((await events(target, 'users.migrated')).length, eventsBefore);
        const boss = await userByName(target, 'boss');
        assert.equal(boss?.role, 'admin');
        assert.equal(boss?.disabled, 0);
      });
    }

    it('hands the admin role over in one file whatever the order of its entries, through the same write path as the API', async () => {
      const sessionsBefore = await withDb(target, (db) => db.selectFrom('login_sessions').selectAll().execute());
      assert.equal(sessionsBefore.length, 1);
      // The demotion comes first in the file; the promotion of the new admin makes it valid.
      const file = usersFile(`${entry('boss', '  role: annotator\n  workspaces: []\n')}${entry('heir', '  role: admin\n')}`);
      const created = await cli(target, 'users', 'migrate', '--file', usersFile(entry('heir', '  role: annotator\n  workspaces: []\n')));
      assert.equal(created.code, 0, created.stderr);
      const result = await cli(target, 'users', 'migrate', '--update', '--file', file);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((await userByName(target, 'boss'))?.role, 'annotator');
      assert.equal((await userByName(target, 'heir'))?.role, 'admin');
      // The demoted admin's login session is over, as after PATCH /api/users/{id}.
      assert.deepEqual(await withDb(target, (db) => db.selectFrom('login_sessions').selectAll().execute()), []);
      const changes = (await events(target, 'user.role_changed')).map((e) => ({ actor: e.actor_username, data: JSON.parse(e.data) as unknown }));
      assert.deepEqual(changes, [
        { actor: 'system', data: { username: 'heir', from: 'annotator', to: 'admin' } },
        { actor: 'system', data: { username: 'boss', from: 'admin', to: 'annotator' } },
      ]);
      const updated = (await events(target, 'user.updated')).map((e) => JSON.parse(e.data) as { username: string; source: string });
      assert.deepEqual(updated.map((d) => [d.username, d.source]), [['heir', 'users_file'], ['boss', 'users_file']]);
    });

    it('records user.disabled when a file disables an admin that is not the last one', async () => {
      const result = await cli(target, 'users', 'migrate', '--update', '--file', usersFile(entry('boss', '  role: annotator\n  workspaces: []\n  disabled: true\n')));
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((await events(target, 'user.disabled')).map((e) => JSON.parse(e.data) as unknown), [{ username: 'boss' }]);
    });
  });
}

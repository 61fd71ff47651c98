// `argilla users list|delete|update`, and the rule that the last enabled admin stays.
import assert from 'node:assert/strict';
import { verify as argon2Verify } from '@node-rs/argon2';
import { before, describe, it } from 'node:test';
import { backends } from '../helpers/databases.js';
import {
  assertExit,
  assertFailed,
  assertUsageError,
  cli,
  createUser,
  insertSession,
  lines,
  membershipNames,
  migratedTarget,
  printedFields,
  sessionIdsOf,
  snapshot,
  userByName,
  withDb,
  type Target,
} from './support.js';

/** The usernames in a `users list` table (first column of every row between header and count). */
function tableUsernames(stdout: string): string[] {
  const rows = lines(stdout);
  assert.match(rows[0]!, /^username\s+role\s+first_name\s+last_name\s+email\s+disabled\s+workspaces\s+inserted_at$/);
  assert.match(rows[rows.length - 1]!, /^\d+ users?$/);
  return rows.slice(1, -1).map((row) => row.split(/\s+/)[0]!);
}

for (const backend of backends()) {
  describe(`argilla users list (${backend.name})`, () => {
    let target: Target;
    const keys = new Map<string, string>();
    const order = ['ann-one', 'boss', 'ann-two', 'x_y', 'xzy'];

    before(async () => {
      target = await migratedTarget(backend);
      // One after the other: the list is in creation order.
      keys.set('ann-one', await createUser(target, 'ann-one', { workspaces: ['team'] }));
      keys.set('boss', await createUser(target, 'boss', { role: 'admin', firstName: 'Hulio', extra: ['--last-name', 'Ramos'] }));
      keys.set('ann-two', await createUser(target, 'ann-two', { extra: ['--email', 'Found@Example.com'] }));
      keys.set('x_y', await createUser(target, 'x_y', { firstName: 'Plain' }));
      keys.set('xzy', await createUser(target, 'xzy', { firstName: 'Plain', workspaces: ['team', 'other'] }));
    });

    it('prints a table of every user in creation order, with a count', async () => {
      const result = await cli(target, 'users', 'list');
      assertExit(result, 0);
      assert.deepEqual(tableUsernames(result.stdout), order);
      assert.match(result.stdout, /^5 users$/m);
      const boss = lines(result.stdout).find((l) => l.startsWith('boss '))!;
      assert.match(boss, /\badmin\b/);
      assert.match(boss, /\bHulio\b/);
      assert.match(boss, /\bRamos\b/);
      for (const key of keys.values()) assert.ok(!result.stdout.includes(key), 'no API key in the list');
    });

    it('filters by --role (any case), --workspace and --search', async () => {
      const cases: Array<[string[], string[]]> = [
        [['--role', 'admin'], ['boss']],
        [['--role', 'ANNOTATOR'], ['ann-one', 'ann-two', 'x_y', 'xzy']],
        [['--workspace', 'team'], ['ann-one', 'xzy']],
        [['--workspace', 'nowhere'], []],
        [['--search', 'RAMOS'], ['boss']],
        [['--search', 'found@example'], ['ann-two']],
        [['--search', '_'], ['x_y']],
        [['--search', '%'], []],
        [['--role', 'annotator', '--workspace', 'team', '--search', 'xz'], ['xzy']],
      ];
      const results = await Promise.all(cases.map(([args]) => cli(target, 'users', 'list', ...args)));
      results.forEach((result, i) => {
        assertExit(result, 0);
        assert.deepEqual(tableUsernames(result.stdout), cases[i]![1], `users list ${cases[i]![0].join(' ')}`);
      });
    });

    it('--json prints parseable JSON: the users in creation order, without their keys', async () => {
      const result = await cli(target, 'users', 'list', '--json');
      assertExit(result, 0);
      const users = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
      assert.ok(Array.isArray(users));
      assert.deepEqual(users.map((u) => u.username), order);
      const rows = await withDb(target, (db) => db.selectFrom('users').selectAll().execute());
      const byName = new Map(rows.map((r) => [r.username, r]));
      for (const user of users) {
        const row = byName.get(user.username as string)!;
        assert.equal(user.id, row.id);
        assert.equal(user.role, row.role);
        assert.equal(user.first_name, row.first_name);
        assert.equal(user.inserted_at, row.inserted_at);
        assert.equal(user.disabled, false);
        assert.ok(!('password_hash' in user), 'no password hash in the output');
      }
      const stamps = users.map((u) => u.inserted_at as string);
      assert.deepEqual([...stamps].sort(), stamps, 'ascending inserted_at');
      assert.deepEqual(users.find((u) => u.username === 'ann-one')!.workspaces, ['team']);
      for (const key of keys.values()) assert.ok(!result.stdout.includes(key), 'no API key in clear');

      const filtered = await cli(target, 'users', 'list', '--json', '--role', 'admin');
      assertExit(filtered, 0);
      assert.deepEqual((JSON.parse(filtered.stdout) as Array<{ username: string }>).map((u) => u.username), ['boss']);
    });
  });

  describe(`argilla users delete (${backend.name})`, () => {
    it('deletes the user with its memberships, keys and sessions; workspaces and other users stay', async () => {
      const target = await migratedTarget(backend);
      await createUser(target, 'root', { role: 'admin' });
      await createUser(target, 'victim', { workspaces: ['w1', 'w2'] });
      await createUser(target, 'bystander', { workspaces: ['w1'] });
      const victim = (await userByName(target, 'victim'))!;
      const bystander = (await userByName(target, 'bystander'))!;
      await insertSession(target, victim.id);
      const keptSession = await insertSession(target, bystander.id);
      const before = await snapshot(target);
      assert.equal(before.api_keys.filter((k) => k.user_id === victim.id).length, 1);

      const result = await cli(target, 'users', 'delete', 'victim');
      assertExit(result, 0);
      assert.match(result.stdout, /victim/);
      assert.match(result.stdout, /deleted/i);

      const after = await snapshot(target);
      assert.deepEqual(after.users.map((u) => u.username).sort(), ['bystander', 'root']);
      assert.equal(after.memberships.filter((m) => m.user_id === victim.id).length, 0);
      assert.equal(after.api_keys.filter((k) => k.user_id === victim.id).length, 0);
      assert.equal(after.login_sessions.filter((s) => s.user_id === victim.id).length, 0);
      assert.deepEqual(after.workspaces, before.workspaces, 'workspaces stay');
      assert.deepEqual(await membershipNames(target, bystander.id), ['w1']);
      assert.deepEqual(await sessionIdsOf(target, bystander.id), [keptSession]);
      assert.equal(after.api_keys.length, before.api_keys.length - 1);

      const again = await cli(target, 'users', 'delete', 'victim');
      assertFailed(again, /victim/);
      assert.match(again.stderr, /does not exist|not found/i);
      assert.deepEqual(await snapshot(target), after);
    });
  });

  describe(`argilla users: the last enabled admin (${backend.name})`, () => {
    it('refuses to delete, demote or disable the last enabled admin (a disabled admin does not count)', async () => {
      const target = await migratedTarget(backend);
      await createUser(target, 'boss', { role: 'admin' });
      await createUser(target, 'helper', { role: 'admin' });
      await createUser(target, 'worker');
      const boss = (await userByName(target, 'boss'))!;
      await insertSession(target, boss.id);
      assertExit(await cli(target, 'users', 'update', 'helper', '--disable'), 0);
      const initial = await snapshot(target);

      for (const args of [['delete', 'boss'], ['update', 'boss', '--role', 'annotator'], ['update', 'boss', '--disable']]) {
        const result = await cli(target, 'users', ...args);
        assertFailed(result, /last (enabled )?admin/i);
        assert.deepEqual(await snapshot(target), initial, `users ${args.join(' ')} wrote nothing`);
      }

      // With a second enabled admin, the first can go.
      assertExit(await cli(target, 'users', 'update', 'helper', '--enable'), 0);
      const demote = await cli(target, 'users', 'update', 'boss', '--role', 'annotator');
      assertExit(demote, 0);
      assert.equal((await userByName(target, 'boss'))!.role, 'annotator');
      assertFailed(await cli(target, 'users', 'delete', 'helper'), /last (enabled )?admin/i);
      assert.ok(await userByName(target, 'helper'));
      // Deleting an annotator is fine.
      assertExit(await cli(target, 'users', 'delete', 'boss'), 0);
    });

    for (const [what, args] of [
      ['demote', ['--role', 'annotator']],
      ['disable', ['--disable']],
      ['delete', []],
    ] as const) {
      it(`${what} both of two admins at the same moment: exactly one succeeds, one enabled admin stays`, async () => {
        const target = await migratedTarget(backend);
        await Promise.all([createUser(target, 'one', { role: 'admin' }), createUser(target, 'two', { role: 'admin' })]);
        const command = (name: string) => (what === 'delete' ? ['users', 'delete', name] : ['users', 'update', name, ...args]);
        const results = await Promise.all(['one', 'two'].map((name) => cli(target, ...command(name))));
        const codes = results.map((r) => r.code).sort();
        assert.deepEqual(codes, [0, 1], results.map((r) => `${r.code}: ${r.stdout}${r.stderr}`).join('\n'));
        assert.match(results.find((r) => r.code === 1)!.stderr, /last (enabled )?admin/i);
        const admins = await withDb(target, (db) =>
          db.selectFrom('users').select('username').where('role', '=', 'admin').where('disabled', '=', 0).execute(),
        );
        assert.equal(admins.length, 1);
      });
    }
  });

  describe(`argilla users update (${backend.name})`, () => {
    let target: Target;
    let userId: string;
    let rootSession: string;
    let hurraKey: string;

    before(async () => {
      target = await migratedTarget(backend);
      await createUser(target, 'root', { role: 'admin' });
      hurraKey = await createUser(target, 'hurra', { firstName: 'Hulio', password: 'old-password', extra: ['--last-name', 'Ramos', '--email', 'h@example.com'] });
      userId = (await userByName(target, 'hurra'))!.id;
      rootSession = await insertSession(target, (await userByName(target, 'root'))!.id);
    });

    it('--first-name, --last-name, --email change the user (trimmed) and print it', async () => {
      const before = (await userByName(target, 'hurra'))!;
      const result = await cli(target, 'users', 'update', 'hurra', '--first-name', '  Julio ', '--last-name', 'Ruiz', '--email', 'julio@example.com');
      assertExit(result, 0);
      const fields = printedFields(result.stdout);
      assert.equal(fields.get('first_name'), "'Julio'");
      assert.equal(fields.get('last_name'), "'Ruiz'");
      assert.equal(fields.get('username'), "'hurra'");
      assert.ok(!result.stdout.includes(hurraKey), 'the API key is shown in full only when created');
      assert.ok(fields.has('api_key'), 'a masked preview stands in for it');
      const after = (await userByName(target, 'hurra'))!;
      assert.equal(after.first_name, 'Julio');
      assert.equal(after.last_name, 'Ruiz');
      assert.equal(after.email, 'julio@example.com');
      assert.equal(after.password_hash, before.password_hash);
      assert.equal(after.role, 'annotator');
      assert.ok(after.updated_at > before.updated_at, 'updated_at moves forward');
      assert.equal(after.inserted_at, before.inserted_at);

      const cleared = await cli(target, 'users', 'update', 'hurra', '--last-name', '', '--email', '');
      assertExit(cleared, 0);
      const row = (await userByName(target, 'hurra'))!;
      assert.equal(row.last_name, null);
      assert.equal(row.email, null);
    });

    it('--role (any case) changes the role and ends the login sessions of that user only', async () => {
      await insertSession(target, userId);
      const result = await cli(target, 'users', 'update', 'hurra', '--role', 'ADMIN');
      assertExit(result, 0);
      assert.equal(printedFields(result.stdout).get('role'), "'admin'");
      assert.equal((await userByName(target, 'hurra'))!.role, 'admin');
      assert.deepEqual(await sessionIdsOf(target, userId), []);
      assert.deepEqual(await sessionIdsOf(target, (await userByName(target, 'root'))!.id), [rootSession]);
      assertExit(await cli(target, 'users', 'update', 'hurra', '--role', 'annotator'), 0);
      assert.equal((await userByName(target, 'hurra'))!.role, 'annotator');
    });

    it('--password replaces the hash and ends the login sessions of that user only', async () => {
      const before = (await userByName(target, 'hurra'))!;
      await insertSession(target, userId);
      await insertSession(target, userId);
      const result = await cli(target, 'users', 'update', 'hurra', '--password', 'brand-new-pass');
      assertExit(result, 0);
      assert.ok(!result.stdout.includes('brand-new-pass'), 'the password is not printed');
      const after = (await userByName(target, 'hurra'))!;
      assert.notEqual(after.password_hash, before.password_hash);
      assert.match(after.password_hash, /^\$argon2id\$/);
      assert.equal(await argon2Verify(after.password_hash, 'brand-new-pass'), true);
      assert.equal(await argon2Verify(after.password_hash, 'old-password'), false);
      assert.deepEqual(await sessionIdsOf(target, userId), []);
      assert.deepEqual(await sessionIdsOf(target, (await userByName(target, 'root'))!.id), [rootSession]);
    });

    it('--disable disables and ends the sessions; --enable enables again', async () => {
      await insertSession(target, userId);
      const disable = await cli(target, 'users', 'update', 'hurra', '--disable');
      assertExit(disable, 0);
      assert.equal((await userByName(target, 'hurra'))!.disabled, 1);
      assert.deepEqual(await sessionIdsOf(target, userId), []);
      const listed = JSON.parse((await cli(target, 'users', 'list', '--json', '--search', 'hurra')).stdout) as Array<{ disabled: boolean }>;
      assert.equal(listed[0]!.disabled, true);
      const enable = await cli(target, 'users', 'update', 'hurra', '--enable');
      assertExit(enable, 0);
      assert.equal((await userByName(target, 'hurra'))!.disabled, 0);
    });

    it('invalid values: exit 1 naming the option, nothing written; bad --role exit 2; unknown user exit 1', async () => {
      await insertSession(target, userId);
      const initial = await snapshot(target);
      const cases: Array<[string[], RegExp]> = [
        [['--email', 'not-an-email'], /--email: /],
        [['--password', 'short'], /--password: at least 8 characters/],
        [['--first-name', '   '], /--first-name: /],
        [['--last-name', '   '], /--last-name: /],
        [['--first-name', 'Fine', '--password', 'short'], /--password: /],
      ];
      const results = await Promise.all(cases.map(([args]) => cli(target, 'users', 'update', 'hurra', ...args)));
      results.forEach((result, i) => assertFailed(result, cases[i]![1]));
      assertUsageError(await cli(target, 'users', 'update', 'hurra', '--role', 'superuser'), /--role/);
      const unknown = await cli(target, 'users', 'update', 'nobody', '--first-name', 'X');
      assertFailed(unknown, /nobody/);
      assert.deepEqual(await snapshot(target), initial);
    });
  });
}

// `argilla users create`: output, what is stored (argon2id hash, SHA-256 digest of the key, never the
// key), workspaces, invalid values (exit 1, nothing written), existing username or key (exit 0,
// nothing written) and two creations racing for the same username or key.
import assert from 'node:assert/strict';
import { verify as argon2Verify } from '@node-rs/argon2';
import { describe, it } from 'node:test';
import { backends } from '../helpers/databases.js';
import {
  assertExit,
  assertFailed,
  cli,
  createUser,
  membershipNames,
  migratedTarget,
  printedApiKey,
  printedFields,
  sha256Hex,
  snapshot,
  userByName,
  withDb,
  workspaceByName,
} from './support.js';

const HURRA = ['--role', 'admin', '--first-name', 'Hulio', '--last-name', 'Ramos', '--username', 'hurra', '--password', 'abcde123'];

for (const backend of backends()) {
  describe(`argilla users create (${backend.name})`, () => {
    it('creates the user, prints its fields and a generated key, stores only a hash and a digest', async () => {
      const target = await migratedTarget(backend);
      const result = await cli(target, 'users', 'create', ...HURRA);
      assertExit(result, 0);
      assert.equal(result.stderr, '');
      const out = result.stdout.split('\n').map((l) => l.trimEnd());
      assert.ok(out.includes('User successfully created:'), result.stdout);
      for (const line of ["• first_name: 'Hulio'", "• last_name: 'Ramos'", "• username: 'hurra'", "• role: 'admin'", '• workspaces: []']) {
        assert.ok(out.includes(line), `missing ${JSON.stringify(line)} in:\n${result.stdout}`);
      }
      // The lines come in the documented order.
      assert.deepEqual([...printedFields(result.stdout).keys()], ['first_name', 'last_name', 'username', 'role', 'api_key', 'workspaces']);
      const apiKey = printedApiKey(result.stdout);
      assert.match(apiKey, /^argilla_/);
      assert.ok(apiKey.length - 'argilla_'.length >= 43, `at least 256 bits of randomness: ${apiKey}`);
      assert.match(apiKey, /^argilla_[A-Za-z0-9_-]+$/, 'URL-safe');

      const user = await userByName(target, 'hurra');
      assert.ok(user, 'the user is stored');
      assert.equal(user.first_name, 'Hulio');
      assert.equal(user.last_name, 'Ramos');
      assert.equal(user.role, 'admin');
      assert.equal(user.disabled, 0);
      assert.match(user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.ok(!Number.isNaN(Date.parse(user.inserted_at)));
      assert.match(user.password_hash, /^\$argon2id\$/);
      assert.equal(await argon2Verify(user.password_hash, 'abcde123'), true);
      assert.equal(await argon2Verify(user.password_hash, 'abcde124'), false);

      const all = await snapshot(target);
      assert.equal(all.api_keys.length, 1);
      const key = all.api_keys[0]!;
      assert.equal(key.user_id, user.id);
      assert.match(key.digest, /^[0-9a-f]{64}$/);
      assert.equal(key.digest, sha256Hex(apiKey));
      assert.ok(!JSON.stringify(all).includes(apiKey), 'the key in clear is stored nowhere');
      assert.ok(!JSON.stringify(all).includes(apiKey.slice('argilla_'.length)), 'nor its random part');
      assert.deepEqual(all.memberships, []);
      assert.deepEqual(all.workspaces, []);

      // Two creations never print the same key.
      const other = await createUser(target, 'other');
      assert.notEqual(other, apiKey);
    });

    it('accepts --role in any case, defaults to annotator, trims names, keeps the password exactly as typed', async () => {
      const target = await migratedTarget(backend);
      const base = ['--first-name', '  Spaced  ', '--password', ' pass word '];
      const results = await Promise.all([
        cli(target, 'users', 'create', '--username', 'upper', '--role', 'ADMIN', ...base),
        cli(target, 'users', 'create', '--username', 'mixed', '--role', 'AnNoTaToR', ...base),
        cli(target, 'users', 'create', '--username', 'nodefault', ...base),
      ]);
      for (const result of results) assertExit(result, 0);
      assert.match(results[0]!.stdout, /^• role: 'admin'$/m);
      assert.match(results[1]!.stdout, /^• role: 'annotator'$/m);
      assert.match(results[2]!.stdout, /^• role: 'annotator'$/m);
      assert.match(results[0]!.stdout, /^• first_name: 'Spaced'$/m);
      const roles = Object.fromEntries(
        (await withDb(target, (db) => db.selectFrom('users').select(['username', 'role', 'first_name']).execute())).map((u) => [
          u.username,
          [u.role, u.first_name],
        ]),
      );
      assert.deepEqual(roles, { upper: ['admin', 'Spaced'], mixed: ['annotator', 'Spaced'], nodefault: ['annotator', 'Spaced'] });
      const user = (await userByName(target, 'upper'))!;
      assert.equal(await argon2Verify(user.password_hash, ' pass word '), true);
      assert.equal(await argon2Verify(user.password_hash, 'pass word'), false, 'not trimmed');
    });

    it('accepts a password of 100 characters and checks all of it (no truncation at 72 bytes)', async () => {
      const target = await migratedTarget(backend);
      const password = 'p'.repeat(80) + 'q'.repeat(20);
      await createUser(target, 'longpass', { password });
      const user = (await userByName(target, 'longpass'))!;
      assert.equal(await argon2Verify(user.password_hash, password), true);
      assert.equal(await argon2Verify(user.password_hash, 'p'.repeat(80) + 'q'.repeat(19) + 'x'), false);
    });

    it('--workspace (repeatable) creates missing workspaces, reuses existing ones and adds the memberships', async () => {
      const target = await migratedTarget(backend);
      assertExit(await cli(target, 'workspaces', 'create', 'b'), 0);
      const existing = (await workspaceByName(target, 'b'))!;
      const result = await cli(
        target, 'users', 'create', '--first-name', 'W', '--username', 'member', '--password', 'abcdefgh',
        '--workspace', 'a', '--workspace', 'b', '--workspace', 'a',
      );
      assertExit(result, 0);
      assert.match(result.stdout, /^• workspaces: \[('a', 'b'|'b', 'a')\]$/m);
      const user = (await userByName(target, 'member'))!;
      assert.deepEqual(await membershipNames(target, user.id), ['a', 'b']);
      const all = await snapshot(target);
      assert.deepEqual(all.workspaces.map((w) => w.name).sort(), ['a', 'b']);
      assert.equal(all.memberships.length, 2);
      assert.equal((await workspaceByName(target, 'b'))!.id, existing.id, 'the existing workspace is reused');

      // A second user joining the same workspaces adds memberships, not workspaces.
      await createUser(target, 'second', { workspaces: ['b', 'c'] });
      const after = await snapshot(target);
      assert.deepEqual(after.workspaces.map((w) => w.name).sort(), ['a', 'b', 'c']);
      assert.equal(after.memberships.length, 4);
    });

    it('lists the workspaces in the order given (memberships made together keep that order)', async () => {
      const target = await migratedTarget(backend);
      const order = ['zeta', 'alpha', 'mid', 'beta', 'omega'];
      const result = await cli(
        target, 'users', 'create', '--first-name', 'O', '--username', 'ordered', '--password', 'abcdefgh',
        ...order.flatMap((w) => ['--workspace', w]),
      );
      assertExit(result, 0);
      const expected = `• workspaces: [${order.map((w) => `'${w}'`).join(', ')}]`;
      assert.ok(result.stdout.split('\n').includes(expected), `expected ${expected} in:\n${result.stdout}`);
      const list = await cli(target, 'users', 'list', '--json');
      assertExit(list, 0);
      assert.deepEqual(JSON.parse(list.stdout)[0].workspaces, order);
    });

    it('--api-key given is printed once and stored as its digest, with --email and --last-name kept', async () => {
      const target = await migratedTarget(backend);
      const apiKey = 'my-own-key-0123';
      const result = await cli(
        target, 'users', 'create', '--first-name', 'K', '--last-name', 'Eyholder', '--username', 'keyed',
        '--password', 'abcdefgh', '--api-key', apiKey, '--email', 'keyed@example.com',
      );
      assertExit(result, 0);
      assert.equal(printedApiKey(result.stdout), apiKey);
      const all = await snapshot(target);
      assert.equal(all.api_keys.length, 1);
      assert.equal(all.api_keys[0]!.digest, sha256Hex(apiKey));
      assert.ok(!JSON.stringify(all).includes(apiKey), 'the key in clear is stored nowhere');
      const user = (await userByName(target, 'keyed'))!;
      assert.equal(user.email, 'keyed@example.com');
      assert.equal(user.last_name, 'Eyholder');
    });

    it('rejects each invalid value naming the option and the rule, exit 1, writing nothing', async () => {
      const target = await migratedTarget(backend);
      await createUser(target, 'existing', { workspaces: ['present'] });
      const initial = await snapshot(target);
      const valid: Record<string, string> = { '--first-name': 'Hulio', '--username': 'newbie', '--password': 'abcde123' };
      const args = (changes: Record<string, string>, extra: string[] = []) => {
        const merged = { ...valid, ...changes };
        return ['users', 'create', ...Object.entries(merged).flat(), ...extra];
      };
      const cases: Array<[string, string[], RegExp]> = [
        ['short password', args({ '--password': 'abc' }), /--password: at least 8 characters/],
        ['7-character password', args({ '--password': 'abcdefg' }), /--password: at least 8 characters/],
        ['101-character password', args({ '--password': 'x'.repeat(101) }), /--password: at most 100 characters/],
        ['username with a space', args({ '--username': 'User Name' }), /--username: /],
        ['lowercase username with a space', args({ '--username': 'user name' }), /--username: /],
        ['username with a dot', args({ '--username': 'user.name' }), /--username: /],
        ['username with a slash', args({ '--username': 'user/name' }), /--username: /],
        ['username _', args({ '--username': '_' }), /--username: /],
        ['username -', args({ '--username': '-' }), /--username: /],
        ['username starting with _', args({ '--username': '_user' }), /--username: /],
        ['uppercase username', args({ '--username': 'UserName' }), /--username: /],
        ['username with a trailing newline', args({ '--username': 'newbie\n' }), /--username: /],
        ['short api key', args({}, ['--api-key', 'seven77']), /--api-key: at least 8 characters/],
        ['invalid workspace', args({}, ['--workspace', 'Bad Name']), /--workspace.*: /],
        ['invalid workspace next to a valid one', args({}, ['--workspace', 'good-one', '--workspace', 'bad.name']), /--workspace.*: /],
        ['valid workspace, invalid password', args({ '--password': 'short' }, ['--workspace', 'good-two']), /--password: /],
        ['blank first name', args({ '--first-name': '   ' }), /--first-name: /],
        ['blank last name', args({}, ['--last-name', '  ']), /--last-name: /],
        ['invalid email', args({}, ['--email', 'not-an-email']), /--email: /],
        ['existing username but an invalid value', args({ '--username': 'existing', '--password': 'abc' }), /--password: /],
      ];
      const results = await Promise.all(cases.map(([, a]) => cli(target, ...a)));
      results.forEach((result, i) => {
        const [name, , pattern] = cases[i]!;
        assert.equal(result.code, 1, `${name}: exit ${result.code}, stderr ${result.stderr}`);
        assertFailed(result, pattern);
      });
      // The rule is spelled out for names, not only the option.
      assert.match(results[3]!.stderr, /lowercase/);
      assert.deepEqual(await snapshot(target), initial, 'nothing was written by any invalid command');
    });

    it('reports every broken rule at once', async () => {
      const target = await migratedTarget(backend);
      const result = await cli(target, 'users', 'create', '--first-name', 'H', '--username', 'Bad Name', '--password', 'short');
      assertFailed(result, /--username: /);
      assert.match(result.stderr, /--password: at least 8 characters/);
    });

    it('an existing username: says so, exit 0, nothing written', async () => {
      const target = await migratedTarget(backend);
      assertExit(await cli(target, 'users', 'create', ...HURRA), 0);
      const initial = await snapshot(target);
      const again = await cli(
        target, 'users', 'create', '--first-name', 'Other', '--username', 'hurra', '--password', 'different-pass',
        '--role', 'annotator', '--workspace', 'never-made', '--api-key', 'a-brand-new-key',
      );
      assertExit(again, 0);
      assert.doesNotMatch(again.stdout, /successfully created/);
      assert.match(again.stdout + again.stderr, /hurra/);
      assert.match(again.stdout + again.stderr, /already exists/i);
      assert.deepEqual(await snapshot(target), initial);
    });

    it('an existing API key (another user): says so without echoing it, exit 0, the second user is not created', async () => {
      const target = await migratedTarget(backend);
      const apiKey = 'shared-secret-key-42';
      await createUser(target, 'first', { extra: ['--api-key', apiKey] });
      const initial = await snapshot(target);
      const second = await cli(
        target, 'users', 'create', '--first-name', 'S', '--username', 'second', '--password', 'abcdefgh',
        '--api-key', apiKey, '--workspace', 'never-made',
      );
      assertExit(second, 0);
      assert.doesNotMatch(second.stdout, /successfully created/);
      assert.match(second.stdout + second.stderr, /API key/i);
      assert.match(second.stdout + second.stderr, /already exists/i);
      assert.ok(!(second.stdout + second.stderr).includes(apiKey), 'the key is shown in full only when created');
      assert.equal(await userByName(target, 'second'), undefined);
      assert.deepEqual(await snapshot(target), initial);
    });

    it('two creations of one username at the same moment: exactly one succeeds, one row', async () => {
      const target = await migratedTarget(backend);
      for (let round = 0; round < 2; round++) {
        const username = `racer${round}`;
        const results = await Promise.all(
          ['left', 'right'].map((side) =>
            cli(target, 'users', 'create', '--first-name', side, '--username', username, '--password', 'abcdefgh', '--workspace', `${side}-${round}`),
          ),
        );
        for (const result of results) assertExit(result, 0);
        const created = results.filter((r) => /^User successfully created:/m.test(r.stdout));
        const existed = results.filter((r) => /already exists/i.test(r.stdout + r.stderr));
        assert.equal(created.length, 1, results.map((r) => r.stdout + r.stderr).join('\n---\n'));
        assert.equal(existed.length, 1, results.map((r) => r.stdout + r.stderr).join('\n---\n'));
        const winner = /^• first_name: '(\w+)'$/m.exec(created[0]!.stdout)![1]!;
        const rows = await withDb(target, (db) => db.selectFrom('users').selectAll().where('username', '=', username).execute());
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.first_name, winner, 'the stored user is the one reported as created');
        const keys = await withDb(target, (db) => db.selectFrom('api_keys').selectAll().where('user_id', '=', rows[0]!.id).execute());
        assert.equal(keys.length, 1);
        assert.equal(keys[0]!.digest, sha256Hex(printedApiKey(created[0]!.stdout)));
        const loser = winner === 'left' ? 'right' : 'left';
        assert.deepEqual(await membershipNames(target, rows[0]!.id), [`${winner}-${round}`]);
        assert.equal(await workspaceByName(target, `${loser}-${round}`), undefined, "the loser's workspace is not created");
      }
      const all = await snapshot(target);
      assert.equal(all.users.length, 2);
      assert.equal(all.api_keys.length, 2);
    });

    it('two creations with one --api-key at the same moment: exactly one user is created', async () => {
      const target = await migratedTarget(backend);
      const results = await Promise.all(
        ['one', 'two'].map((username) =>
          cli(target, 'users', 'create', '--first-name', 'K', '--username', username, '--password', 'abcdefgh', '--api-key', 'contested-key'),
        ),
      );
      for (const result of results) assertExit(result, 0);
      assert.equal(results.filter((r) => /^User successfully created:/m.test(r.stdout)).length, 1);
      assert.equal(results.filter((r) => /API key.*already exists/i.test(r.stdout + r.stderr)).length, 1);
      const all = await snapshot(target);
      assert.equal(all.users.length, 1);
      assert.equal(all.api_keys.length, 1);
      assert.equal(all.api_keys[0]!.digest, sha256Hex('contested-key'));
    });

    it('two users joining one new workspace at the same moment share it', async () => {
      const target = await migratedTarget(backend);
      const results = await Promise.all(
        ['one', 'two'].map((username) =>
          cli(target, 'users', 'create', '--first-name', 'S', '--username', username, '--password', 'abcdefgh', '--workspace', 'shared'),
        ),
      );
      for (const result of results) {
        assertExit(result, 0);
        assert.match(result.stdout, /^• workspaces: \['shared'\]$/m);
      }
      const all = await snapshot(target);
      assert.equal(all.workspaces.length, 1);
      assert.equal(all.memberships.length, 2);
      assert.ok(all.memberships.every((m) => m.workspace_id === all.workspaces[0]!.id));
    });
  });
}

// `argilla users migrate` / `users export` run as the real executable, on the guide's users file.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileWith, inspect, migrated } from './support.js';
import { backends, tempDir } from '../helpers/databases.js';
import { runCli } from '../helpers/cli.js';
import { openDatabase } from '../../src/db/connect.js';
import { authenticateApiKey, login } from '../../src/domain/auth.js';
import { digestSecret } from '../../src/lib/secrets.js';

const root = process.env.ARGILLA_TEST_ROOT ?? join(import.meta.dirname, '..', '..', '..', '..');
// The guide's users file (the guide's example, kept in the repository).
const GUIDE_FILE = join(root, 'packages', 'server', 'test', 'fixtures', 'seed-users.yaml');
const GUIDE = readFileSync(GUIDE_FILE, 'utf8');
const HASH_1234 = '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS';

for (const backend of backends()) {
  describe(`users migrate on the guide's file (${backend.name})`, () => {
    let db: Awaited<ReturnType<typeof migrated>>;
    let first: Awaited<ReturnType<typeof runCli>>;
    before(async () => {
      db = await migrated(backend);
      first = await runCli(['users', 'migrate', '--file', GUIDE_FILE], db.env);
    });

    it('prints the guide\'s messages, one line per user', () => {
      assert.equal(first.code, 0, first.stderr);
      const lines = first.stdout.trim().split('\n');
      assert.equal(lines[0], `Starting users migration process using file '${GUIDE_FILE}'`);
      for (const name of ['john', 'tanya', 'daisy']) assert.ok(lines.includes(`Migrating User with username '${name}'`), name);
      assert.equal(lines.at(-1), 'Users migration process successfully finished');
    });

    it('applies the role rule, the per-user workspace first, and keeps names, email and disabled', async () => {
      const { users, workspaces, workspacesOf, keys } = await inspect(db.target);
      assert.deepEqual(users.map((u) => u.username), ['john', 'tanya', 'daisy']);
      const byName = Object.fromEntries(users.map((u) => [u.username, u]));
      assert.equal(byName.john!.role, 'admin');
      assert.equal(byName.tanya!.role, 'annotator');
      assert.equal(byName.daisy!.role, 'annotator');
      assert.equal(byName.john!.first_name, 'John Doe');
      assert.equal(byName.john!.last_name, null);
      assert.equal(byName.john!.email, 'john@argilla.io');
      assert.equal(byName.tanya!.disabled, 1);
      assert.equal(byName.daisy!.disabled, 0);
      assert.equal(byName.john!.password_hash, HASH_1234, 'bcrypt hashes are stored as given');
      assert.deepEqual(workspacesOf('john'), ['john']);
      assert.deepEqual(workspacesOf('tanya'), ['tanya', 'argilla', 'team']);
      assert.deepEqual(workspacesOf('daisy'), ['daisy', 'argilla', 'team', 'latam']);
      assert.deepEqual([...workspaces].sort(), ['argilla', 'daisy', 'john', 'latam', 'tanya', 'team']);
      assert.ok(keys.some((k) => k.digest === digestSecret('a14427ea-9197-11ec-b909-0242ac120002')));
      assert.ok(!JSON.stringify(keys).includes('a14427ea-9197-11ec-b909-0242ac120002'), 'keys are never stored in clear');
    });

    it('lets john and daisy log in with 1234 and use their keys; tanya (disabled) neither', async () => {
      const database = await openDatabase(db.target);
      try {
        for (const [name, key] of [
          ['john', 'a14427ea-9197-11ec-b909-0242ac120002'],
          ['daisy', 'a8168929-8668-494c-b7a5-98cd35740d9b'],
        ] as const) {
          const session = await login(database, name, '1234', 60);
          assert.equal(session.user.username, name);
          const auth = await authenticateApiKey(database, key);
          assert.equal(auth?.user.username, name);
        }
        await assert.rejects(login(database, 'tanya', '1234', 60));
        assert.equal(await authenticateApiKey(database, '78a10b53-8db7-4ab5-9e9e-fbd4b7e76551'), null);
        await assert.rejects(login(database, 'john', '12345', 60));
        const john = await database.db.selectFrom('users').select('password_hash').where('username', '=', 'john').executeTakeFirstOrThrow();
        assert.match(john.password_hash, /^\$argon2id\$/, 're-hashed at the first successful login');
      } finally {
        await database.close();
      }
    });

    it('skips identical users on a re-run (even after a re-hash) and exits 0', async () => {
      const again = await runCli(['users', 'migrate', '--file', GUIDE_FILE], db.env);
      assert.equal(again.code, 0, again.stderr);
      for (const name of ['john', 'tanya', 'daisy']) assert.match(again.stdout, new RegExp(`Skipping User with username '${name}'`));
      assert.equal((await inspect(db.target)).users.length, 3);
    });

    it('aborts on a user that exists with different data, unless --update', async () => {
      const changed = fileWith(GUIDE.replace('email: daisy@argilla.io', 'email: daisy@example.org').replace('workspaces: [argilla, team, latam]', 'workspaces: [argilla, team, latam, extra]'));
      const refused = await runCli(['users', 'migrate', '--file', changed], db.env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /entry 3 \(line \d+\), username 'daisy': user already exists with different email, workspaces; run again with --update/);
      let state = await inspect(db.target);
      assert.equal(state.users.find((u) => u.username === 'daisy')!.email, 'daisy@argilla.io');
      assert.ok(!state.workspaces.includes('extra'));
      const updated = await runCli(['users', 'migrate', '--file', changed, '--update'], db.env);
      assert.equal(updated.code, 0, updated.stderr);
      assert.match(updated.stdout, /Updating User with username 'daisy' \(email, workspaces\)/);
      state = await inspect(db.target);
      assert.equal(state.users.find((u) => u.username === 'daisy')!.email, 'daisy@example.org');
      assert.deepEqual(state.workspacesOf('daisy'), ['daisy', 'argilla', 'team', 'latam', 'extra']);
    });

    it('replaces the API key on --update', async () => {
      const changed = fileWith(GUIDE.replace('api_key: a14427ea-9197-11ec-b909-0242ac120002', 'api_key: new-key-for-john'));
      const result = await runCli(['users', 'migrate', '--file', changed, '--update'], db.env);
      assert.equal(result.code, 0, result.stderr);
      const database = await openDatabase(db.target);
      try {
        assert.equal((await authenticateApiKey(database, 'new-key-for-john'))?.user.username, 'john');
        assert.equal(await authenticateApiKey(database, 'a14427ea-9197-11ec-b909-0242ac120002'), null);
      } finally {
        await database.close();
      }
    });
  });

  describe(`users migrate options and bad input (${backend.name})`, () => {
    it('--dry-run prints the plan and writes nothing', async () => {
      const db = await migrated(backend);
      const result = await runCli(['users', 'migrate', '--file', GUIDE_FILE, '--dry-run'], db.env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Would create User with username 'john' as admin in workspaces john/);
      assert.match(result.stdout, /Would create User with username 'daisy' as annotator in workspaces daisy, argilla, team, latam/);
      assert.match(result.stdout, /Would create workspaces: john, tanya, argilla, team, daisy, latam/);
      const state = await inspect(db.target);
      assert.equal(state.users.length, 0);
      assert.equal(state.workspaces.length, 0);
    });

    it('reads ARGILLA_LOCAL_AUTH_USERS_DB_FILE, else .users.yml', async () => {
      const db = await migrated(backend);
      const viaEnv = await runCli(['users', 'migrate'], { ...db.env, ARGILLA_LOCAL_AUTH_USERS_DB_FILE: GUIDE_FILE });
      assert.equal(viaEnv.code, 0, viaEnv.stderr);
      assert.match(viaEnv.stdout, new RegExp(`using file '${GUIDE_FILE}'`));
      const missing = await runCli(['users', 'migrate'], db.env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Cannot read the users file '.*\.users\.yml': no such file/);
    });

    it('gives a user without full_name its username as first name, and a generated key', async () => {
      const db = await migrated(backend);
      const file = fileWith(`- username: solo\n  hashed_password: ${HASH_1234}\n  workspaces: []\n`);
      const result = await runCli(['users', 'migrate', '--file', file], db.env);
      assert.equal(result.code, 0, result.stderr);
      const generated = /generated '(argilla_[^']+)'/.exec(result.stdout)?.[1];
      assert.ok(generated, result.stdout);
      const state = await inspect(db.target);
      assert.equal(state.users[0]!.first_name, 'solo');
      assert.equal(state.users[0]!.role, 'annotator');
      assert.deepEqual(state.workspacesOf('solo'), ['solo']);
      assert.equal(state.keys[0]!.digest, digestSecret(generated));
    });

    it('writes every field exactly as given, for more users than one batch of rows holds', async () => {
      const db = await migrated(backend);
      // Characters that array and JSON literals give a meaning to, and the word NULL.
      const awkward = ['Quote " and \\ backslash', '{braces}, "commas"', 'NULL', "It's ünïcode ✓ 🙂", ' spaced '];
      const lines: string[] = [];
      for (let i = 0; i < 1250; i++) {
        lines.push(`- username: bulk-${i}`, `  full_name: ${JSON.stringify(`${awkward[i % awkward.length]} ${i}`)}`, `  hashed_password: '${HASH_1234}'`, `  api_key: bulk-key-${i}-xyz`);
        if (i % 3 === 0) lines.push(`  email: "bulk-${i}@example.com"`);
        if (i % 7 === 0) lines.push('  disabled: true');
        lines.push(i % 100 === 0 ? '  role: admin' : `  workspaces: [team-${i % 4}]`);
      }
      const result = await runCli(['users', 'migrate', '--file', fileWith(`${lines.join('\n')}\n`)], db.env);
      assert.equal(result.code, 0, result.stderr);
      const state = await inspect(db.target);
      assert.equal(state.users.length, 1250);
      assert.equal(state.keys.length, 1250);
      const byName = new Map(state.users.map((u) => [u.username, u]));
      for (let i = 0; i < 1250; i++) {
        const user = byName.get(`bulk-${i}`)!;
        // full_name is trimmed on import, as when it is typed.
        assert.equal(user.first_name, `${awkward[i % awkward.length]} ${i}`.trim(), `bulk-${i}`);
        assert.equal(user.email, i % 3 === 0 ? `bulk-${i}@example.com` : null);
        assert.equal(user.disabled, i % 7 === 0 ? 1 : 0);
        assert.equal(user.role, i % 100 === 0 ? 'admin' : 'annotator');
        assert.equal(user.last_name, null);
        assert.deepEqual(state.workspacesOf(`bulk-${i}`).sort(), i % 100 === 0 ? [`bulk-${i}`] : [`bulk-${i}`, `team-${i % 4}`]);
      }
      const owners = new Map(state.keys.map((k) => [k.digest, k.user_id]));
      assert.equal(owners.get(digestSecret('bulk-key-777-xyz')), byName.get('bulk-777')!.id);
      assert.ok(state.keys.every((k) => k.last_used_at === null && k.expires_at === null && k.revoked_at === null));
    });

    const entry = (extra: string) => `- username: ok-user\n  full_name: Ok\n  hashed_password: ${HASH_1234}\n  api_key: first-key-123\n${extra}`;
    const bad: Array<[string, string, RegExp]> = [
      ['invalid YAML', '- username: [unclosed\n', /not valid YAML/],
      ['a top level that is not a list', 'username: john\n', /top level must be a list/],
      ['an entry that is not a mapping', `${entry('')}- just text\n`, /entry 2 \(line 5\): must be a mapping/],
      ['a missing username', `${entry('')}- full_name: Nobody\n  hashed_password: ${HASH_1234}\n`, /entry 2 .*username: required/],
      ['an invalid username', `${entry('')}- username: Bad Name\n  hashed_password: ${HASH_1234}\n`, /entry 2 .*username 'Bad Name': username: lowercase/],
      ['an invalid workspace name', `${entry('')}- username: two\n  hashed_password: ${HASH_1234}\n  workspaces: [good, Bad.Name]\n`, /entry 2 .*workspaces\[1\] 'Bad\.Name'/],
      ['the same username twice', `${entry('')}- username: ok-user\n  hashed_password: ${HASH_1234}\n`, /entry 2 .*username already used by entry 1/],
      ['the same API key twice', `${entry('')}- username: two\n  hashed_password: ${HASH_1234}\n  api_key: first-key-123\n`, /entry 2 .*api_key already used by entry 1/],
      ['a missing password hash', `${entry('')}- username: two\n  full_name: Two\n`, /entry 2 .*hashed_password: required/],
      ['a non-bcrypt password hash', `${entry('')}- username: two\n  hashed_password: '1234'\n`, /entry 2 .*hashed_password: must be a bcrypt hash/],
      ['an API key shorter than 8', `${entry('')}- username: two\n  hashed_password: ${HASH_1234}\n  api_key: short\n`, /entry 2 .*api_key: at least 8 characters/],
      ['workspaces: null', `${entry('')}- username: two\n  hashed_password: ${HASH_1234}\n  workspaces: null\n`, /entry 2 .*workspaces: must be a list/],
      ['disabled that is not a boolean', `${entry('')}- username: two\n  hashed_password: ${HASH_1234}\n  disabled: maybe\n`, /entry 2 .*disabled: must be true or false/],
    ];
    it('refuses bad files with the entry\'s position and reason, exit 1, writing nothing', async () => {
      const db = await migrated(backend);
      for (const [name, text, message] of bad) {
        const result = await runCli(['users', 'migrate', '--file', fileWith(text)], db.env);
        assert.equal(result.code, 1, `${name}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, message, name);
        assert.doesNotMatch(result.stderr, /\n\s+at /, `${name}: no stack trace`);
        const state = await inspect(db.target);
        assert.equal(state.users.length, 0, `${name}: nothing written`);
        assert.equal(state.workspaces.length, 0, `${name}: no workspace written`);
      }
    });

    it('refuses an API key that belongs to another user already, writing nothing', async () => {
      const db = await migrated(backend);
      const created = await runCli(['users', 'create', '--username', 'holder', '--first-name', 'H', '--password', 'abcdefgh', '--api-key', 'first-key-123'], db.env);
      assert.equal(created.code, 0, created.stderr);
      const result = await runCli(['users', 'migrate', '--file', fileWith(entry(''))], db.env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /entry 1 .*api_key already belongs to another user/);
      assert.equal((await inspect(db.target)).users.length, 1);
    });

    it('round-trips through export --with-password-hashes into an empty database', async () => {
      const source = await migrated(backend);
      assert.equal((await runCli(['users', 'migrate', '--file', GUIDE_FILE], source.env)).code, 0);
      const exported = join(tempDir(), 'export.yml');
      const result = await runCli(['users', 'export', '--file', exported, '--with-password-hashes'], source.env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Exported 3 users/);
      const withoutHashes = await runCli(['users', 'export'], source.env);
      assert.doesNotMatch(withoutHashes.stdout, /^\s*hashed_password:|\$2y\$/m);
      assert.match(withoutHashes.stdout, /username: john/);

      const target = await migrated(backend);
      const imported = await runCli(['users', 'migrate', '--file', exported], target.env);
      assert.equal(imported.code, 0, imported.stderr);
      const [a, b] = [await inspect(source.target), await inspect(target.target)];
      const shape = (s: typeof a) =>
        s.users.map((u) => ({ username: u.username, first_name: u.first_name, email: u.email, role: u.role, disabled: u.disabled, hash: u.password_hash, ws: s.workspacesOf(u.username) }));
      assert.deepEqual(shape(b), shape(a));
    });
  });
}

// Usage errors (exit 2, nothing written), required options without a terminal, and --help.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../helpers/databases.js';
import { VERSION } from '../../src/version.js';
import { assertExit, assertUsageError, cli, createUser, migratedTarget, snapshot, type Snapshot, type Target } from './support.js';

const CREATE = ['users', 'create', '--first-name', 'Hulio', '--username', 'hurra', '--password', 'abcde123'];

for (const backend of backends()) {
  describe(`argilla usage errors and help (${backend.name})`, () => {
    let target: Target;
    let initial: Snapshot;

    before(async () => {
      target = await migratedTarget(backend);
      await createUser(target, 'existing', { role: 'admin', workspaces: ['team'] });
      initial = await snapshot(target);
    });

    after(async () => {
      // No usage error of this suite wrote anything.
      assert.deepEqual(await snapshot(target), initial);
    });

    it('an unknown command exits 2', async () => {
      const results = await Promise.all([
        cli(target, 'bogus'),
        cli(target, 'users', 'bogus'),
      ]);
      for (const result of results) assertUsageError(result, /unknown command/i);
    });

    it('an unknown option exits 2 and names it', async () => {
      const results = await Promise.all([
        cli(target, ...CREATE, '--bogus'),
        cli(target, 'users', 'update', 'existing', '--bogus', 'x'),
      ]);
      for (const result of results) assertUsageError(result, /--bogus/);
    });

    it('--role outside its choices exits 2 and names --role', async () => {
      const results = await Promise.all([
        cli(target, ...CREATE, '--role', 'bogus'),
        cli(target, 'users', 'list', '--role', 'bogus'),
        cli(target, 'users', 'update', 'existing', '--role', 'superuser'),
      ]);
      for (const result of results) assertUsageError(result, /--role/);
    });

    it('an option missing its value exits 2 and names the option', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['users', 'create', '--first-name', 'Hulio', '--password', 'abcde123', '--username'], /--username/],
        [['users', 'create', '--first-name', 'Hulio', '--username', 'hurra', '--password'], /--password/],
        [[...CREATE, '--workspace'], /--workspace/],
        [['users', 'update', 'existing', '--email'], /--email/],
      ];
      const results = await Promise.all(cases.map(([args]) => cli(target, ...args)));
      results.forEach((result, i) => assertUsageError(result, cases[i]![1]));
    });

    it('a missing or extra argument exits 2', async () => {
      const results = await Promise.all([
        cli(target, 'users', 'delete'),
        cli(target, 'workspaces', 'add-user', 'team'),
        cli(target, 'workspaces', 'create', 'one', 'two'),
        cli(target, 'users', 'update', 'existing', '--disable', '--enable'),
      ]);
      for (const result of results) assertUsageError(result);
    });

    it('required options missing without a terminal: exit 2, naming the option', async () => {
      const cases: Array<[string[], string]> = [
        [['users', 'create', '--username', 'hurra', '--password', 'abcde123'], '--first-name'],
        [['users', 'create', '--first-name', 'Hulio', '--password', 'abcde123'], '--username'],
        [['users', 'create', '--first-name', 'Hulio', '--username', 'hurra', '--workspace', 'fresh-ws'], '--password'],
      ];
      const results = await Promise.all(cases.map(([args]) => cli(target, ...args)));
      results.forEach((result, i) => {
        assertUsageError(result, new RegExp(cases[i]![1]));
        assert.doesNotMatch(result.stdout, /User successfully created/);
      });
    });

    it('--version prints the version alone and exits 0', async () => {
      const result = await cli(target, '--version');
      assertExit(result, 0);
      assert.equal(result.stdout.trim(), VERSION);
    });

    it('--help on every command exits 0 and shows its usage', async () => {
      const commands = [
        [],
        ['database', 'migrate'],
        ['database', 'revisions'],
        ['users', 'create'],
        ['users', 'create-default'],
        ['users', 'list'],
        ['users', 'update'],
        ['workspaces', 'create'],
        ['workspaces', 'remove-user'],
      ];
      const results = await Promise.all(commands.map((args) => cli(target, ...args, '--help')));
      results.forEach((result, i) => {
        assertExit(result, 0);
        const path = ['argilla', ...commands[i]!].join(' ').replace('create-default', 'create_default');
        assert.match(result.stdout, new RegExp(`^Usage: ${path}\\b`, 'm'), result.stdout);
      });
      const create = results[commands.findIndex((c) => c.join(' ') === 'users create')]!.stdout;
      for (const option of ['--first-name', '--last-name', '--username', '--role', '--password', '--api-key', '--workspace']) {
        assert.ok(create.includes(option), `users create --help lists ${option}`);
      }
      assert.match(create, /lowercase, no spaces/);
      assert.match(create, /letters, numbers, dashes/);
      assert.match(create, /underscores/);
      assert.match(create, /admin/);
      assert.match(create, /annotator/);
    });
  });
}

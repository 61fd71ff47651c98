// `argilla database migrate|revisions`, the unmigrated-database guard, and a bad environment
// (unreachable or unknown database, unwritable home, invalid variables): one clear line, exit 1.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { runCli } from '../helpers/cli.js';
import { backends, tempDir } from '../helpers/databases.js';
import { assertExit, assertOneErrorLine, cli, emptyTarget, lines, migratedTarget, withDb } from './support.js';

const UPGRADE = /^Running upgrade (\S+) -> (\S+), (.+)$/;
const REVISION = /^(\S+): (.*?)( \((current|pending)\))?$/;

function parseRevisions(stdout: string) {
  return lines(stdout)
    .filter((line) => !/^No migration applied/.test(line))
    .map((line) => {
      const match = REVISION.exec(line);
      assert.ok(match, `unexpected revisions line: ${line}`);
      return { name: match[1]!, description: match[2]!, mark: match[4] ?? null };
    });
}

for (const backend of backends()) {
  describe(`argilla database migrate / revisions (${backend.name})`, () => {
    it('migrates an empty database from <base>, one line per migration; a second run has nothing to do', async () => {
      const target = await emptyTarget(backend);

      const pending = await cli(target, 'database', 'revisions');
      assertExit(pending, 0);
      const before = parseRevisions(pending.stdout);
      assert.ok(before.length >= 1, pending.stdout);
      assert.equal(before[0]!.name, '0001_initial_schema');
      assert.ok(before.every((r) => r.mark === 'pending'), pending.stdout);
      assert.match(pending.stdout, /argilla database migrate/);

      const first = await cli(target, 'database', 'migrate');
      assertExit(first, 0);
      assert.equal(first.stderr, '');
      const applied = lines(first.stdout).map((line) => {
        const match = UPGRADE.exec(line);
        assert.ok(match, `not a "Running upgrade" line: ${JSON.stringify(line)}`);
        return { from: match[1]!, to: match[2]!, description: match[3]! };
      });
      assert.equal(applied[0]!.from, '<base>');
      assert.equal(applied[0]!.to, '0001_initial_schema');
      applied.forEach((step, i) => {
        if (i > 0) assert.equal(step.from, applied[i - 1]!.to, 'each upgrade starts where the previous ended');
      });
      assert.deepEqual(
        applied.map((s) => [s.to, s.description]),
        before.map((r) => [r.name, r.description]),
        'every known revision applied once, in order, with its description',
      );

      // The schema is really there.
      const count = await withDb(target, async (db) => (await db.selectFrom('users').selectAll().execute()).length);
      assert.equal(count, 0);

      const second = await cli(target, 'database', 'migrate');
      assertExit(second, 0);
      assert.doesNotMatch(second.stdout, /Running upgrade/);
      assert.match(second.stdout, /nothing to do/i);

      const after = await cli(target, 'database', 'revisions');
      assertExit(after, 0);
      const revisions = parseRevisions(after.stdout);
      assert.deepEqual(revisions.map((r) => r.name), before.map((r) => r.name));
      const current = revisions.filter((r) => r.mark === 'current');
      assert.equal(current.length, 1, after.stdout);
      assert.equal(current[0]!.name, applied[applied.length - 1]!.to, 'the newest applied revision is marked');
      assert.ok(!revisions.some((r) => r.mark === 'pending'), after.stdout);
    });

    it('migrations started at the same moment all succeed and apply each revision once', async () => {
      // A race shows only sometimes, so two rounds of three processes each.
      for (let round = 0; round < 2; round++) {
        const target = await emptyTarget(backend);
        const results = await Promise.all([1, 2, 3].map(() => cli(target, 'database', 'migrate')));
        for (const result of results) assertExit(result, 0);
        const upgrades = results.flatMap((r) => lines(r.stdout)).filter((line) => UPGRADE.test(line));
        const recorded = await withDb(target, (db) => (db as Kysely<any>).selectFrom('schema_migrations').select('name').execute());
        assert.ok(recorded.length >= 1);
        assert.equal(upgrades.length, recorded.length, `each revision applied exactly once:\n${upgrades.join('\n')}`);
      }
    });

    if (backend.name === 'sqlite') {
      it('migrations that start while another process holds the write lock still apply each revision once', { timeout: 60_000 }, async () => {
        // The state before any upgrade: the migration bookkeeping exists, no revision is applied yet.
        const target = await emptyTarget(backend);
        assertExit(await cli(target, 'database', 'migrate'), 0);
        const path = target.url.slice('sqlite://'.length);
        const raw = new SQLite(path);
        try {
          const tables = raw
            .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'schema_migrations%'")
            .all() as Array<{ name: string }>;
          raw.pragma('foreign_keys = OFF');
          for (const { name } of tables) raw.exec(`drop table "${name}"`);
          raw.exec('delete from schema_migrations');
          // Another process (a server, a backup) writes at the moment three upgrades start.
          raw.exec('begin immediate');
          const runs = Promise.all([1, 2, 3].map(() => cli(target, 'database', 'migrate')));
          await new Promise((resolve) => setTimeout(resolve, 2500));
          raw.exec('commit');
          const results = await runs;
          for (const result of results) assertExit(result, 0);
          const upgrades = results.flatMap((r) => lines(r.stdout)).filter((line) => UPGRADE.test(line));
          const recorded = raw.prepare('select name from schema_migrations').all();
          assert.ok(recorded.length >= 1);
          assert.equal(upgrades.length, recorded.length, `each revision applied exactly once:\n${upgrades.join('\n')}`);
        } finally {
          raw.close();
        }
      });
    }

    it('other commands refuse an unmigrated database, tell to run `argilla database migrate`, and write nothing', async () => {
      const target = await emptyTarget(backend);
      const commands = [
        ['users', 'list'],
        ['users', 'create', '--first-name', 'Hulio', '--username', 'hurra', '--password', 'abcde123', '--workspace', 'ws'],
        ['users', 'create_default'],
        ['users', 'update', 'hurra', '--role', 'admin'],
        ['workspaces', 'create', 'ws'],
      ];
      for (const args of commands) {
        const result = await cli(target, ...args);
        assertOneErrorLine(result, /argilla database migrate/);
      }
      const revisions = await cli(target, 'database', 'revisions');
      assertExit(revisions, 0);
      assert.ok(parseRevisions(revisions.stdout).every((r) => r.mark === 'pending'), revisions.stdout);
      await withDb(target, async (db) => {
        await assert.rejects(db.selectFrom('users').selectAll().execute(), 'no users table was created');
      });
    });
  });

  describe(`argilla with a bad environment (${backend.name})`, () => {
    const noDb = { ARGILLA_HOME_PATH: tempDir() };

    it('an unreachable PostgreSQL: one `Error:` line naming it, exit 1, no stack trace, no password', async () => {
      const result = await runCli(['users', 'list'], { ...noDb, ARGILLA_DATABASE_URL: 'postgresql://postgres:s3cret-pw@127.0.0.1:1/nope' });
      assertOneErrorLine(result, /127\.0\.0\.1/);
      assert.doesNotMatch(result.stderr, /s3cret-pw/, 'the password is not shown');
    });

    it('ARGILLA_DATABASE_URL of an unsupported kind or malformed: names the variable, exit 1', async () => {
      for (const url of ['mysql://x', 'postgresql://[bad', 'sqlite://relative.db']) {
        const result = await runCli(['users', 'list'], { ...noDb, ARGILLA_DATABASE_URL: url });
        assertOneErrorLine(result, /ARGILLA_DATABASE_URL/);
      }
    });

    it('other invalid variables stop the command with a message naming the variable', async () => {
      const target = await migratedTarget(backend);
      for (const [name, value] of [
        ['ARGILLA_PORT', 'abc'],
        ['ARGILLA_DEFAULT_USER_ENABLED', 'maybe'],
      ] as const) {
        const result = await runCli(['users', 'list'], { ...target.env, [name]: value });
        assertOneErrorLine(result, new RegExp(name));
      }
    });

    if (backend.name === 'sqlite') {
      it('an unwritable home (a path below a regular file): one clear line, exit 1', async () => {
        const dir = tempDir();
        writeFileSync(join(dir, 'afile'), 'not a folder');
        const home = join(dir, 'afile', 'sub');
        for (const args of [['database', 'migrate'], ['users', 'list']]) {
          const result = await runCli(args, { ARGILLA_HOME_PATH: home });
          assertOneErrorLine(result, /afile/);
        }
      });

      it('without ARGILLA_DATABASE_URL the database is $ARGILLA_HOME_PATH/argilla.db (folders created)', async () => {
        const home = join(tempDir(), 'not', 'yet');
        const migrate = await runCli(['database', 'migrate'], { ARGILLA_HOME_PATH: home });
        assertExit(migrate, 0);
        assert.match(migrate.stdout, /Running upgrade <base> -> 0001_initial_schema/);
        assert.ok(existsSync(join(home, 'argilla.db')));
        const create = await runCli(
          ['users', 'create', '--first-name', 'A', '--username', 'athome', '--password', 'abcdefgh'],
          { ARGILLA_HOME_PATH: home },
        );
        assertExit(create, 0);
        const target = { url: `sqlite://${join(home, 'argilla.db')}`, home, env: {} };
        const users = await withDb(target, (db) => db.selectFrom('users').select('username').execute());
        assert.deepEqual(users.map((u) => u.username), ['athome']);
      });
    }

    if (backend.name === 'postgres') {
      it('a PostgreSQL server without that database: one line naming the database, exit 1', async () => {
        const target = await migratedTarget(backend);
        const url = new URL(target.url);
        url.pathname = '/no_such_database_here';
        const result = await runCli(['users', 'list'], { ...noDb, ARGILLA_DATABASE_URL: url.toString() });
        assertOneErrorLine(result, /no_such_database_here/);
      });
    }
  });
}

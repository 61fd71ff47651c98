// `argilla workspaces list|create|delete|add-user|remove-user`.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { backends } from '../helpers/databases.js';
import {
  assertExit,
  assertFailed,
  cli,
  createUser,
  lines,
  membershipNames,
  migratedTarget,
  snapshot,
  userByName,
  withDb,
  workspaceByName,
  type Target,
} from './support.js';

for (const backend of backends()) {
  describe(`argilla workspaces (${backend.name})`, () => {
    let target: Target;

    before(async () => {
      target = await migratedTarget(backend);
      await Promise.all([createUser(target, 'ann'), createUser(target, 'bob')]);
    });

    it('list on no workspace says so, exit 0', async () => {
      const result = await cli(target, 'workspaces', 'list');
      assertExit(result, 0);
      assert.match(result.stdout, /^0 workspaces$/m);
    });

    it('create <name> stores the workspace; a duplicate is refused with "already exists"', async () => {
      const result = await cli(target, 'workspaces', 'create', 'alpha');
      assertExit(result, 0);
      assert.match(result.stdout, /alpha/);
      const row = await workspaceByName(target, 'alpha');
      assert.ok(row);
      assert.match(row.id, /^[0-9a-f-]{36}$/);
      assert.ok(!Number.isNaN(Date.parse(row.inserted_at)));
      assertExit(await cli(target, 'workspaces', 'create', 'beta'), 0);

      const before = await snapshot(target);
      const duplicate = await cli(target, 'workspaces', 'create', 'alpha');
      assertFailed(duplicate, /already exists/);
      assert.match(duplicate.stderr, /alpha/);
      assert.deepEqual(await snapshot(target), before);
    });

    it('create with an invalid name: exit 1 with the rule, nothing written', async () => {
      const before = await snapshot(target);
      const names = ['Alpha', 'a b', '_x', '-', 'a.b', 'gamma\n', ''];
      const results = await Promise.all(names.map((name) => cli(target, 'workspaces', 'create', '--', name)));
      results.forEach((result, i) => {
        assert.equal(result.code, 1, `workspaces create ${JSON.stringify(names[i])}: ${result.stderr}`);
        assertFailed(result);
      });
      assert.match(results[0]!.stderr, /lowercase/);
      assert.deepEqual(await snapshot(target), before);
    });

    it('add-user adds a membership; twice is refused with "already a member"', async () => {
      const ann = (await userByName(target, 'ann'))!;
      const result = await cli(target, 'workspaces', 'add-user', 'alpha', 'ann');
      assertExit(result, 0);
      assert.match(result.stdout, /ann/);
      assert.deepEqual(await membershipNames(target, ann.id), ['alpha']);
      assertExit(await cli(target, 'workspaces', 'add-user', 'alpha', 'bob'), 0);

      const before = await snapshot(target);
      const again = await cli(target, 'workspaces', 'add-user', 'alpha', 'ann');
      assertFailed(again, /already a member/);
      assert.deepEqual(await snapshot(target), before);
    });

    it('list shows every workspace with its members', async () => {
      const result = await cli(target, 'workspaces', 'list');
      assertExit(result, 0);
      const out = lines(result.stdout);
      const alpha = out.find((l) => /^alpha\b/.test(l));
      const beta = out.find((l) => /^beta\b/.test(l));
      assert.ok(alpha && beta, result.stdout);
      assert.match(alpha, /\bann\b/);
      assert.match(alpha, /\bbob\b/);
      assert.match(alpha, /2 members/);
      assert.match(beta, /0 members/);
      assert.match(result.stdout, /^2 workspaces$/m);
    });

    it('unknown workspace or user: exit 1, nothing written', async () => {
      const before = await snapshot(target);
      const cases: Array<[string[], RegExp]> = [
        [['add-user', 'nowhere', 'ann'], /nowhere/],
        [['add-user', 'beta', 'nobody'], /nobody/],
        [['remove-user', 'nowhere', 'ann'], /nowhere/],
        [['remove-user', 'alpha', 'nobody'], /nobody/],
        [['delete', 'nowhere'], /nowhere/],
      ];
      const results = await Promise.all(cases.map(([args]) => cli(target, 'workspaces', ...args)));
      results.forEach((result, i) => {
        assertFailed(result, cases[i]![1]);
        assert.match(result.stderr, /does not exist|not found/i);
      });
      assert.deepEqual(await snapshot(target), before);
    });

    it('remove-user removes the membership; a non-member is refused', async () => {
      const ann = (await userByName(target, 'ann'))!;
      const result = await cli(target, 'workspaces', 'remove-user', 'alpha', 'ann');
      assertExit(result, 0);
      assert.deepEqual(await membershipNames(target, ann.id), []);
      assert.ok(await userByName(target, 'ann'), 'the user stays');

      const before = await snapshot(target);
      for (const args of [['alpha', 'ann'], ['beta', 'bob']]) {
        const refused = await cli(target, 'workspaces', 'remove-user', ...args);
        assertFailed(refused, /not a member/);
      }
      assert.deepEqual(await snapshot(target), before);
    });

    it('the same create or add-user twice at the same moment: one succeeds, the other is refused', async () => {
      const creates = await Promise.all([1, 2].map(() => cli(target, 'workspaces', 'create', 'contested')));
      assert.deepEqual(creates.map((r) => r.code).sort(), [0, 1], creates.map((r) => r.stdout + r.stderr).join('\n'));
      assertFailed(creates.find((r) => r.code === 1)!, /already exists/);
      const adds = await Promise.all([1, 2].map(() => cli(target, 'workspaces', 'add-user', 'contested', 'ann')));
      assert.deepEqual(adds.map((r) => r.code).sort(), [0, 1], adds.map((r) => r.stdout + r.stderr).join('\n'));
      assertFailed(adds.find((r) => r.code === 1)!, /already a member/);
      const contested = (await workspaceByName(target, 'contested'))!;
      const rows = await withDb(target, (db) => db.selectFrom('memberships').selectAll().where('workspace_id', '=', contested.id).execute());
      assert.equal(rows.length, 1);
      assertExit(await cli(target, 'workspaces', 'delete', 'contested'), 0);
    });

    it('delete removes the workspace and its memberships; users and other workspaces stay', async () => {
      const bob = (await userByName(target, 'bob'))!;
      assertExit(await cli(target, 'workspaces', 'add-user', 'beta', 'bob'), 0);
      assert.deepEqual(await membershipNames(target, bob.id), ['alpha', 'beta']);
      const alpha = (await workspaceByName(target, 'alpha'))!;

      const result = await cli(target, 'workspaces', 'delete', 'alpha');
      assertExit(result, 0);
      assert.match(result.stdout, /alpha/);
      assert.equal(await workspaceByName(target, 'alpha'), undefined);
      const left = await withDb(target, (db) => db.selectFrom('memberships').selectAll().where('workspace_id', '=', alpha.id).execute());
      assert.deepEqual(left, []);
      assert.deepEqual(await membershipNames(target, bob.id), ['beta']);
      const all = await snapshot(target);
      assert.deepEqual(all.users.map((u) => u.username).sort(), ['ann', 'bob']);
      assert.deepEqual(all.workspaces.map((w) => w.name), ['beta']);

      assertFailed(await cli(target, 'workspaces', 'delete', 'alpha'), /alpha/);
    });
  });
}

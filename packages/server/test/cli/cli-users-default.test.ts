// `argilla users create_default` (alias `create-default`): the default admin of section 4.
import assert from 'node:assert/strict';
import { verify as argon2Verify } from '@node-rs/argon2';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { backends } from '../helpers/databases.js';
import {
  assertExit,
  assertFailed,
  cli,
  createUser,
  membershipNames,
  migratedTarget,
  printedFields,
  sha256Hex,
  snapshot,
  userByName,
  workspaceByName,
} from './support.js';

for (const backend of backends()) {
  describe(`argilla users create_default (${backend.name})`, () => {
    it('creates admin argilla / 1234 / argilla.apikey in workspace argilla; a second run does nothing, exit 0', async () => {
      const target = await migratedTarget(backend);
      const result = await cli(target, 'users', 'create_default');
      assertExit(result, 0);
      const fields = printedFields(result.stdout);
      assert.equal(fields.get('first_name'), "'argilla'");
      assert.equal(fields.get('username'), "'argilla'");
      assert.equal(fields.get('role'), "'admin'");
      assert.equal(fields.get('api_key'), "'argilla.apikey'");
      assert.equal(fields.get('workspaces'), "['argilla']");

      const user = await userByName(target, 'argilla');
      assert.ok(user);
      assert.equal(user.role, 'admin');
      assert.equal(user.first_name, 'argilla');
      assert.equal(user.disabled, 0);
      assert.match(user.password_hash, /^\$argon2id\$/);
      assert.equal(await argon2Verify(user.password_hash, '1234'), true);
      assert.deepEqual(await membershipNames(target, user.id), ['argilla']);
      const all = await snapshot(target);
      assert.deepEqual(all.api_keys.map((k) => [k.user_id, k.digest]), [[user.id, sha256Hex('argilla.apikey')]]);
      assert.ok(!JSON.stringify(all).includes('argilla.apikey'), 'the default key is stored only as a digest');

      for (const name of ['create-default', 'create_default']) {
        const again = await cli(target, 'users', name);
        assertExit(again, 0);
        assert.match(again.stdout + again.stderr, /will not do anything/);
        assert.doesNotMatch(again.stdout, /successfully created/);
        assert.deepEqual(await snapshot(target), all, 'the second run wrote nothing');
      }
    });

    it('the alias create-default works on an empty database too; --password and --api-key override', async () => {
      const target = await migratedTarget(backend);
      const result = await cli(target, 'users', 'create-default', '--password', 'a-better-one', '--api-key', 'better.apikey');
      assertExit(result, 0);
      assert.equal(printedFields(result.stdout).get('api_key'), "'better.apikey'");
      const user = (await userByName(target, 'argilla'))!;
      assert.equal(await argon2Verify(user.password_hash, 'a-better-one'), true);
      assert.equal(await argon2Verify(user.password_hash, '1234'), false);
      const all = await snapshot(target);
      assert.deepEqual(all.api_keys.map((k) => k.digest), [sha256Hex('better.apikey')]);
    });

    it('ARGILLA_DEFAULT_USER_ROLE=owner makes the default user an owner; annotator is refused naming the variable', async () => {
      const target = await migratedTarget(backend);
      const refused = await runCli(['users', 'create_default'], { ...target.env, ARGILLA_DEFAULT_USER_ROLE: 'annotator' });
      assertExit(refused, 1);
      assert.match(refused.stderr, /ARGILLA_DEFAULT_USER_ROLE: must be owner or admin/);
      assert.equal(await userByName(target, 'argilla'), undefined);
      const result = await runCli(['users', 'create_default'], { ...target.env, ARGILLA_DEFAULT_USER_ROLE: 'owner' });
      assertExit(result, 0);
      assert.equal(printedFields(result.stdout).get('role'), "'owner'");
      assert.equal((await userByName(target, 'argilla'))!.role, 'owner');
    });

    it('--quiet prints nothing when it creates the user', async () => {
      const target = await migratedTarget(backend);
      const result = await cli(target, 'users', 'create_default', '--quiet');
      assertExit(result, 0);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, '');
      assert.ok(await userByName(target, 'argilla'));
    });

    it('--quiet prints nothing either when the user exists already: exit 0, nothing written', async () => {
      const target = await migratedTarget(backend);
      assertExit(await cli(target, 'users', 'create_default', '--quiet'), 0);
      const initial = await snapshot(target);
      for (const name of ['create_default', 'create-default']) {
        const again = await cli(target, 'users', name, '--quiet');
        assertExit(again, 0);
        assert.equal(again.stdout, '', name);
        assert.equal(again.stderr, '', name);
      }
      assert.deepEqual(await snapshot(target), initial);
    });

    it('--quiet prints nothing when another user holds the default API key: exit 0, nothing written', async () => {
      const target = await migratedTarget(backend);
      await createUser(target, 'squatter', { extra: ['--api-key', 'argilla.apikey'] });
      const initial = await snapshot(target);
      const result = await cli(target, 'users', 'create_default', '--quiet');
      assertExit(result, 0);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, '');
      assert.deepEqual(await snapshot(target), initial);
    });

    it('--quiet still reports an error, on stderr, with a non-zero exit', async () => {
      const target = await migratedTarget(backend);
      const result = await cli(target, 'users', 'create_default', '--quiet', '--api-key', 'short');
      assertFailed(result, /--api-key/);
      assert.equal(result.stdout, '');
      assert.notEqual(result.stderr, '');
    });

    it('ARGILLA_DEFAULT_USER_PASSWORD and ARGILLA_DEFAULT_USER_API_KEY override the defaults', async () => {
      const target = await migratedTarget(backend);
      const result = await runCli(['users', 'create_default'], {
        ...target.env,
        ARGILLA_DEFAULT_USER_PASSWORD: 'from-the-env',
        ARGILLA_DEFAULT_USER_API_KEY: 'env.apikey.value',
      });
      assertExit(result, 0);
      const user = (await userByName(target, 'argilla'))!;
      assert.equal(await argon2Verify(user.password_hash, 'from-the-env'), true);
      const all = await snapshot(target);
      assert.deepEqual(all.api_keys.map((k) => k.digest), [sha256Hex('env.apikey.value')]);
    });

    it('reuses an existing workspace argilla', async () => {
      const target = await migratedTarget(backend);
      assertExit(await cli(target, 'workspaces', 'create', 'argilla'), 0);
      const workspace = (await workspaceByName(target, 'argilla'))!;
      assertExit(await cli(target, 'users', 'create_default', '--quiet'), 0);
      const all = await snapshot(target);
      assert.equal(all.workspaces.length, 1);
      assert.deepEqual(all.memberships.map((m) => m.workspace_id), [workspace.id]);
    });

    it('an --api-key shorter than 8 characters: exit 1 naming --api-key, nothing written', async () => {
      const target = await migratedTarget(backend);
      const result = await cli(target, 'users', 'create_default', '--api-key', 'short');
      assertFailed(result, /--api-key/);
      const all = await snapshot(target);
      assert.deepEqual([all.users, all.workspaces, all.api_keys], [[], [], []]);
    });

    it('when another user holds the default API key: says it will not do anything, exit 0, nothing written', async () => {
      const target = await migratedTarget(backend);
      await createUser(target, 'squatter', { extra: ['--api-key', 'argilla.apikey'] });
      const initial = await snapshot(target);
      const result = await cli(target, 'users', 'create_default');
      assertExit(result, 0);
      assert.match(result.stdout + result.stderr, /will not do anything/);
      assert.equal(await userByName(target, 'argilla'), undefined);
      assert.deepEqual(await snapshot(target), initial);
    });
  });
}

// What the users-file suites share: a freshly migrated database (through the command line), a
// users file written to a temporary folder, and the state of the database after an import.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/connect.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir, type TestBackend } from '../helpers/databases.js';

/** A new database migrated by `argilla database migrate`, with the environment that names it. */
export async function migrated(backend: TestBackend) {
  const fresh = await backend.fresh();
  const env = cliEnv(fresh.url, fresh.home);
  const result = await runCli(['database', 'migrate'], env);
  assert.equal(result.code, 0, result.stderr);
  return { ...fresh, env };
}

/** Users (in creation order, and by username), workspace names, API keys, and each user's workspaces by membership time. */
export async function inspect(target: Parameters<typeof openDatabase>[0]) {
  const database = await openDatabase(target);
  try {
    const users = await database.db.selectFrom('users').selectAll().orderBy('inserted_at').execute();
    const workspaces = (await database.db.selectFrom('workspaces').select('name').orderBy('inserted_at').execute()).map((w) => w.name);
    const memberships = await database.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
      .select(['users.username as username', 'workspaces.name as name'])
      .orderBy('memberships.inserted_at')
      .execute();
    const workspacesOf = (username: string) => memberships.filter((m) => m.username === username).map((m) => m.name);
    const keys = await database.db.selectFrom('api_keys').selectAll().execute();
    return { users, workspaces, workspacesOf, keys, byName: new Map(users.map((u) => [u.username, u])) };
  } finally {
    await database.close();
  }
}

/** A users file holding `text`, in a new temporary folder. */
export function fileWith(text: string): string {
  const path = join(tempDir(), 'users.yml');
  writeFileSync(path, text);
  return path;
}

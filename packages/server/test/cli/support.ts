// Shared helpers for the command-line tests: a target database, running `argilla` against it,
// reading what the database holds, and parsing what the CLI printed.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parseDatabaseUrl } from '../../src/config.js';
import { openDatabase } from '../../src/db/connect.js';
import type { Tables } from '../../src/db/schema.js';
import { cliEnv, runCli, type CliResult } from '../helpers/cli.js';
import { freshDatabase, type TestBackend } from '../helpers/databases.js';

export interface Target {
  url: string;
  home: string;
  env: Record<string, string>;
}

/** A fresh database with no schema at all (nothing migrated). */
export async function emptyTarget(backend: TestBackend): Promise<Target> {
  const { url, home } = await backend.fresh();
  return { url, home, env: cliEnv(url, home) };
}

/** A fresh database with the newest schema. */
export async function migratedTarget(backend: TestBackend): Promise<Target> {
  const database = await freshDatabase(backend);
  await database.close();
  return { url: database.url, home: database.home, env: cliEnv(database.url, database.home) };
}

/** Runs `argilla <args>` against the target (stdin is an empty pipe: no terminal). */
export function cli(target: Target, ...args: string[]): Promise<CliResult> {
  return runCli(args, target.env);
}

/** Opens the target's database for the length of `work`, then closes it. */
export async function withDb<T>(target: Target, work: (db: Kysely<Tables>) => Promise<T>): Promise<T> {
  const database = await openDatabase(parseDatabaseUrl(target.url));
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

export interface Snapshot {
  users: Tables['users'][];
  workspaces: Tables['workspaces'][];
  memberships: Tables['memberships'][];
  api_keys: Tables['api_keys'][];
  login_sessions: Tables['login_sessions'][];
}

/** Every row of every table, in a stable order: compare two to prove nothing was written. */
export function snapshot(target: Target): Promise<Snapshot> {
  return withDb(target, async (db) => ({
    users: await db.selectFrom('users').selectAll().orderBy('id').execute(),
    workspaces: await db.selectFrom('workspaces').selectAll().orderBy('id').execute(),
    memberships: await db.selectFrom('memberships').selectAll().orderBy('id').execute(),
    api_keys: await db.selectFrom('api_keys').selectAll().orderBy('id').execute(),
    login_sessions: await db.selectFrom('login_sessions').selectAll().orderBy('id').execute(),
  }));
}

export function userByName(target: Target, username: string) {
  return withDb(target, (db) => db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst());
}

export function workspaceByName(target: Target, name: string) {
  return withDb(target, (db) => db.selectFrom('workspaces').selectAll().where('name', '=', name).executeTakeFirst());
}

/** Names of the workspaces the user is a member of, sorted. */
export function membershipNames(target: Target, userId: string): Promise<string[]> {
  return withDb(target, async (db) => {
    const rows = await db
      .selectFrom('memberships')
      .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
      .select('workspaces.name as name')
      .where('memberships.user_id', '=', userId)
      .execute();
    return rows.map((r) => r.name).sort();
  });
}

/** Inserts a login session for the user by hand; returns its id. */
export function insertSession(target: Target, userId: string): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  return withDb(target, async (db) => {
    await db
      .insertInto('login_sessions')
      .values({
        id,
        user_id: userId,
        token_digest: randomBytes(32).toString('hex'),
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + 3_600_000).toISOString(),
      })
      .execute();
    return id;
  });
}

export function sessionIdsOf(target: Target, userId: string): Promise<string[]> {
  return withDb(target, async (db) =>
    (await db.selectFrom('login_sessions').select('id').where('user_id', '=', userId).execute()).map((r) => r.id),
  );
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

function describeResult(result: CliResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

export function assertExit(result: CliResult, code: number): void {
  assert.equal(result.code, code, `expected exit ${code}, got ${describeResult(result)}`);
}

/** Exit 1, stderr made of `Error: ...` lines only, no stack trace, nothing claiming success. */
export function assertFailed(result: CliResult, pattern?: RegExp): void {
  assertExit(result, 1);
  const errLines = lines(result.stderr);
  assert.ok(errLines.length >= 1, `expected an error message, got ${describeResult(result)}`);
  for (const line of errLines) assert.match(line, /^Error: /, `stderr line not an error line: ${describeResult(result)}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'stack trace on stderr');
  assert.doesNotMatch(result.stdout, /successfully/i, 'claims success on failure');
  if (pattern) assert.match(result.stderr, pattern, describeResult(result));
}

/** Exit 1 with exactly one stderr line, starting with `Error:`, no stack trace, nothing on stdout. */
export function assertOneErrorLine(result: CliResult, pattern?: RegExp): void {
  assertFailed(result, pattern);
  assert.equal(lines(result.stderr).length, 1, `expected one stderr line, got ${describeResult(result)}`);
  assert.equal(result.stdout.trim(), '', `expected nothing on stdout, got ${describeResult(result)}`);
}

/** Exit 2 (usage error), a message on stderr, no stack trace. */
export function assertUsageError(result: CliResult, pattern?: RegExp): void {
  assertExit(result, 2);
  assert.notEqual(result.stderr.trim(), '', `expected a message on stderr, got ${describeResult(result)}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'stack trace on stderr');
  assert.doesNotMatch(result.stdout, /successfully/i);
  if (pattern) assert.match(result.stderr, pattern, describeResult(result));
}

/** The `• field: value` lines of a printed user, value as printed (quotes included). */
export function printedFields(stdout: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^• ([a-z_]+): (.*)$/.exec(line);
    if (match) fields.set(match[1]!, match[2]!);
  }
  return fields;
}

/** The API key a `users create` printed, without quotes. */
export function printedApiKey(stdout: string): string {
  const match = /^• api_key: '([^']+)'\r?$/m.exec(stdout);
  assert.ok(match, `no api_key line in:\n${stdout}`);
  return match[1]!;
}

/** Creates a user through the CLI (asserting success) and returns the printed API key. */
export async function createUser(
  target: Target,
  username: string,
  options: { role?: string; password?: string; firstName?: string; workspaces?: string[]; extra?: string[] } = {},
): Promise<string> {
  const args = [
    'users',
    'create',
    '--username',
    username,
    '--first-name',
    options.firstName ?? `First ${username}`,
    '--password',
    options.password ?? 'password-123',
    '--role',
    options.role ?? 'annotator',
    ...(options.workspaces ?? []).flatMap((w) => ['--workspace', w]),
    ...(options.extra ?? []),
  ];
  const result = await cli(target, ...args);
  assertExit(result, 0);
  assert.match(result.stdout, /^User successfully created:/m);
  return printedApiKey(result.stdout);
}

// `users migrate` and `users export`: the YAML users file of the original guide, read with the
// position and line of every entry (so an error says which one to fix), and written back out.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Database } from '../db/connect.js';
import { passwordHashesById } from '../db/repos/users.js';
import { ImportError, importUsers, type UserEntry } from '../domain/importUsers.js';
import { SYSTEM } from '../domain/policies.js';
import { eachUser } from '../domain/users.js';
import { TaskError, type Io } from './io.js';
import { yamlListItems } from './usersFileYaml.js';

const TEXT_FIELDS = ['username', 'full_name', 'email', 'api_key', 'hashed_password', 'role'] as const;

/**
 * Parses the file's text into type-checked entries; throws an ImportError naming the entry (or the
 * line, for what is wrong with the YAML itself). The YAML is read an entry at a time
 * (usersFileYaml.ts), so only the entries are kept in memory, not the file's syntax tree.
 */
export function parseUsersFile(text: string): UserEntry[] {
  const entries: UserEntry[] = [];
  for (const { value, isMapping, line } of yamlListItems(text)) {
    const position = entries.length + 1;
    const where = { position, line, username: '' };
    if (!isMapping) throw new ImportError(where, 'must be a mapping of fields (username, full_name, ...)');
    const raw = value as Record<string, unknown>;
    const field = (name: string): unknown => (Object.hasOwn(raw, name) ? raw[name] : undefined);
    const entry: UserEntry = { position, line, username: '' };
    for (const name of TEXT_FIELDS) {
      const given = field(name);
      if (given === undefined || given === null) continue;
      if (typeof given !== 'string') throw new ImportError({ ...where, username: String(field('username') ?? '') }, `${name}: must be text`);
      entry[name] = given;
    }
    where.username = entry.username;
    if (!entry.username) throw new ImportError(where, 'username: required');
    if (Object.hasOwn(raw, 'workspaces')) {
      const given = raw.workspaces;
      if (!Array.isArray(given)) {
        throw new ImportError(where, 'workspaces: must be a list of workspace names (leave the key out for an admin, [] for none)');
      }
      given.forEach((name, i) => {
        if (typeof name !== 'string') throw new ImportError(where, `workspaces[${i}]: must be a workspace name`);
      });
      // A copy: an alias shares its anchor's list with other entries.
      entry.workspaces = [...(given as string[])];
    }
    const disabled = field('disabled');
    if (disabled !== undefined && disabled !== null) {
      if (typeof disabled !== 'boolean') throw new ImportError(where, 'disabled: must be true or false');
      entry.disabled = disabled;
    }
    entries.push(entry);
  }
  return entries;
}

export interface MigrateOptions {
  file: string;
  dryRun?: boolean;
  update?: boolean;
}

export async function migrateUsersTask(database: Database, options: MigrateOptions, io: Io): Promise<void> {
  const path = resolve(options.file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new TaskError(`Cannot read the users file '${path}': ${code === 'ENOENT' ? 'no such file' : code ?? String(error)}.`);
  }
  const entries = parseUsersFile(text);
  io.out(`Starting users migration process using file '${path}'`);
  if (options.dryRun) io.out('Dry run: nothing will be written.');
  const plan = await importUsers(database, SYSTEM, entries, { update: options.update, dryRun: options.dryRun, source: path });
  const verb = options.dryRun
    ? { create: 'Would create', update: 'Would update', skip: 'Would skip' }
    : { create: 'Migrating', update: 'Updating', skip: 'Skipping' };
  for (const user of plan.users) {
    let line = `${verb[user.action]} User with username '${user.username}'`;
    if (user.action === 'skip') line += ': it already exists with the same data';
    if (user.action === 'update') line += ` (${user.changes!.join(', ')})`;
    if (options.dryRun && user.action !== 'skip') line += ` as ${user.role} in workspaces ${user.workspaces.join(', ')}`;
    io.out(line);
    if (user.generatedApiKey && !options.dryRun) io.out(`  no api_key in the file: generated '${user.generatedApiKey}'`);
  }
  if (plan.workspacesToCreate.length > 0) {
    io.out(`${options.dryRun ? 'Would create' : 'Created'} workspaces: ${plan.workspacesToCreate.join(', ')}`);
  }
  const count = (action: string) => plan.users.filter((u) => u.action === action).length;
  io.out(`${count('create')} to create, ${count('update')} to update, ${count('skip')} skipped.`);
  io.out(options.dryRun ? 'Dry run finished: nothing was written.' : 'Users migration process successfully finished');
}

export interface ExportOptions {
  file?: string;
  withPasswordHashes?: boolean;
}

/** Writes every user in the users-file format (role explicit; API keys cannot be: only digests are kept). */
export async function exportUsersTask(database: Database, options: ExportOptions, io: Io): Promise<void> {
  const entries: Array<Record<string, unknown>> = [];
  const hashes = options.withPasswordHashes
    ? await passwordHashesById(database.db)
    : undefined;
  for await (const user of eachUser(database, SYSTEM)) {
    const entry: Record<string, unknown> = {
      username: user.username,
      full_name: user.last_name ? `${user.first_name} ${user.last_name}` : user.first_name,
    };
    if (user.email) entry.email = user.email;
    if (hashes) entry.hashed_password = hashes.get(user.id);
    entry.role = user.role;
    entry.workspaces = user.workspaces;
    entry.disabled = user.disabled;
    entries.push(entry);
  }
  const header = [
    '# Users exported by `argilla users export`.',
    '# API keys are stored only as digests and cannot be exported: `argilla users migrate` generates new ones.',
    options.withPasswordHashes ? '# Contains password hashes: keep this file secret.' : '# Without password hashes: add hashed_password to each entry before importing.',
  ].join('\n');
  const text = `${header}\n${entries.length ? stringify(entries) : '[]\n'}`;
  if (!options.file) {
    process.stdout.write(text);
    return;
  }
  const path = resolve(options.file);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
  io.out(`Exported ${entries.length} user${entries.length === 1 ? '' : 's'} to '${path}'.`);
}

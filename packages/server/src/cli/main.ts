// The `argilla` command line. Parses options, then hands over to a task; every failure becomes one
// clear line and an exit code: 0 done or skipped, 1 error (nothing written), 2 usage error.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { DatabaseUnavailableError } from '../db/connect.js';
import { MigrationError } from '../db/migrate.js';
import { isDomainError, type DomainError } from '../domain/errors.js';
import { ROLES } from '../domain/policies.js';
import type { NewUser, UserChanges } from '../domain/users.js';
import { migrateTask, revisionsTask } from '../tasks/database.js';
import { consoleIo, TaskError, withDatabase } from '../tasks/io.js';
import { createKeyTask, listAuditTask, listKeysTask, revokeKeyTask } from '../tasks/credentials.js';
import { deleteDatasetTask, listDatasetsTask } from '../tasks/datasets.js';
import { createDefaultUserTask, createUserTask, deleteUserTask, listUsersTask, updateUserTask } from '../tasks/users.js';
import {
  addUserToWorkspaceTask,
  createWorkspaceTask,
  deleteWorkspaceTask,
  listWorkspacesTask,
  removeUserFromWorkspaceTask,
} from '../tasks/workspaces.js';
import { ask, askNewPassword, canPrompt, PromptAborted } from './prompt.js';
import { registerServerCommands } from './server.js';
import { VERSION } from '../version.js';

// The users-file tasks bring a YAML parser that no other command needs (the server included).
const usersFileTasks = () => import('../tasks/usersFile.js');

/** Input field names as the command line spells them. */
const OPTION_OF_FIELD: Record<string, string> = {
  username: '--username',
  first_name: '--first-name',
  last_name: '--last-name',
  email: '--email',
  password: '--password',
  role: '--role',
  api_key: '--api-key',
  workspaces: '--workspace',
  name: '<name>',
  expires_at: '--expires-at',
  since: '--since',
  until: '--until',
  cursor: '--cursor',
};

function optionName(field: string): string {
  const [head] = field.split('/');
  return OPTION_OF_FIELD[head!] ?? field;
}

function describeDomainError(error: DomainError): string[] {
  if (error.kind === 'validation' && error.errors.length > 0) {
    return error.errors.map((e) => {
      const index = e.field.includes('/') ? ` (value ${Number(e.field.split('/')[1]) + 1})` : '';
      return `${optionName(e.field)}${index}: ${e.message}`;
    });
  }
  return [error.message];
}

function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (isDomainError(error)) {
    for (const line of describeDomainError(error)) consoleIo.err(`Error: ${line}`);
    return 1;
  }
  if (error instanceof TaskError) {
    consoleIo.err(`Error: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError || error instanceof MigrationError) {
    consoleIo.err(`Error: ${error.message}`);
    return 1;
  }
  if (error instanceof PromptAborted) {
    consoleIo.err(`Error: ${error.message}; nothing was written.`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  consoleIo.err(`Error: unexpected failure: ${message.split('\n')[0]}`);
  if (process.env.ARGILLA_DEBUG) console.error(error);
  return 1;
}

let exitCode = 0;

/** Runs a command's work with the configuration loaded, turning failures into an exit code. */
function action<A extends unknown[]>(work: (config: Config, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await work(loadConfig(), ...args);
    } catch (error) {
      exitCode = report(error);
    }
  };
}

function parseRole(value: string): string {
  const role = value.toLowerCase();
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}.`);
  }
  return role;
}

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) throw new InvalidArgumentError('must be a number from 1 to 1000.');
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A required value: the option if given, else a question at the terminal, else a usage error. */
async function required(value: string | undefined, option: string, question: string, hidden = false): Promise<string> {
  if (value !== undefined) return value;
  if (!canPrompt()) throw new TaskError(`${option} is required (there is no terminal to ask for it)`, 2);
  return hidden ? askNewPassword(question) : ask(question);
}

function buildProgram(): Command {
  const program = new Command('argilla')
    .description('Manage users, workspaces and the database of the annotation server.')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    });

  const database = program.command('database').description('Database schema tasks.');
  database
    .command('migrate')
    .description('Bring the database schema to the newest version.')
    .action(action((config) => withDatabase(config, (db) => migrateTask(db, consoleIo), { requireSchema: false })));
  database
    .command('revisions')
    .description('List the schema revisions, marking the one applied.')
    .action(action((config) => withDatabase(config, (db) => revisionsTask(db, consoleIo), { requireSchema: false })));

  const users = program.command('users').description('User tasks.');
  users
    .command('create')
    .description('Create a user (prompts for missing values in a terminal).')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name (optional)')
    .option('--username <username>', 'lowercase, no spaces; letters, numbers, dashes and underscores')
    .option('--email <email>', 'email address (optional)')
    .addOption(new Option('--role <role>', `role: ${ROLES.join(' or ')}, any case`).argParser(parseRole).default('annotator'))
    .option('--password <password>', 'password, at least 8 characters')
    .option('--api-key <key>', 'API key, at least 8 characters (default: a secure random key)')
    .option('--workspace <name>', 'workspace to join, created if missing (repeatable)', collect, [])
    .action(
      action(async (config, options: Record<string, any>) => {
        const input: NewUser = {
          first_name: await required(options.firstName, '--first-name', 'First name'),
          last_name: options.lastName,
          username: await required(options.username, '--username', 'Username'),
          email: options.email,
          role: options.role,
          password: await required(options.password, '--password', 'Password', true),
          api_key: options.apiKey,
          workspaces: options.workspace,
        };
        await withDatabase(config, (db) => createUserTask(db, input, consoleIo));
      }),
    );

  users
    .command('create_default')
    .alias('create-default')
    .description("Create the default admin 'argilla' with workspace 'argilla' (does nothing if it exists).")
    .option('--password <password>', 'password (default: 1234)')
    .option('--api-key <key>', 'API key (default: argilla.apikey)')
    .option('--quiet', 'print nothing when created')
    .action(
      action((config, options: { password?: string; apiKey?: string; quiet?: boolean }) =>
        withDatabase(config, (db) =>
          createDefaultUserTask(
            db,
            {
              password: options.password ?? config.defaultUser.password,
              apiKey: options.apiKey ?? config.defaultUser.apiKey,
              quiet: options.quiet,
            },
            consoleIo,
          ),
        ),
      ),
    );

  users
    .command('migrate')
    .description('Create users from a YAML users file (all or nothing).')
    .option('--file <path>', 'the users file (default: ARGILLA_LOCAL_AUTH_USERS_DB_FILE, else .users.yml)')
    .option('--dry-run', 'print what would be created, updated and skipped, and write nothing')
    .option('--update', 'overwrite users that exist with different data (names, email, role, disabled, password, key; workspaces are added)')
    .action(
      action((config, options: { file?: string; dryRun?: boolean; update?: boolean }) =>
        withDatabase(config, (db) =>
          usersFileTasks().then(({ migrateUsersTask }) =>
            migrateUsersTask(db, { file: options.file ?? config.usersDbFile, dryRun: options.dryRun, update: options.update }, consoleIo),
          ),
        ),
      ),
    );

  users
    .command('export')
    .description('Write every user in the users-file format (to standard output unless --file).')
    .option('--file <path>', 'write to this file instead of standard output')
    .option('--with-password-hashes', 'include password hashes, so that the file can be imported elsewhere')
    .action(
      action((config, options: { file?: string; withPasswordHashes?: boolean }) =>
        withDatabase(config, (db) => usersFileTasks().then(({ exportUsersTask }) => exportUsersTask(db, options, consoleIo))),
      ),
    );

  users
    .command('list')
    .description('List users in creation order.')
    .addOption(new Option('--role <role>', 'only users with this role').argParser(parseRole))
    .option('--workspace <name>', 'only members of this workspace')
    .option('--search <text>', 'only users whose username, names or email contain the text')
    .option('--json', 'print JSON instead of a table')
    .action(
      action((config, options: { role?: string; workspace?: string; search?: string; json?: boolean }) =>
        withDatabase(config, (db) =>
          listUsersTask(db, { role: options.role, workspace: options.workspace, q: options.search, json: options.json }, consoleIo),
        ),
      ),
    );

  users
    .command('delete')
    .description('Delete a user (its memberships, keys and sessions go with it).')
    .argument('<username>', 'the user to delete')
    .action(action((config, username: string) => withDatabase(config, (db) => deleteUserTask(db, username, consoleIo))));

  users
    .command('update')
    .description("Change a user's names, email, role, password or disabled state.")
    .argument('<username>', 'the user to change')
    .option('--first-name <name>', 'new first name')
    .option('--last-name <name>', 'new last name ("" to clear it)')
    .option('--email <email>', 'new email ("" to clear it)')
    .addOption(new Option('--role <role>', `new role: ${ROLES.join(' or ')}`).argParser(parseRole))
    .option('--password <password>', 'new password, at least 8 characters (ends its login sessions)')
    .addOption(new Option('--disable', 'disable the user: it can no longer log in or use its keys').conflicts('enable'))
    .option('--enable', 'enable a disabled user')
    .action(
      action(async (config, username: string, options: Record<string, any>) => {
        const changes: UserChanges = {};
        if (options.firstName !== undefined) changes.first_name = options.firstName;
        if (options.lastName !== undefined) changes.last_name = options.lastName === '' ? null : options.lastName;
        if (options.email !== undefined) changes.email = options.email === '' ? null : options.email;
        if (options.role !== undefined) changes.role = options.role;
        if (options.password !== undefined) changes.password = options.password;
        if (options.disable) changes.disabled = true;
        if (options.enable) changes.disabled = false;
        await withDatabase(config, (db) => updateUserTask(db, username, changes, consoleIo));
      }),
    );

  const keys = users.command('api-keys').description("A user's API keys.");
  keys
    .command('list')
    .description('List the API keys of a user (revoked ones are not listed).')
    .argument('<username>', 'the user')
    .action(action((config, username: string) => withDatabase(config, (db) => listKeysTask(db, username, consoleIo))));
  keys
    .command('create')
    .description('Create an API key for a user; the key is printed once.')
    .argument('<username>', 'the user')
    .option('--name <name>', 'a name to recognise the key by', 'cli')
    .option('--expires-at <time>', 'ISO-8601 time after which the key stops working')
    .action(
      action((config, username: string, options: { name: string; expiresAt?: string }) =>
        withDatabase(config, (db) => createKeyTask(db, username, options, consoleIo)),
      ),
    );
  keys
    .command('revoke')
    .description('Revoke an API key of a user: it stops working at once.')
    .argument('<username>', 'the user')
    .argument('<key-id>', 'the key id (see `users api-keys list`)')
    .action(
      action((config, username: string, keyId: string) => withDatabase(config, (db) => revokeKeyTask(db, username, keyId, consoleIo))),
    );

  const datasets = program.command('datasets').description('Dataset tasks.');
  datasets
    .command('list')
    .description('List datasets with their record and annotation counts.')
    .option('--workspace <name>', 'only this workspace')
    .action(action((config, options: { workspace?: string }) => withDatabase(config, (db) => listDatasetsTask(db, options.workspace, consoleIo))));
  datasets
    .command('delete')
    .description('Delete a dataset with its records and annotations.')
    .argument('<name>', 'the dataset')
    .requiredOption('--workspace <name>', 'its workspace')
    .action(
      action((config, name: string, options: { workspace: string }) =>
        withDatabase(config, (db) => deleteDatasetTask(db, options.workspace, name, consoleIo)),
      ),
    );

  const audit = program.command('audit').description('The audit log of security events.');
  audit
    .command('list')
    .description('List security events, newest first.')
    .option('--actor <id-or-username>', 'only events by this actor')
    .option('--target <id>', 'only events about this user, key or workspace id')
    .option('--type <type>', 'an event type (user.created) or a prefix (user)')
    .option('--since <time>', 'ISO-8601 time, inclusive')
    .option('--until <time>', 'ISO-8601 time, exclusive')
    .option('--limit <n>', 'at most this many events (default 100, at most 1000)', parseLimit)
    .option('--cursor <cursor>', 'continue where a previous listing stopped')
    .option('--json', 'print JSON')
    .action(
      action((config, options: Record<string, any>) => withDatabase(config, (db) => listAuditTask(db, options, consoleIo))),
    );

  const workspaces = program.command('workspaces').description('Workspace tasks.');
  workspaces
    .command('list')
    .description('List workspaces and their members.')
    .action(action((config) => withDatabase(config, (db) => listWorkspacesTask(db, consoleIo))));
  workspaces
    .command('create')
    .description('Create a workspace.')
    .argument('<name>', 'lowercase letters, digits, dashes and underscores')
    .action(action((config, name: string) => withDatabase(config, (db) => createWorkspaceTask(db, name, consoleIo))));
  workspaces
    .command('delete')
    .description('Delete a workspace (its memberships go with it).')
    .argument('<name>', 'the workspace')
    .action(action((config, name: string) => withDatabase(config, (db) => deleteWorkspaceTask(db, name, consoleIo))));
  workspaces
    .command('add-user')
    .description('Add a user to a workspace.')
    .argument('<name>', 'the workspace')
    .argument('<username>', 'the user')
    .action(
      action((config, name: string, username: string) =>
        withDatabase(config, (db) => addUserToWorkspaceTask(db, name, username, consoleIo)),
      ),
    );
  workspaces
    .command('remove-user')
    .description('Remove a user from a workspace.')
    .argument('<name>', 'the workspace')
    .argument('<username>', 'the user')
    .action(
      action((config, name: string, username: string) =>
        withDatabase(config, (db) => removeUserFromWorkspaceTask(db, name, username, consoleIo)),
      ),
    );

  registerServerCommands(program, action);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Commander has printed its message; help and version are successes, everything else a usage error.
    if (error instanceof CommanderError) {
      const ok = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
      exitCode = ok ? 0 : 2;
    } else {
      exitCode = report(error);
    }
  }
  process.exitCode = exitCode;
}

// `argilla users ...`: creating, listing, changing and deleting users. The users-file commands
// and the `api-keys` subgroup live in their own modules and are added here, in help order.
import { Option, type Command } from 'commander';
import { DEFAULT_ROLE, ROLES } from '../domain/policies.js';
import type { NewUser, UserChanges } from '../domain/users.js';
import { consoleIo, TaskError, withDatabase } from '../tasks/io.js';
import { createDefaultUserTask, createUserTask, deleteUserTask, listUsersTask, unlockUserTask, updateUserTask } from '../tasks/users.js';
import { registerApiKeyCommands } from './apiKeys.js';
import { ask, askNewPassword, canPrompt } from './prompt.js';
import { onDatabase, roleOption, type ActionFactory } from './shared.js';
import { registerUsersFileCommands } from './usersFile.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A required value: the option if given, else a question at the terminal, else a usage error. */
async function required(value: string | undefined, option: string, question: string, hidden = false): Promise<string> {
  if (value !== undefined) return value;
  if (!canPrompt()) throw new TaskError(`${option} is required (there is no terminal to ask for it)`, 2);
  return hidden ? askNewPassword(question) : ask(question);
}

export function registerUserCommands(program: Command, action: ActionFactory): void {
  const users = program.command('users').description('User tasks.');
  users
    .command('create')
    .description('Create a user (prompts for missing values in a terminal).')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name (optional)')
    .option('--username <username>', 'lowercase, no spaces; letters, numbers, dashes and underscores')
    .option('--email <email>', 'email address (optional)')
    .addOption(roleOption(`role: ${ROLES.join(' or ')}, any case`).default(DEFAULT_ROLE))
    .option('--password <password>', 'password, at least 8 characters')
    .option('--api-key <key>', 'API key, at least 8 characters (default: a secure random key)')
    .option('--workspace <name>', 'workspace to join, created if missing (repeatable)', collect, [])
    .action(
      // The questions come before the database opens: no connection waits on a person typing.
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
    .description("Create the default user 'argilla' (role admin, or ARGILLA_DEFAULT_USER_ROLE) with workspace 'argilla' (does nothing if it exists).")
    .option('--password <password>', 'password (default: 1234)')
    .option('--api-key <key>', 'API key (default: argilla.apikey)')
    .option('--quiet', 'print nothing, whether the user is created or exists already (errors are still printed)')
    .action(
      action((config, options: { password?: string; apiKey?: string; quiet?: boolean }) => {
        const password = options.password ?? config.defaultUser.password;
        const apiKey = options.apiKey ?? config.defaultUser.apiKey;
        const role = config.defaultUser.role;
        return withDatabase(config, (db) => createDefaultUserTask(db, { password, apiKey, role, quiet: options.quiet }, consoleIo));
      }),
    );

  registerUsersFileCommands(users, action);

  users
    .command('list')
    .description('List users in creation order.')
    .addOption(roleOption('only users with this role'))
    .option('--workspace <name>', 'only members of this workspace')
    .option('--search <text>', 'only users whose username, names or email contain the text')
    .option('--json', 'print JSON instead of a table')
    .action(
      action(
        onDatabase((db, options: { role?: string; workspace?: string; search?: string; json?: boolean }) =>
          listUsersTask(db, { role: options.role, workspace: options.workspace, q: options.search, json: options.json }, consoleIo),
        ),
      ),
    );

  users
    .command('delete')
    .description('Delete a user (its memberships, keys and sessions go with it).')
    .argument('<username>', 'the user to delete')
    .action(action(onDatabase((db, username: string) => deleteUserTask(db, username, consoleIo))));

  users
    .command('update')
    .description("Change a user's names, email, role, password or disabled state.")
    .argument('<username>', 'the user to change')
    .option('--first-name <name>', 'new first name')
    .option('--last-name <name>', 'new last name ("" to clear it)')
    .option('--email <email>', 'new email ("" to clear it)')
    .addOption(roleOption(`new role: ${ROLES.join(' or ')}`))
    .option('--password <password>', 'new password, at least 8 characters (ends its login sessions)')
    .addOption(new Option('--disable', 'disable the user: it can no longer log in or use its keys').conflicts('enable'))
    .option('--enable', 'enable a disabled user')
    .action(action(onDatabase((db, username: string, options: Record<string, any>) => updateUserTask(db, username, changesOf(options), consoleIo))));

  users
    .command('unlock')
    .description("Lift a user's login locks: forgets its failed logins from every address.")
    .argument('<username>', 'the user to unlock')
    .action(action(onDatabase((db, username: string) => unlockUserTask(db, username, consoleIo))));

  registerApiKeyCommands(users, action);
}

/** The options of `users update` as changes; an empty string clears an optional field. */
function changesOf(options: Record<string, any>): UserChanges {
  const changes: UserChanges = {};
  if (options.firstName !== undefined) changes.first_name = options.firstName;
  if (options.lastName !== undefined) changes.last_name = options.lastName === '' ? null : options.lastName;
  if (options.email !== undefined) changes.email = options.email === '' ? null : options.email;
  if (options.role !== undefined) changes.role = options.role;
  if (options.password !== undefined) changes.password = options.password;
  if (options.disable) changes.disabled = true;
  if (options.enable) changes.disabled = false;
  return changes;
}

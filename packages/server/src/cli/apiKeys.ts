// `argilla users api-keys ...`: a user's API keys. A subgroup of `users`, registered by users.ts.
import type { Command } from 'commander';
import { createKeyTask, listKeysTask, revokeKeyTask } from '../tasks/credentials.js';
import { consoleIo } from '../tasks/io.js';
import { onDatabase, type ActionFactory } from './shared.js';

export function registerApiKeyCommands(users: Command, action: ActionFactory): void {
  const keys = users.command('api-keys').description("A user's API keys.");
  keys
    .command('list')
    .description('List the API keys of a user (revoked ones are not listed).')
    .argument('<username>', 'the user')
    .action(action(onDatabase((db, username: string) => listKeysTask(db, username, consoleIo))));
  keys
    .command('create')
    .description('Create an API key for a user; the key is printed once.')
    .argument('<username>', 'the user')
    .option('--name <name>', 'a name to recognise the key by', 'cli')
    .option('--expires-at <time>', 'ISO-8601 time after which the key stops working')
    .action(action(onDatabase((db, username: string, options: { name: string; expiresAt?: string }) => createKeyTask(db, username, options, consoleIo))));
  keys
    .command('revoke')
    .description('Revoke an API key of a user: it stops working at once.')
    .argument('<username>', 'the user')
    .argument('<key-id>', 'the key id (see `users api-keys list`)')
    .action(action(onDatabase((db, username: string, keyId: string) => revokeKeyTask(db, username, keyId, consoleIo))));
}

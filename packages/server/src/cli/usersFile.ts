// `argilla users migrate` and `users export`: users to and from the YAML users file.
import type { Command } from 'commander';
import { consoleIo, withDatabase } from '../tasks/io.js';
import { onDatabase, type ActionFactory } from './shared.js';

// Imported when one of these commands runs: the tasks bring a YAML parser that no other command
// needs (the server included).
const usersFileTasks = () => import('../tasks/usersFile.js');

export function registerUsersFileCommands(users: Command, action: ActionFactory): void {
  users
    .command('migrate')
    .description('Create users from a YAML users file (all or nothing).')
    .option('--file <path>', 'the users file (default: ARGILLA_LOCAL_AUTH_USERS_DB_FILE, else .users.yml)')
    .option('--dry-run', 'print what would be created, updated and skipped, and write nothing')
    .option('--update', 'overwrite users that exist with different data (names, email, role, disabled, password, key; workspaces are added)')
    .action(
      action((config, options: { file?: string; dryRun?: boolean; update?: boolean }) =>
        withDatabase(config, async (db) => {
          const { migrateUsersTask } = await usersFileTasks();
          const file = options.file ?? config.usersDbFile;
          await migrateUsersTask(db, { file, dryRun: options.dryRun, update: options.update }, consoleIo);
        }),
      ),
    );

  users
    .command('export')
    .description('Write every user in the users-file format (to standard output unless --file).')
    .option('--file <path>', 'write to this file instead of standard output')
    .option('--with-password-hashes', 'include password hashes, so that the file can be imported elsewhere')
    .action(
      action(
        onDatabase(async (db, options: { file?: string; withPasswordHashes?: boolean }) => {
          const { exportUsersTask } = await usersFileTasks();
          await exportUsersTask(db, options, consoleIo);
        }),
      ),
    );
}

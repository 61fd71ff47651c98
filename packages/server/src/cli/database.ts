// `argilla database ...`: the schema's revisions, and bringing it to the newest one.
import type { Command } from 'commander';
import { migrateTask, revisionsTask } from '../tasks/database.js';
import { consoleIo } from '../tasks/io.js';
import { onDatabase, type ActionFactory } from './shared.js';

// These commands are how an old or empty schema gets fixed, so they must not insist on a current one.
const ANY_SCHEMA = { requireSchema: false };

export function registerDatabaseCommands(program: Command, action: ActionFactory): void {
  const database = program.command('database').description('Database schema tasks.');
  database
    .command('migrate')
    .description('Bring the database schema to the newest version.')
    .action(action(onDatabase((db) => migrateTask(db, consoleIo), ANY_SCHEMA)));
  database
    .command('revisions')
    .description('List the schema revisions, marking the one applied.')
    .action(action(onDatabase((db) => revisionsTask(db, consoleIo), ANY_SCHEMA)));
}

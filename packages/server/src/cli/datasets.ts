// `argilla datasets ...`: what the datasets hold, and removing one.
import type { Command } from 'commander';
import { deleteDatasetTask, listDatasetsTask } from '../tasks/datasets.js';
import { consoleIo } from '../tasks/io.js';
import { onDatabase, type ActionFactory } from './shared.js';

export function registerDatasetCommands(program: Command, action: ActionFactory): void {
  const datasets = program.command('datasets').description('Dataset tasks.');
  datasets
    .command('list')
    .description('List datasets with their record and annotation counts.')
    .option('--workspace <name>', 'only this workspace')
    .action(action(onDatabase((db, options: { workspace?: string }) => listDatasetsTask(db, options.workspace, consoleIo))));
  datasets
    .command('delete')
    .description('Delete a dataset with its records and annotations.')
    .argument('<name>', 'the dataset')
    .requiredOption('--workspace <name>', 'its workspace')
    .action(action(onDatabase((db, name: string, options: { workspace: string }) => deleteDatasetTask(db, options.workspace, name, consoleIo))));
}

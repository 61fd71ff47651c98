// `argilla workspaces ...`: workspaces and who is a member of them.
import type { Command } from 'commander';
import { consoleIo } from '../tasks/io.js';
import {
  addUserToWorkspaceTask,
  createWorkspaceTask,
  deleteWorkspaceTask,
  listWorkspacesTask,
  removeUserFromWorkspaceTask,
} from '../tasks/workspaces.js';
import { onDatabase, type ActionFactory } from './shared.js';

export function registerWorkspaceCommands(program: Command, action: ActionFactory): void {
  const workspaces = program.command('workspaces').description('Workspace tasks.');
  workspaces
    .command('list')
    .description('List workspaces and their members.')
    .action(action(onDatabase((db) => listWorkspacesTask(db, consoleIo))));
  workspaces
    .command('create')
    .description('Create a workspace.')
    .argument('<name>', 'lowercase letters, digits, dashes and underscores')
    .action(action(onDatabase((db, name: string) => createWorkspaceTask(db, name, consoleIo))));
  workspaces
    .command('delete')
    .description('Delete a workspace (its memberships go with it).')
    .argument('<name>', 'the workspace')
    .action(action(onDatabase((db, name: string) => deleteWorkspaceTask(db, name, consoleIo))));
  workspaces
    .command('add-user')
    .description('Add a user to a workspace.')
    .argument('<name>', 'the workspace')
    .argument('<username>', 'the user')
    .action(action(onDatabase((db, name: string, username: string) => addUserToWorkspaceTask(db, name, username, consoleIo))));
  workspaces
    .command('remove-user')
    .description('Remove a user from a workspace.')
    .argument('<name>', 'the workspace')
    .argument('<username>', 'the user')
    .action(action(onDatabase((db, name: string, username: string) => removeUserFromWorkspaceTask(db, name, username, consoleIo))));
}

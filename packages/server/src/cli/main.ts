// The `argilla` command line: the program itself and the list of its command groups. Each group
// parses its options and hands over to a task; shared.ts turns every failure into one clear line
// and an exit code: 0 done or skipped, 1 error (nothing written), 2 usage error.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerAuditCommands } from './audit.js';
import { registerDatabaseCommands } from './database.js';
import { registerDatasetCommands } from './datasets.js';
import { registerServerCommands } from './server.js';
import { actionFactory, report, type CommandGroup, type Outcome } from './shared.js';
import { registerUserCommands } from './users.js';
import { registerWorkspaceCommands } from './workspaces.js';

// In this order in the help.
const COMMAND_GROUPS: CommandGroup[] = [
  registerDatabaseCommands,
  registerUserCommands,
  registerDatasetCommands,
  registerAuditCommands,
  registerWorkspaceCommands,
  registerServerCommands,
];

function buildProgram(outcome: Outcome): Command {
  const program = new Command('argilla')
    .description('Manage users, workspaces and the database of the annotation server.')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    });
  const action = actionFactory(outcome);
  for (const register of COMMAND_GROUPS) register(program, action);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const outcome: Outcome = { exitCode: 0 };
  const program = buildProgram(outcome);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Commander has printed its message; help and version are successes, everything else a usage error.
    if (error instanceof CommanderError) {
      const ok = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
      outcome.exitCode = ok ? 0 : 2;
    } else {
      outcome.exitCode = report(error);
    }
  }
  process.exitCode = outcome.exitCode;
}

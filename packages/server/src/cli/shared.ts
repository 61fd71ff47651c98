// What every command group of `argilla` has in common: how a command's work is run, how its
// failure becomes one `Error:` line and an exit code (0 done or skipped, 1 error with nothing
// written, 2 usage error), and the option parsers more than one command uses.
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { DatabaseUnavailableError, type Database } from '../db/connect.js';
import { MigrationError } from '../db/migrate.js';
import { isDomainError, type DomainError } from '../domain/errors.js';
import { isRole, ROLES } from '../domain/policies.js';
import { consoleIo, TaskError, withDatabase } from '../tasks/io.js';
import { PromptAborted } from './prompt.js';

/** Wraps a command's work: loads the configuration first and records the exit code of a failure. */
export type ActionFactory = <A extends unknown[]>(work: (config: Config, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

/** Adds one command group (a top-level command and its subcommands) to the program. */
export type CommandGroup = (program: Command, action: ActionFactory) => void;

/** The exit code the process ends with; a failing action and a usage error both set it. */
export interface Outcome {
  exitCode: number;
}

// Validation errors name the input's fields; a person at the terminal typed options, so the
// message names the option instead.
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

/** Prints what went wrong (Commander has already printed its own errors) and gives the exit code. */
export function report(error: unknown): number {
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

export function actionFactory(outcome: Outcome): ActionFactory {
  return (work) =>
    async (...args) => {
      try {
        await work(loadConfig(), ...args);
      } catch (error) {
        outcome.exitCode = report(error);
      }
    };
}

/** Work that needs only the open database (with the newest schema unless `requireSchema` is false). */
export function onDatabase<A extends unknown[]>(
  work: (db: Database, ...args: A) => Promise<void>,
  options?: { requireSchema?: boolean },
): (config: Config, ...args: A) => Promise<void> {
  return (config, ...args) => withDatabase(config, (db) => work(db, ...args), options);
}

function parseRole(value: string): string {
  const role = value.toLowerCase();
  if (!isRole(role)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}.`);
  return role;
}

/** `--role`, any case; the choices are read from the policies when the program is built. */
export function roleOption(description: string): Option {
  return new Option('--role <role>', description).argParser(parseRole);
}

// `argilla audit list`: reading the audit log of security events.
import { InvalidArgumentError, type Command } from 'commander';
import { listAuditTask } from '../tasks/credentials.js';
import { consoleIo } from '../tasks/io.js';
import { onDatabase, type ActionFactory } from './shared.js';

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) throw new InvalidArgumentError('must be a number from 1 to 1000.');
  return Number(value);
}

export function registerAuditCommands(program: Command, action: ActionFactory): void {
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
    .action(action(onDatabase((db, options: Record<string, any>) => listAuditTask(db, options, consoleIo))));
}

// What a task needs from its surroundings: somewhere to print, and the open database.
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../db/connect.js';
import { isUpToDate } from '../db/migrate.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A failure a task reports in one line, with the exit code it calls for. */
export class TaskError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/**
 * Opens the configured database for the length of `work`. Tasks other than migrations need the
 * newest schema and say how to get it rather than failing on a missing table.
 */
export async function withDatabase<T>(
  config: Config,
  work: (database: Database) => Promise<T>,
  options: { requireSchema?: boolean } = {},
): Promise<T> {
  const database = await openDatabase(config.database, { poolSize: 2 });
  try {
    if ((options.requireSchema ?? true) && !(await isUpToDate(database.db))) {
      throw new TaskError(`The database schema of ${database.describe} is not up to date: run 'argilla database migrate' first.`);
    }
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Python-style quoting, as the original tool printed values: 'text', ['a', 'b'], None. */
export function quote(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return `[${value.map(quote).join(', ')}]`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return `'${String(value)}'`;
}

/** Rows as aligned columns (the first row is the header). */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

// Runs the built `argilla` executable as a child process, the way an operator would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = process.env.ARGILLA_TEST_ROOT ?? join(import.meta.dirname, '..', '..', '..', '..');
export const ARGILLA_BIN = join(root, 'packages', 'server', 'bin', 'argilla.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ARGILLA_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: env.HOME ?? process.env.HOME ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** The environment that points the CLI at one test database. */
export function cliEnv(url: string, home: string): Record<string, string> {
  return { ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home };
}

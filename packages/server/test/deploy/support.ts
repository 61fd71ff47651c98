// Helpers for the deployment tests: the repository's Docker files read as text (no Docker engine
// is needed), and docker/entrypoint.sh run as a child process the way the image runs it.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export const ROOT = process.env.ARGILLA_TEST_ROOT ?? join(import.meta.dirname, '..', '..', '..', '..');
export const ENTRYPOINT = join(ROOT, 'docker', 'entrypoint.sh');
export const DEFAULT_KEY = 'argilla.apikey';

export function readRepoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

// ---- Dockerfile --------------------------------------------------------------------------------

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** The Dockerfile's instructions, stage by stage (comments dropped, continuation lines joined). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (pending === '' && /^\s*(#|$)/.test(line)) continue;
    if (/^\s*#/.test(line)) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/s.exec(full)!;
    const instruction = { keyword: match[1]!.toUpperCase(), args: match[2]!.trim() };
    if (instruction.keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args)!;
      stages.push({ image: from[1]!, name: from[2], instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** An exec-form argument list (`["a", "b"]`), or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  return JSON.parse(args) as string[];
}

export interface Copy {
  from?: string;
  chmod?: string;
  sources: string[];
  destination: string;
}

export function parseCopy(args: string): Copy {
  const words = args.split(/\s+/);
  const copy: Copy = { sources: [], destination: '' };
  while (words[0]?.startsWith('--')) {
    const [flag, value] = words.shift()!.slice(2).split('=', 2);
    if (flag === 'from') copy.from = value;
    if (flag === 'chmod') copy.chmod = value;
  }
  copy.destination = words.pop()!;
  copy.sources = words;
  return copy;
}

/** Where a path given to COPY or ENTRYPOINT lands, given the stage's WORKDIR at that point. */
export function resolveInStage(workdir: string, path: string): string {
  const joined = path.startsWith('/') ? path : `${workdir.replace(/\/$/, '')}/${path}`;
  return joined.replace(/\/\.\//g, '/').replace(/\/$/, '');
}

// ---- .dockerignore -----------------------------------------------------------------------------

/** Whether the build context leaves `path` out (the patterns this repository uses: `*`, `**`). */
export function dockerIgnored(path: string, dockerignore: string): boolean {
  let ignored = false;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/|\/$/g, '');
    const source = pattern
      .split(/(\*\*\/|\*\*|\*|\?)/)
      .map((part) => {
        if (part === '**/') return '(?:.*/)?';
        if (part === '**') return '.*';
        if (part === '*') return '[^/]*';
        if (part === '?') return '[^/]';
        return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    // A pattern that names a folder leaves out everything in it.
    if (new RegExp(`^${source}(?:/.*)?$`).test(path)) ignored = !negated;
  }
  return ignored;
}

// ---- docker/entrypoint.sh as a process ---------------------------------------------------------

/** PATH with this test's Node.js first, so the script's `node` is the one running the tests. */
export function testPath(): string {
  return [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
}

export interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Runs `sh <script> <args>` and resolves once the server prints its `listening on` line;
 * rejects (with `code` and `output`) if the script exits first.
 */
export function startEntrypoint(
  env: Record<string, string>,
  args: string[] = ['--host', '127.0.0.1', '--port', '0'],
  options: { script?: string; cwd?: string; uid?: number; gid?: number } = {},
): Promise<Running> {
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd ?? ROOT,
    env: { PATH: testPath(), HOME: env.ARGILLA_HOME_PATH ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  };
  if (options.uid !== undefined) Object.assign(spawnOptions, { uid: options.uid, gid: options.gid });
  const child = spawn('sh', [options.script ?? ENTRYPOINT, ...args], spawnOptions);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the entrypoint did not start the server within 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`the entrypoint exited with ${code}:\n${output}`), { code, output }));
    });
  });
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (stdin closed), collecting its output. */
export function run(command: string, args: string[], env: Record<string, string>, options: { cwd?: string; uid?: number; gid?: number } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = { cwd: options.cwd ?? ROOT, env: { PATH: testPath(), HOME: '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] };
    if (options.uid !== undefined) Object.assign(spawnOptions, { uid: options.uid, gid: options.gid });
    const child = spawn(command, args, spawnOptions);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Sends SIGTERM and waits for the exit code. */
export async function stop(running: Running): Promise<number | null> {
  running.child.kill('SIGTERM');
  return running.exited;
}

/** The process's command line (Linux /proc), to see what the entrypoint's PID has become. */
export function commandLine(pid: number): string[] | undefined {
  const path = `/proc/${pid}/cmdline`;
  if (!existsSync(path)) return undefined;
  return readFileSync(path, 'utf8').split('\0').filter(Boolean);
}

export async function me(url: string, key: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/api/me`, { headers: { 'X-Argilla-Api-Key': key } });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

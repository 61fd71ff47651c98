// Process helpers shared by the benchmarks (bench.mjs, bench-records.mjs): starting the server
// the way `npm start` does, stopping it, and reading its memory and CPU time from /proc.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');
export const serverBin = join(root, 'packages/server/bin/argilla.js');
// The node flags `npm start`, the `argilla` command and the Docker image run the server with.
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=8'];

function safe(fn, fallback) {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** The pids of a process and all its descendants (a cluster primary and its workers). */
export function processTree(pid) {
  const pids = [pid];
  for (const task of safe(() => readdirSync(`/proc/${pid}/task`), [])) {
    const children = safe(() => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8'), '').trim();
    for (const child of children ? children.split(/\s+/) : []) pids.push(...processTree(Number(child)));
  }
  return pids;
}

/** User plus system CPU seconds of these processes so far. */
export function cpuSeconds(pids) {
  return pids.reduce((sum, pid) => {
    const stat = safe(() => readFileSync(`/proc/${pid}/stat`, 'utf8'), null);
    if (!stat) return sum;
    const fields = stat.split(') ')[1].split(' ');
    return sum + (Number(fields[11]) + Number(fields[12])) / 100;
  }, 0);
}

/** Resident memory now (VmRSS) and its peak so far (VmHWM) in MB; zeros once the process is gone. */
export function memoryOf(pid) {
  const status = safe(() => readFileSync(`/proc/${pid}/status`, 'utf8'), '');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * Starts a process and resolves once `ready(output so far)` returns a value: { child, value,
 * output() }. Rejects if it exits first. Its output keeps being drained so the pipes never fill.
 */
export function startProcess(command, args, env, ready) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onExit = (code, signal) => reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${out}`));
    child.on('exit', onExit);
    child.on('error', reject);
    child.stderr.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    const onData = (chunk) => {
      out += chunk;
      const value = ready(out);
      if (value === undefined) return;
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolvePromise({ child, value, output: () => out });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
  });
}

/**
 * SIGTERM, then SIGKILL if it is still running a minute later; resolves once it has exited. The
 * server finishes the requests in flight first (a queue of logins can take a while): killing it
 * sooner would leave their attempts on record, in flight, for the next run to wait on.
 */
export async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timer);
}

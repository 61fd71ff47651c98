// `npm run bench`: the server on SQLite under autocannon (50 connections), beside a bare node:http
// server answering a JSON body of the same size, measured in the same run.
//   npm run bench -- --quick     shorter runs (3 s each instead of 10 s)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

const root = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const duration = quick ? 3 : 10;
const connections = 50;

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function startChild(command, args, env, ready) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const value = ready(out);
      if (value !== undefined) resolvePromise({ child, value });
    });
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}: ${out}`)));
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function run(url, headers, pid) {
  // A short warm-up first, so the JIT has compiled the request path before we measure it.
  await autocannon({ url, connections, duration: 1, headers });
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({ url, connections, duration, headers, pipelining: 1 });
  // On a 2-core machine the load generator competes with the server for CPU: requests per CPU
  // second of the server process is the figure that does not depend on that competition.
  result.perCpuSecond = result.requests.total / Math.max(cpuSeconds(pid) - cpuBefore, 0.01);
  return result;
}

function row(name, result, baseline) {
  const pct = (a, b) => (baseline ? ` (${((a / b) * 100).toFixed(0)}% of bare)` : '');
  const rps = `${result.requests.average.toFixed(0)}${pct(result.requests.average, baseline?.requests.average)}`;
  const perCpu = `${result.perCpuSecond.toFixed(0)}${pct(result.perCpuSecond, baseline?.perCpuSecond)}`;
  return `| ${name} | ${rps} | ${perCpu} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} |`;
}

const home = mkdtempSync(join(tmpdir(), 'argilla-bench-'));
const logLevel = process.env.ARGILLA_LOG_LEVEL ?? 'info';
const server = await startChild(
  process.execPath,
  [join(root, 'packages/server/bin/argilla.js'), 'server', 'start', '--host', '127.0.0.1', '--port', '0'],
  { ARGILLA_HOME_PATH: home, ARGILLA_LOG_LEVEL: logLevel },
  (out) => /listening on (http:\/\/\S+)/.exec(out)?.[1],
);
// Keep reading the request log so the pipe never fills (it is discarded, as a log shipper would take it).
server.child.stdout.resume();
const base = server.value;
const headers = { 'x-argilla-api-key': 'argilla.apikey' };
const sample = await fetch(`${base}/api/me`, { headers });
const size = (await sample.text()).length;
const bare = await startChild(process.execPath, [join(root, 'scripts/bench-bare.mjs'), String(size)], {}, (out) => /^(\d+)\n/.exec(out)?.[1]);

console.log(`Benchmark: ${connections} connections, ${duration} s per run, SQLite, log level ${logLevel}, node ${process.version}`);
const idle = rssMb(server.child.pid);
const bareResult = await run(`http://127.0.0.1:${bare.value}/`, {}, bare.child.pid);
const me = await run(`${base}/api/me`, headers, server.child.pid);
const workspaces = await run(`${base}/api/workspaces`, headers, server.child.pid);
const loaded = rssMb(server.child.pid);

console.log('\n| request | requests/s | requests per server CPU-second | p50 ms | p99 ms | non-2xx |');
console.log('|---|---|---|---|---|---|');
console.log(row(`bare node:http (${size} B JSON)`, bareResult));
console.log(row('GET /api/me (API key)', me, bareResult));
console.log(row('GET /api/workspaces (API key)', workspaces, bareResult));
console.log(`\nServer RSS: ${idle.rss.toFixed(0)} MB idle, ${loaded.rss.toFixed(0)} MB after load (peak ${loaded.peak.toFixed(0)} MB)`);

// YAML import: 10,000 users with bcrypt hashes and 200 shared workspaces, into a fresh SQLite file.
const importHome = mkdtempSync(join(tmpdir(), 'argilla-bench-import-'));
const usersFile = join(importHome, 'users.yml');
const hash = '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS';
const lines = [];
for (let i = 0; i < 10_000; i++) {
  lines.push(`- username: user-${i}`, `  full_name: User Number ${i}`, `  email: user-${i}@example.com`, `  api_key: bench-key-${i}-0000`);
  lines.push(`  hashed_password: '${hash}'`);
  if (i % 50 !== 0) lines.push(`  workspaces: [team-${i % 200}, team-${(i * 7) % 200}]`);
}
writeFileSync(usersFile, `${lines.join('\n')}\n`);
const cli = (args) =>
  execFileSync(process.execPath, [join(root, 'packages/server/bin/argilla.js'), ...args], { env: { ...process.env, ARGILLA_HOME_PATH: importHome } });
cli(['database', 'migrate']);
const importStart = performance.now();
cli(['users', 'migrate', '--file', usersFile]);
const importSeconds = (performance.now() - importStart) / 1000;
console.log(`YAML import of 10,000 users (200 shared workspaces + one per user), SQLite: ${importSeconds.toFixed(2)} s (whole command, process start included)`);
rmSync(importHome, { recursive: true, force: true });

server.child.removeAllListeners('exit');
bare.child.removeAllListeners('exit');
server.child.kill('SIGTERM');
bare.child.kill('SIGTERM');
await new Promise((r) => server.child.once('exit', r));
rmSync(home, { recursive: true, force: true });

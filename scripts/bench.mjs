// `npm run bench`: the benchmark suite. Every figure is printed beside its baseline measured in the
// same run, in one Markdown table:
//   - the request path against a bare node:http server answering a JSON body of the same size
//     (the ceiling), on SQLite, on PostgreSQL with 1 worker and with 2 workers;
//   - requests per CPU-second of the server's processes (from /proc), the figure that does not
//     depend on the load generator competing for the same 2 cores;
//   - 2 workers against 1 worker on PostgreSQL (scaling), both servers measured in turns;
//   - logins and user creation against argon2id's own rate through the same hashing threads;
//   - GET /api/me p99 while 50 logins are being hashed, against its p99 alone;
//   - the server's RSS, idle and under load, against the bare server's;
//   - the YAML import of 10,000 users, against the command's start-up alone;
//   - 100,000 records logged and loaded through the client.
//   npm run bench -- --quick     shorter runs (well under 2 minutes)
// Fixed GETs are sent by wrk when it is installed, by autocannon otherwise (bench-load.mjs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generator, runLoad } from './bench-load.mjs';
import { startCluster } from './pg.mjs';
import { cpuSeconds, memoryOf, processTree, root, SERVER_NODE_FLAGS, serverBin as bin, startProcess as start, stopProcess as stop } from './bench-process.mjs';

const quick = process.argv.includes('--quick');
const duration = quick ? 2 : 8;
const ADMIN_KEY = 'argilla.apikey';
const USERS = 100_000;

// ---------------------------------------------------------------- measuring

/** A warm-up, then one load run (`runLoad`) and the server's CPU time over the measured part. */
async function measure(server, options, { warm = true, seconds = duration } = {}) {
  if (warm) await autocannon({ ...options, duration: quick ? 0.3 : 1 });
  const pids = processTree(server.pid);
  const before = cpuSeconds(pids);
  const result = await runLoad({ ...options, duration: seconds });
  const cpu = cpuSeconds(pids) - before;
  return { rps: result.rps, perCpu: result.total / Math.max(cpu, 0.01), p50: result.p50, p99: result.p99, errors: result.errors };
}

/** The median of some numbers (the lower middle one for an even count). */
function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
}

/** The median of each figure over several runs of one measurement (errors are added up). */
function medianOf(runs) {
  const of = (name) => median(runs.map((run) => run[name]));
  return { rps: of('rps'), perCpu: of('perCpu'), p50: of('p50'), p99: of('p99'), errors: runs.reduce((sum, run) => sum + run.errors, 0), runs: runs.length };
}

/** A login token for the default admin; a throttled login (logins of an earlier run still settling) is retried. */
async function loginAsAdmin(base) {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await request(base, 'POST', '/api/security/token', { form: { username: 'argilla', password: '1234' } })).json.access_token;
    } catch (error) {
      if (attempt >= 5 || !/: 429 /.test(error.message)) throw error;
      console.log(`(the admin's login was throttled, retrying: ${error.message.slice(0, 120)})`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function request(base, method, path, { key, form, json } = {}) {
  const headers = {};
  if (key) headers['x-argilla-api-key'] = key;
  let body;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  if (json) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return { text, json: JSON.parse(text) };
}

// ---------------------------------------------------------------- data

/**
 * 100,000 users written straight into the database by one INSERT ... SELECT over a generated series
 * (the server's own modules for the schema and the one hashed password they share).
 */
async function seedUsers(target) {
  const { sql } = await import('kysely');
  const { openDatabase } = await import(join(root, 'packages/server/dist/db/connect.js'));
  const { migrateToLatest } = await import(join(root, 'packages/server/dist/db/migrate.js'));
  const { hashPassword } = await import(join(root, 'packages/server/dist/lib/passwords.js'));
  const { nowIso } = await import(join(root, 'packages/server/dist/lib/time.js'));
  const { createDefaultUser } = await import(join(root, 'packages/server/dist/domain/defaultUser.js'));
  const database = await openDatabase(target);
  try {
    await migrateToLatest(database.db);
    // The default admin first (the server creates it only on an empty database).
    await createDefaultUser(database);
    const hash = await hashPassword('bench-password');
    const at = nowIso();
    const columns = sql`insert into users (id, username, first_name, last_name, email, role, disabled, password_hash, inserted_at, updated_at)`;
    const values = (n, id) => sql`select ${id}, 'seed-' || ${n}, 'Seed ' || ${n}, null, 'seed-' || ${n} || '@example.com', 'annotator', 0, ${hash}, ${at}, ${at}`;
    if (target.kind === 'postgres') {
      await sql`${columns} ${values(sql`n`, sql`gen_random_uuid()::text`)} from generate_series(0, ${sql.lit(USERS - 1)}) as n`.execute(database.db);
    } else {
      // A version-4 UUID from random bytes (SQLite has no UUID function).
      const uuid = sql`lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
      await sql`with recursive series(n) as (select 0 union all select n + 1 from series where n < ${sql.lit(USERS - 1)}) ${columns} ${values(sql`n`, uuid)} from series`.execute(database.db);
    }
  } finally {
    await database.close();
  }
}

function usersFile(dir) {
  const hash = '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS';
  const lines = [];
  for (let i = 0; i < 10_000; i++) {
    lines.push(`- username: user-${i}`, `  full_name: User Number ${i}`, `  email: user-${i}@example.com`, `  api_key: bench-key-${i}-0000`, `  hashed_password: '${hash}'`);
    if (i % 50 !== 0) lines.push(`  workspaces: [team-${i % 200}, team-${(i * 7) % 200}]`);
  }
  const path = join(dir, 'users.yml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * The whole `users migrate` command on a migrated database, in seconds, and its baseline: the same
 * start-up and database check alone (`database migrate` with nothing left to do).
 */
function importSeconds(env, file) {
  const timed = (args) => {
    const started = performance.now();
    execFileSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return (performance.now() - started) / 1000;
  };
  timed(['database', 'migrate']);
  return { startUp: timed(['database', 'migrate']), seconds: timed(['users', 'migrate', '--file', file]) };
}

/**
 * The ceiling for logins and user creation: argon2id hashes per second through the server's own
 * hashing threads (one per core), 10 at a time, as the 10 connections of those measurements ask.
 */
async function hashingCeiling(seconds) {
  const { hashPassword } = await import(join(root, 'packages/server/dist/lib/passwords.js'));
  await Promise.all(Array.from({ length: 10 }, () => hashPassword('bench-password'))); // the threads start
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (performance.now() - started < seconds * 1000) {
        await hashPassword('bench-password');
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

// ---------------------------------------------------------------- one configuration

const key = { 'x-argilla-api-key': ADMIN_KEY };

/** A server as `npm start` runs it, its idle memory read once it listens and before any load. */
async function startServer(env, workers) {
  const server = await start(
    process.execPath,
    [...SERVER_NODE_FLAGS, bin, 'server', 'start', '--host', '127.0.0.1', '--port', '0', '--workers', String(workers)],
    { ARGILLA_LOG_LEVEL: 'warn', ...env },
    // A cluster's primary announces the address once all its workers listen.
    (out) => (workers > 1 ? /listening on (http:\/\/\S+) \(\d+ workers\)/ : /listening on (http:\/\/\S+)/).exec(out)?.[1],
  );
  const idle = processTree(server.child.pid).map((pid) => memoryOf(pid).rss);
  return { child: server.child, base: server.value, workers, idle, warm: false };
}

/** The JIT settles on the request path first (each measurement still has its own warm-up). */
async function warmUp(server) {
  if (server.warm) return;
  await autocannon({ url: `${server.base}/api/me`, headers: key, connections: 50, duration: quick ? 0.7 : 2 });
  server.warm = true;
}

// The two request-path figures that 2 workers are compared on (against 1).
const SCALING = { meKey: '/api/me', workspaces: '/api/workspaces' };

/**
 * 2 workers against 1 on PostgreSQL: both servers run side by side and are measured in pairs of
 * short runs, one right after the other (1 then 2, then 2 then 1, ...), 6 pairs of 4 s each (2 of
 * 1 s with --quick). A pair's ratio compares the two under the same conditions; the median ratio
 * (the lower of the middle two, for an even count) is the figure; the lowest and highest show
 * the spread. This machine's speed drifts by a quarter within a minute (same code, same load),
 * which swamped comparisons of runs taken apart.
 */
async function compareWorkers(one, two) {
  await warmUp(one);
  await warmUp(two);
  const rounds = quick ? 2 : 6;
  const seconds = quick ? 1 : 4;
  const results = [{}, {}];
  const pairs = {};
  for (const [id, path] of Object.entries(SCALING)) {
    const runs = [[], []];
    for (let round = 0; round < rounds; round++) {
      for (const index of round % 2 ? [1, 0] : [0, 1]) {
        const server = [one, two][index];
        runs[index].push(await measure(server.child, { url: `${server.base}${path}`, headers: key }, { warm: round === 0, seconds }));
      }
    }
    results[0][id] = medianOf(runs[0]);
    results[1][id] = medianOf(runs[1]);
    pairs[id] = runs[0].map((a, i) => ({ rps: runs[1][i].rps / a.rps, perCpu: runs[1][i].perCpu / a.perCpu }));
  }
  return { one: results[0], two: results[1], pairs };
}

/** Every measurement of one configuration; `known` holds figures already measured (compareWorkers). */
async function measureConfiguration(label, server, known = {}) {
  const { base, workers } = server;
  const token = await loginAsAdmin(base);
  const results = { ...known };
  await warmUp(server);
  for (const [id, path] of Object.entries(SCALING)) results[id] ??= await measure(server.child, { url: `${base}${path}`, headers: key });
  results.meToken = await measure(server.child, { url: `${base}/api/me`, headers: { authorization: `Bearer ${token}` } });
  results.users = await measure(server.child, { url: `${base}/api/users?limit=100`, headers: key });
  // A different page nearly every time: past the cache of rendered pages, each one read and rendered.
  results.usersVaried = await measure(server.child, {
    url: base,
    requests: [{ method: 'GET', headers: key, setupRequest: (req) => ({ ...req, path: `/api/users?limit=100&offset=${100 * Math.floor(Math.random() * 101)}` }) }],
  });
  let n = 0;
  results.createUser = await measure(server.child, {
    connections: 10,
    requests: [
      {
        method: 'POST',
        path: '/api/users',
        headers: { ...key, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ username: `made-${process.pid}-${workers}-${n++}`, first_name: 'Made', password: 'bench-password' }) }),
      },
    ],
    url: base,
  });
  const login = { method: 'POST', path: '/api/security/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=argilla&password=1234' };
  results.login = await measure(server.child, { connections: 10, url: base, requests: [login] });
  // /api/me while 50 logins are being hashed at once.
  const [meUnderLogins] = await Promise.all([
    autocannon({ url: `${base}/api/me`, headers: key, connections: 10, duration }),
    autocannon({ url: base, requests: [login], connections: 50, duration }),
  ]);
  results.meDuringLogins = { p99: meUnderLogins.latency.p99, p50: meUnderLogins.latency.p50, rps: meUnderLogins.requests.average };
  const loaded = processTree(server.child.pid).map((pid) => memoryOf(pid).peak);
  return { label, workers, results, idle: server.idle, loaded };
}

// ---------------------------------------------------------------- the run

const work = mkdtempSync(join(tmpdir(), 'argilla-bench-'));
const started = performance.now();
let cluster;
try {
  console.log(`Benchmark suite: ${quick ? 'quick' : 'full'} (${duration} s per measurement), 50 connections unless noted, node ${process.version}, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length} cores`);
  console.log(
    generator === 'wrk'
      ? 'Load generator: wrk (one thread) for fixed GETs, autocannon for the rest.'
      : 'Load generator: autocannon (wrk is not installed: `apt-get install wrk` leaves the server more of the CPU for the fixed GETs).',
  );

  // The ceiling: a bare node:http server answering a body the size of GET /api/me's.
  // Measured at the start and again at the end; the better run is the ceiling (a machine that
  // was busy for a moment must not flatter the ratios).
  const measureBare = async () => {
    const bare = await start(process.execPath, [...SERVER_NODE_FLAGS, join(root, 'scripts/bench-bare.mjs'), '330'], {}, (out) => /^(\d+)\n/.exec(out)?.[1]);
    const idle = memoryOf(bare.child.pid).rss;
    const result = await measure(bare.child, { url: `http://127.0.0.1:${bare.value}/` });
    await stop(bare.child);
    return { ...result, idle };
  };
  let bareResult = await measureBare();

  const configurations = [];
  const sqliteHome = join(work, 'sqlite');
  await seedUsers({ kind: 'sqlite', path: join(sqliteHome, 'argilla.db') });
  const sqlite = await startServer({ ARGILLA_HOME_PATH: sqliteHome }, 1);
  try {
    configurations.push(await measureConfiguration('SQLite', sqlite));
  } finally {
    await stop(sqlite.child);
  }

  let pgImport = null;
  let scalingPairs = null;
  try {
    cluster = await startCluster();
  } catch (error) {
    console.log(`PostgreSQL: skipped (${error.message})`);
  }
  if (cluster) {
    const url = cluster.url.replace(/\/postgres$/, '/bench');
    execFileSync('psql', [cluster.url, '-qc', 'create database bench']);
    await seedUsers({ kind: 'postgres', url });
    const env = { ARGILLA_HOME_PATH: work, ARGILLA_DATABASE_URL: url };
    // Both PostgreSQL configurations run side by side for the 2-against-1 comparison.
    const servers = [];
    try {
      servers.push(await startServer(env, 1), await startServer(env, 2));
      const scaling = await compareWorkers(...servers);
      scalingPairs = scaling.pairs;
      configurations.push(await measureConfiguration('PostgreSQL, 1 worker', servers[0], scaling.one));
      configurations.push(await measureConfiguration('PostgreSQL, 2 workers', servers[1], scaling.two));
    } finally {
      for (const server of servers) await stop(server.child);
    }
    execFileSync('psql', [cluster.url, '-qc', 'create database import']);
    pgImport = importSeconds({ ARGILLA_HOME_PATH: work, ARGILLA_DATABASE_URL: cluster.url.replace(/\/postgres$/, '/import') }, usersFile(work));
  }
  const sqliteImport = importSeconds({ ARGILLA_HOME_PATH: join(work, 'import') }, usersFile(work));

  const hashing = await hashingCeiling(quick ? 1 : 3);
  const bareAgain = await measureBare();
  const bareRuns = [bareResult.rps, bareAgain.rps];
  if (bareAgain.rps > bareResult.rps) bareResult = bareAgain;
  const { runRecordsBench } = await import('./bench-records.mjs');
  const records = await runRecordsBench({ quick });

  // ---- the table: every figure, its baseline from this run, and its target where one was set
  const n = (x) => (x === undefined || x === null ? '-' : Math.round(x).toLocaleString('en'));
  const pct = (a, b) => (b ? `${((a / b) * 100).toFixed(0)}%` : '-');
  const row = (cells) => `| ${cells.map((cell) => (cell === undefined || cell === null || cell === '' ? '-' : cell)).join(' | ')} |`;
  const rows = [];
  const names = {
    meKey: ['GET /api/me (API key)', '≥ 50% of bare, p99 < 20 ms'],
    meToken: ['GET /api/me (login token)'],
    workspaces: ['GET /api/workspaces'],
    users: [`GET /api/users?limit=100 (${n(USERS)} users)`, 'p99 < 30 ms'],
    usersVaried: ['GET /api/users?limit=100&offset=0…10,000, a random page each time'],
    createUser: ['POST /api/users (10 connections, argon2id)'],
    login: ['POST /api/security/token (10 connections, argon2id)'],
  };
  const hashingBaseline = (rps) => `argon2id alone: ${n(hashing)} hashes/s (${pct(rps, hashing)})`;
  rows.push(row([`GET, bare node:http (the ceiling; best of 2 runs: ${bareRuns.map(n).join(' and ')} req/s)`, '-', `${n(bareResult.rps)} req/s`, n(bareResult.perCpu), bareResult.p50, bareResult.p99, bareResult.errors, '-', '-']));
  for (const c of configurations) {
    for (const [id, [name, target]] of Object.entries(names)) {
      const r = c.results[id];
      const baseline = ['createUser', 'login'].includes(id)
        ? hashingBaseline(r.rps)
        : `bare: ${pct(r.rps, bareResult.rps)} of req/s, ${pct(r.perCpu, bareResult.perCpu)} of req/CPU-s`;
      rows.push(row([name, c.label, `${n(r.rps)} req/s`, n(r.perCpu), r.p50, r.p99, r.errors, baseline, target]));
    }
    const d = c.results.meDuringLogins;
    rows.push(row(['GET /api/me (10 connections) while 50 logins run', c.label, `${n(d.rps)} req/s`, '-', d.p50, d.p99, '-', `alone: p99 ${c.results.meKey.p99} ms`, 'p99 < 50 ms']));
  }
  const [one, two] = [configurations.find((c) => c.label === 'PostgreSQL, 1 worker'), configurations.find((c) => c.label === 'PostgreSQL, 2 workers')];
  if (one && two && scalingPairs) {
    const share = (x) => `${(x * 100).toFixed(0)}%`;
    const spread = (values) => `${share(median(values))} (pairs: ${share(Math.min(...values))} to ${share(Math.max(...values))})`;
    for (const id of Object.keys(SCALING)) {
      const [a, pairs] = [one.results[id], scalingPairs[id]];
      rows.push(
        row([
          `${names[id][0]}: 2 workers against 1 (median of ${pairs.length} pairs of runs, one right after the other)`,
          'PostgreSQL',
          `${spread(pairs.map((p) => p.rps))} of the throughput`,
          `${spread(pairs.map((p) => p.perCpu))} of the req/CPU-s`,
          '-',
          '-',
          '-',
          `1 worker: ${n(a.rps)} req/s, ${n(a.perCpu)} req/CPU-s (medians)`,
          '≥ 100% of the throughput, ≥ 90% of the req/CPU-s',
        ]),
      );
    }
  }
  for (const c of configurations) {
    const mb = (list) => list.map(n).join(' + ');
    rows.push(row(['server RSS, idle and peak under load', c.label, `idle ${mb(c.idle)} MB, peak ${mb(c.loaded)} MB`, '-', '-', '-', '-', `bare node:http idle: ${n(bareResult.idle)} MB`, 'idle < 120 MB per process']));
  }
  for (const [label, result] of [['SQLite', sqliteImport], ['PostgreSQL', pgImport]]) {
    if (!result) continue;
    rows.push(row(['YAML import of 10,000 users, 200 workspaces (`users migrate`, whole command)', label, `${result.seconds.toFixed(2)} s`, '-', '-', '-', '-', `start-up and database check alone: ${result.startUp.toFixed(2)} s`, '< 5 s']));
  }
  rows.push(row([`${n(records.records)} records logged through the client (batches of 500)`, 'SQLite', `${n(records.logPerSecond)} records/s`, '-', '-', '-', '-', '-', '≥ 20,000 records/s']));
  rows.push(row([`${n(records.records)} records loaded back (pages of 1000)`, 'SQLite', `${n(records.loadPerSecond)} records/s`, '-', '-', '-', '-', '-', '≥ 20,000 records/s']));
  const py = records.python16;
  rows.push(row([`${n(records.records)} records logged by the 1.6 Python client's bulks (batches of 500)`, 'SQLite', `${n(py.logPerSecond)} records/s`, '-', '-', '-', '-', `the client's log: ${n(records.logPerSecond)} records/s (${(py.logSeconds / records.logSeconds).toFixed(2)}× its time)`, '≤ 2× the time']));
  rows.push(row([`${n(records.records)} records loaded by the 1.6 Python client's scan (pages of ${py.pageSize})`, 'SQLite', `${n(py.loadPerSecond)} records/s`, '-', '-', '-', '-', '-', '-']));
  rows.push(row(['server RSS during the records run', 'SQLite', `peak ${n(records.peakRssMb)} MB`, '-', '-', '-', '-', `idle before: ${n(records.idleRssMb)} MB`, '< 300 MB']));

  console.log('\n| measurement | configuration | result | req per server CPU-s | p50 ms | p99 ms | errors | baseline (same run) | target |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const line of rows) console.log(line);
  console.log(`\nSuite finished in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
} finally {
  cluster?.stop();
  rmSync(work, { recursive: true, force: true });
}

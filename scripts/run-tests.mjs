// `npm test`: builds, starts a throwaway PostgreSQL when it can, runs every *.test.ts file with
// node:test (listed explicitly: Node 20's --test takes no globs), and fails when no test ran.
//   ARGILLA_TEST_DATABASE_URL=postgresql://...  use this server instead of starting one
//   ARGILLA_TEST_REQUIRE_POSTGRES=1             fail instead of skipping when PostgreSQL is unavailable
//   npm test -- <file or folder ...>            run only those test files
//   ARGILLA_TEST_CONCURRENCY=N                  test files run side by side (default 2: most wait on
//                                               servers, databases and child processes, not the CPU)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startCluster } from './pg.mjs';

const root = resolve(import.meta.dirname, '..');
const requirePostgres = process.env.ARGILLA_TEST_REQUIRE_POSTGRES === '1';

function findTests(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const full = join(path, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

// ARGILLA_TEST_SKIP_BUILD=1: the sources are built already (a run started by a test of this script).
if (process.env.ARGILLA_TEST_SKIP_BUILD !== '1') {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  // The server's tests are type-checked too (tsx runs them without checking types).
  const typecheck = spawnSync('npx', ['tsc', '-p', 'packages/server/tsconfig.test.json'], { cwd: root, stdio: 'inherit' });
  if (typecheck.status !== 0) {
    console.error('The server tests do not type-check (npx tsc -p packages/server/tsconfig.test.json).');
    process.exit(typecheck.status ?? 1);
  }
}

// Interrupted (Ctrl-C, or a CI time-out's SIGTERM): stop the tests and the throwaway cluster, and
// remove its folder, before leaving; a PostgreSQL server left running would outlive the run.
let cluster = null;
let child = null;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the tests${cluster ? ' and the throwaway PostgreSQL cluster' : ''}.`);
    child?.kill('SIGTERM');
    try {
      cluster?.stop();
    } catch (error) {
      console.error(`Could not stop the PostgreSQL cluster: ${error.message}`);
    }
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

const args = process.argv.slice(2);
const roots = args.length ? args.map((a) => resolve(a)) : ['packages'].map((p) => join(root, p)).filter(existsSync);
const files = roots.flatMap(findTests).sort();
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}

let postgresNote;
if (process.env.ARGILLA_TEST_DATABASE_URL) {
  postgresNote = `PostgreSQL: using ARGILLA_TEST_DATABASE_URL`;
} else {
  try {
    cluster = await startCluster();
    process.env.ARGILLA_TEST_DATABASE_URL = cluster.url;
    postgresNote = `PostgreSQL: throwaway cluster at ${cluster.url} (folder ${cluster.dir})`;
  } catch (error) {
    postgresNote = `PostgreSQL: SKIPPED (${error.message.split('\n')[0]}); only SQLite was tested`;
    if (requirePostgres) {
      console.error(`${postgresNote}\nARGILLA_TEST_REQUIRE_POSTGRES=1: PostgreSQL is mandatory here.`);
      process.exit(1);
    }
  }
}
console.log(postgresNote);

const concurrency = Number(process.env.ARGILLA_TEST_CONCURRENCY ?? 2);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
  console.error('ARGILLA_TEST_CONCURRENCY must be a whole number from 1 to 16.');
  process.exit(1);
}

const outDir = join(root, 'test-results');
mkdirSync(outDir, { recursive: true });
// One file per run, so that runs side by side do not read each other's results.
const tapFile = join(outDir, `results-${process.pid}.tap`);
child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, ARGILLA_TEST_ROOT: root } },
);
const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code)));
child = null;
cluster?.stop();
cluster = null;

const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
rmSync(tapFile, { force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)`, 'm').exec(tap)?.[1] ?? 0);
const [tests, pass, fail] = [count('tests'), count('pass'), count('fail')];
console.log(`\n${tests} tests, ${pass} passed, ${fail} failed, in ${files.length} files. ${postgresNote}`);
if (tests === 0) {
  console.error('No test ran: treating that as a failure.');
  process.exit(1);
}
process.exit(status === 0 && fail === 0 ? 0 : 1);

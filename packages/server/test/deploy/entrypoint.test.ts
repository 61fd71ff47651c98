// docker/entrypoint.sh run as a child process, as the image runs it (there is no Docker engine
// here): migrate, users file, then `exec argilla server start` so that SIGTERM reaches the server.
import { after, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, cpSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backends, tempDir } from '../helpers/databases.js';
import { runCli } from '../helpers/cli.js';
import {
  commandLine,
  DEFAULT_KEY,
  ENTRYPOINT,
  execForm,
  me,
  parseCopy,
  parseDockerfile,
  readRepoFile,
  resolveInStage,
  ROOT,
  run,
  startEntrypoint,
  stop,
  testPath,
  type Running,
} from './support.js';

// The guide's user john: bcrypt hash of "1234", and his API key.
const JOHN_KEY = 'a14427ea-9197-11ec-b909-0242ac120002';
const USERS_FILE = [
  '- username: john',
  '  full_name: John Doe',
  '  email: john@argilla.io',
  `  api_key: ${JOHN_KEY}`,
  '  hashed_password: $2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS',
  '  workspaces: [team]',
  '',
].join('\n');

const running: Running[] = [];
after(() => running.forEach((r) => r.child.kill('SIGKILL')));

async function started(env: Record<string, string>, args?: string[], options?: Parameters<typeof startEntrypoint>[2]): Promise<Running> {
  const server = await startEntrypoint(env, args, options);
  running.push(server);
  return server;
}

describe('docker/entrypoint.sh as a script', () => {
  it('passes sh -n', async () => {
    const result = await run('sh', ['-n', ENTRYPOINT], {});
    assert.equal(result.code, 0, result.stderr);
  });

  it('passes shellcheck, where shellcheck is installed', async (t) => {
    const found = await run('sh', ['-c', 'command -v shellcheck'], {});
    if (found.code !== 0) {
      t.skip('shellcheck is not on PATH: not checked');
      return;
    }
    const result = await run('shellcheck', ['--shell=sh', ENTRYPOINT], {});
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('is executable, POSIX sh, with set -eu', () => {
    const text = readFileSync(ENTRYPOINT, 'utf8');
    assert.match(text, /^#!\/bin\/sh\n/);
    assert.match(text, /^set -eu$/m);
    assert.ok(statSync(ENTRYPOINT).mode & 0o100, 'executable by its owner (git keeps the bit; the image sets it with COPY --chmod)');
  });
});

for (const backend of backends()) {
  describe(`docker/entrypoint.sh (${backend.name})`, () => {
    it('migrates, serves with the default admin, and is the server process that SIGTERM stops (exit 0); starts again on the same database', async () => {
      const { url, home } = await backend.fresh();
      const env = { ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home };
      const cwd = tempDir(); // not the repository: the script finds the app from its own location
      const first = await started(env, undefined, { cwd });
      assert.match(first.output(), /Running upgrade <base> -> 0001_initial_schema/);
      assert.match(first.output(), /Created the default user 'argilla'/);
      const answer = await me(first.url, DEFAULT_KEY);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.username, 'argilla');
      // exec: the shell's PID is now node running `argilla server start` with the given options.
      const cmdline = commandLine(first.child.pid!);
      if (cmdline) {
        assert.match(cmdline[0]!, /node/);
        assert.deepEqual(cmdline.slice(-6), ['server', 'start', '--host', '127.0.0.1', '--port', '0']);
      }
      assert.equal(await stop(first), 0);
      assert.match(first.output(), /Received SIGTERM/);

      const second = await started(env, undefined, { cwd });
      assert.doesNotMatch(second.output(), /Running upgrade|Created the default user/);
      assert.equal((await me(second.url, DEFAULT_KEY)).status, 200);
      assert.equal(await stop(second), 0);
    });

    it('leaves a fresh database without the default admin when ARGILLA_DEFAULT_USER_ENABLED=false', async () => {
      const { url, home } = await backend.fresh();
      const server = await started({ ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home, ARGILLA_DEFAULT_USER_ENABLED: 'false' });
      assert.equal((await me(server.url, DEFAULT_KEY)).status, 401);
      assert.doesNotMatch(server.output(), /Created the default user/);
      assert.equal(await stop(server), 0);
    });

    it('does not bring the default admin back at restart once it was deleted', async () => {
      const { url, home } = await backend.fresh();
      const env = { ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home };
      assert.equal(await stop(await started(env)), 0);
      const created = await runCli(
        ['users', 'create', '--username', 'boss', '--first-name', 'Boss', '--role', 'admin', '--password', 'boss-password', '--api-key', 'boss-api-key-1'],
        env,
      );
      assert.equal(created.code, 0, created.stderr);
      const deleted = await runCli(['users', 'delete', 'argilla'], env);
      assert.equal(deleted.code, 0, deleted.stderr);

      const again = await started(env);
      assert.equal((await me(again.url, DEFAULT_KEY)).status, 401);
      assert.equal((await me(again.url, 'boss-api-key-1')).status, 200);
      assert.equal(await stop(again), 0);
    });

    it('imports the users file named by ARGILLA_LOCAL_AUTH_USERS_DB_FILE at every start (then no default admin)', async () => {
      const { url, home } = await backend.fresh();
      const file = join(tempDir(), '.users.yml');
      writeFileSync(file, USERS_FILE);
      const env = { ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home, ARGILLA_LOCAL_AUTH_USERS_DB_FILE: file };
      const first = await started(env);
      assert.match(first.output(), /Migrating User with username 'john'/);
      const john = await me(first.url, JOHN_KEY);
      assert.equal(john.status, 200);
      assert.equal(john.body.username, 'john');
      // The database had users when the server started: no default admin.
      assert.equal((await me(first.url, DEFAULT_KEY)).status, 401);
      assert.equal(await stop(first), 0);

      const second = await started(env);
      assert.match(second.output(), /Skipping User with username 'john'/);
      assert.equal((await me(second.url, JOHN_KEY)).status, 200);
      assert.equal(await stop(second), 0);
    });

    it('starts anyway, with a warning, when the users file is missing or refused', async () => {
      const { url, home } = await backend.fresh();
      const env = { ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home };
      const missing = await started({ ...env, ARGILLA_LOCAL_AUTH_USERS_DB_FILE: join(home, 'absent.yml') });
      assert.match(missing.output(), /WARNING: ARGILLA_LOCAL_AUTH_USERS_DB_FILE='.*absent\.yml' does not exist/);
      assert.equal(await stop(missing), 0);

      const bad = join(tempDir(), '.users.yml');
      writeFileSync(bad, '- username: Not Valid\n  hashed_password: x\n');
      const refused = await started({ ...env, ARGILLA_LOCAL_AUTH_USERS_DB_FILE: bad });
      assert.match(refused.output(), /WARNING: importing '.*\.users\.yml' failed and wrote nothing/);
      assert.equal((await me(refused.url, DEFAULT_KEY)).status, 200);
      assert.equal(await stop(refused), 0);
    });

    it('runs one CLI command with `entrypoint.sh argilla ...`, passing its exit code', async () => {
      const { url, home } = await backend.fresh();
      const env = { ARGILLA_DATABASE_URL: url, ARGILLA_HOME_PATH: home };
      for (const command of [['database', 'migrate'], ['users', 'create_default', '--quiet']]) {
        const result = await run('sh', [ENTRYPOINT, 'argilla', ...command], env);
        assert.equal(result.code, 0, result.stderr);
      }
      const list = await run('sh', [ENTRYPOINT, 'argilla', 'users', 'list'], env);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^username\s+role\s+first_name/);
      assert.match(list.stdout, /^argilla\s+admin\s/m);
      assert.doesNotMatch(list.stdout + list.stderr, /listening/);

      const unknown = await run('sh', [ENTRYPOINT, 'argilla', 'users', 'nonsense'], env);
      assert.equal(unknown.code, 2);
    });
  });
}

describe('docker/entrypoint.sh control flow (a stand-in argilla CLI records its calls)', () => {
  /** An APP_DIR whose argilla.js records each call and answers as told. */
  function fakeApp(options: { hasUsersMigrate: boolean; failing?: string; slow?: string }): { appDir: string; calls: () => string[] } {
    const appDir = tempDir('argilla-fake-app-');
    const log = join(appDir, 'calls.log');
    mkdirSync(join(appDir, 'packages', 'server', 'bin'), { recursive: true });
    const script = `
      const { appendFileSync } = require('node:fs');
      const args = process.argv.slice(2);
      const call = args.join(' ');
      appendFileSync(${JSON.stringify(log)}, call + '\\n');
      if (call === ${JSON.stringify(options.failing ?? '')}) { console.error('failing on purpose'); process.exit(1); }
      if (call === 'users migrate --help') {
        console.log(${JSON.stringify(options.hasUsersMigrate)} ? 'Usage: argilla users migrate [options]' : 'Usage: argilla users [options] [command]');
        process.exit(0);
      }
      if (args[0] === 'server') console.log('listening on http://127.0.0.1:1 (fake)');
      if (call === ${JSON.stringify(options.slow ?? '')}) setTimeout(() => {}, 1500);
    `;
    writeFileSync(join(appDir, 'packages', 'server', 'bin', 'argilla.js'), script);
    writeFileSync(join(appDir, 'packages', 'server', 'package.json'), '{"type":"commonjs"}');
    return { appDir, calls: () => readFileSync(log, 'utf8').trim().split('\n') };
  }

  async function entrypoint(appDir: string, args: string[], env: Record<string, string> = {}) {
    return run('sh', [ENTRYPOINT, ...args], { APP_DIR: appDir, ...env });
  }

  it('migrates, then execs `server start` with the extra arguments', async () => {
    const app = fakeApp({ hasUsersMigrate: true });
    const result = await entrypoint(app.appDir, ['--port', '7000', '--host', '0.0.0.0']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(app.calls(), ['database migrate', 'server start --port 7000 --host 0.0.0.0']);
  });

  it('stops (exit 1, no server) when the database migration fails', async () => {
    const app = fakeApp({ hasUsersMigrate: true, failing: 'database migrate' });
    const result = await entrypoint(app.appDir, []);
    assert.equal(result.code, 1);
    assert.deepEqual(app.calls(), ['database migrate']);
  });

  it('stops after the running step on SIGTERM (exit 143), without starting the server', async () => {
    const app = fakeApp({ hasUsersMigrate: true, slow: 'database migrate' });
    const child = spawn('sh', [ENTRYPOINT], { env: { PATH: testPath(), APP_DIR: app.appDir }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    assert.deepEqual(app.calls(), ['database migrate']);
  });

  it('imports a configured users file before starting the server', async () => {
    const file = join(tempDir(), '.users.yml');
    writeFileSync(file, USERS_FILE);
    const app = fakeApp({ hasUsersMigrate: true });
    const imported = await entrypoint(app.appDir, [], { ARGILLA_LOCAL_AUTH_USERS_DB_FILE: file });
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(app.calls(), ['database migrate', `users migrate --file ${file}`, 'server start']);
  });

  it('goes on to the server when the users import fails, and ignores an unset or empty users-file variable', async () => {
    const file = join(tempDir(), '.users.yml');
    writeFileSync(file, USERS_FILE);
    const failing = fakeApp({ hasUsersMigrate: true, failing: `users migrate --file ${file}` });
    const result = await entrypoint(failing.appDir, [], { ARGILLA_LOCAL_AUTH_USERS_DB_FILE: file });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(failing.calls().at(-1), 'server start');
    assert.match(result.stderr, /WARNING: importing .* failed and wrote nothing/);

    const unset = fakeApp({ hasUsersMigrate: true });
    assert.equal((await entrypoint(unset.appDir, [], { ARGILLA_LOCAL_AUTH_USERS_DB_FILE: '' })).code, 0);
    assert.deepEqual(unset.calls(), ['database migrate', 'server start']);
  });

  it('runs `argilla <command>` alone, and says where it looked when the app is missing', async () => {
    const app = fakeApp({ hasUsersMigrate: true });
    const result = await entrypoint(app.appDir, ['argilla', 'users', 'list', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(app.calls(), ['users list --json']);

    const nowhere = await entrypoint(tempDir(), []);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /packages\/server\/bin\/argilla\.js not found \(set APP_DIR/);
  });
});

describe('the image layout, rebuilt from the Dockerfile runtime stage without Docker', () => {
  it('serves from only the files the runtime stage copies, as a non-root user where possible, and `npx argilla` works there', async (t) => {
    // /app is a temporary folder with exactly what the runtime stage copies: node_modules is
    // linked (the image has the production subset; compose.test.ts checks that it is enough).
    const stages = parseDockerfile(readRepoFile('Dockerfile'));
    const runtime = stages.at(-1)!;
    const app = tempDir('argilla-image-app-');
    let workdir = '/';
    for (const instruction of runtime.instructions) {
      if (instruction.keyword === 'WORKDIR') workdir = resolveInStage(workdir, instruction.args);
      if (instruction.keyword !== 'COPY') continue;
      const copy = parseCopy(instruction.args);
      const target = resolveInStage(workdir, copy.destination);
      assert.ok(target.startsWith('/app/'), target);
      const destination = join(app, target.slice('/app/'.length));
      for (const source of copy.sources) {
        const inRepo = join(ROOT, copy.from ? source.replace(/^\/app\//, '') : source);
        mkdirSync(join(destination, '..'), { recursive: true });
        if (source.endsWith('node_modules')) symlinkSync(inRepo, destination);
        else cpSync(inRepo, destination, { recursive: true });
        if (copy.chmod) chmodSync(destination, Number.parseInt(copy.chmod, 8));
      }
    }
    const entrypoint = execForm(runtime.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)!.args)![0]!;
    const script = join(app, entrypoint.slice('/app/'.length));

    // As the image's uid 10001 when these tests run as root (as CI does) and that user can read
    // the repository's node_modules; else as this user.
    let asRoot = process.getuid?.() === 0;
    if (asRoot) {
      const probe = await run(process.execPath, ['-e', `require('node:fs').accessSync(${JSON.stringify(join(ROOT, 'node_modules', '.bin'))}, 5)`], {}, { cwd: '/', uid: 10001, gid: 10001 });
      if (probe.code !== 0) asRoot = false;
    }
    const ids = asRoot ? { uid: 10001, gid: 10001 } : {};
    if (!asRoot) t.diagnostic('the layout runs as the current user, not as uid 10001 (not root, or uid 10001 cannot read the checkout)');
    const data = tempDir('argilla-image-data-');
    const home = tempDir('argilla-image-home-');
    for (const dir of [app, data, home]) chmodSync(dir, 0o755);
    if (asRoot) for (const dir of [data, home]) chownSync(dir, 10001, 10001);

    const env = { HOME: home, NODE_ENV: 'production', NPM_CONFIG_UPDATE_NOTIFIER: 'false', ARGILLA_HOME_PATH: data };
    const server = await started(env, ['--host', '127.0.0.1', '--port', '0'], { script, cwd: app, ...ids });
    const status = await fetch(`${server.url}/api/_status`);
    assert.equal(status.status, 200);
    assert.equal((await me(server.url, DEFAULT_KEY)).status, 200);

    // The healthchecks (Dockerfile and compose) against it: healthy, and unhealthy on a closed port.
    const port = new URL(server.url).port;
    const healthcheck = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')!.args;
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim())!;
    assert.equal(command[0], 'node');
    const healthy = await run(process.execPath, command.slice(1), { ARGILLA_PORT: port });
    assert.equal(healthy.code, 0, healthy.stderr);
    const closed = await run(process.execPath, command.slice(1), { ARGILLA_PORT: '1' });
    assert.equal(closed.code, 1);

    // `docker compose exec argilla npx argilla users list`: npx from /app with the image's PATH.
    const npx = await run('npx', ['--no-install', 'argilla', 'users', 'list'], { ...env, PATH: `${join(app, 'node_modules', '.bin')}:${testPath()}` }, { cwd: app, ...ids });
    assert.equal(npx.code, 0, npx.stdout + npx.stderr);
    assert.match(npx.stdout, /^argilla\s+admin\s/m);

    assert.equal(await stop(server), 0);
  });
});

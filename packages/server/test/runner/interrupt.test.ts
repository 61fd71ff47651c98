// `npm test` interrupted (Ctrl-C, or the SIGTERM of a CI time-out) stops the throwaway PostgreSQL
// cluster it started and removes its folder, instead of leaving a server running.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.env.ARGILLA_TEST_ROOT ?? join(import.meta.dirname, '..', '..', '..', '..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const PG = '/usr/lib/postgresql';
const hasPostgres = existsSync(PG) && readdirSync(PG).some((v) => existsSync(join(PG, v, 'bin', 'initdb')));
const skip = !hasPostgres && process.env.ARGILLA_TEST_REQUIRE_POSTGRES !== '1' ? 'no PostgreSQL server binaries here' : false;

describe('the test runner, interrupted', { skip }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} stops its PostgreSQL cluster, removes its folder and exits ${signal === 'SIGTERM' ? 143 : 130}`, async () => {
      // A test file that would run for a minute: the runner is interrupted while it runs.
      const folder = mkdtempSync(join(tmpdir(), 'runner-'));
      const slow = join(folder, 'slow.test.mjs');
      writeFileSync(slow, "import { it } from 'node:test';\nit('waits', () => new Promise((resolve) => setTimeout(resolve, 60_000)));\n");
      const env: Record<string, string | undefined> = { ...process.env, ARGILLA_TEST_SKIP_BUILD: '1' };
      delete env.ARGILLA_TEST_DATABASE_URL; // start a cluster of its own
      delete env.NODE_TEST_CONTEXT; // a runner of its own, not a part of this one
      const runner = spawn(process.execPath, [join(root, 'scripts', 'run-tests.mjs'), slow], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const cluster = await new Promise<{ port: number; dir: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no cluster started: ${output}`)), 60_000);
        runner.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /throwaway cluster at postgresql:\/\/postgres@127\.0\.0\.1:(\d+)\/postgres \(folder ([^)]+)\)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve({ port: Number(match[1]), dir: match[2]! });
          }
        });
        runner.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      });
      assert.equal(await portOpen(cluster.port), true, 'the cluster is up while the tests run');
      // Let the slow test start, then interrupt the runner alone (as a CI time-out would).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const exited = new Promise<number | null>((resolve) => runner.on('exit', (code) => resolve(code)));
      runner.kill(signal);
      assert.equal(await exited, signal === 'SIGTERM' ? 143 : 130, output);
      assert.equal(await portOpen(cluster.port), false, 'the cluster was stopped');
      assert.equal(existsSync(cluster.dir), false, 'its folder was removed');
      assert.match(output, new RegExp(`${signal}: stopping the tests and the throwaway PostgreSQL cluster`));
    });
  }
});

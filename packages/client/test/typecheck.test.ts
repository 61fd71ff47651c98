// Runs tsc over the client's tests, scripts and test/types/shared-types.ts, which asserts at compile
// time that the generated wire types equal the server's TypeBox Static types. tsx (which runs the
// tests) strips types without checking them, so without this a type error would go unnoticed.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, relative, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const clientDir = relative(root, resolve(here, '..'));

/** tsc's diagnostics, one entry per error (with its continuation lines). */
function diagnostics(output: string): Array<{ file: string; text: string }> {
  const found: Array<{ file: string; text: string }> = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\(\d+,\d+\): error TS\d+/.exec(line);
    if (match) found.push({ file: match[1]!, text: line });
    else if (line.trim() !== '' && found.length > 0) found.at(-1)!.text += `\n${line}`;
  }
  return found;
}

it('the client tests and the shared wire types type-check (tsc --noEmit)', { timeout: 180_000 }, (t) => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', `${clientDir}/test/tsconfig.json`, '--pretty', 'false'], {
    cwd: root,
    encoding: 'utf8',
  });
  const all = diagnostics(`${run.stdout}\n${run.stderr}`);
  // Server types come in through the test kit's declarations (packages/server/dist, so build first);
  // any error there is the server's build to report.
  const ours = all.filter((d) => d.file.startsWith(`${clientDir}/`));
  const theirs = all.filter((d) => !d.file.startsWith(`${clientDir}/`));
  if (theirs.length > 0) t.diagnostic(`ignored ${theirs.length} error(s) outside ${clientDir}:\n${theirs.map((d) => d.text).join('\n')}`);
  assert.deepEqual(ours.map((d) => d.text), []);
  if (all.length === 0) assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
});

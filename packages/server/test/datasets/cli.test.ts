// `argilla datasets list|delete` (issue 6): operators see datasets with their counts and delete them,
// on the database the server uses.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cliEnv, runCli, type CliResult } from '../helpers/cli.js';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertProblem } from '../http/support.js';
import { annotateOk, countWhere, createWorkspace, datasetRow, dsPath, logRecords, newDataset, SENTIMENT, snapshot, uniqueName } from './support.js';

function show(result: CliResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/** The printed row of a dataset: the cells of the line that holds both its workspace and name. */
function rowOf(stdout: string, workspace: string, name: string): string[] | undefined {
  return lines(stdout)
    .map((l) => l.trim().split(/\s+/))
    .find((cells) => cells.includes(workspace) && cells.includes(name));
}

for (const backend of backends()) {
  describe(`argilla datasets list|delete (${backend.name})`, () => {
    let server: TestServer;
    let env: Record<string, string>;
    let A: string;
    let B: string;
    let alice: Made;
    const cli = (...args: string[]) => runCli(args, env);

    before(async () => {
      server = await startTestServer(backend);
      env = cliEnv(server.database.url, server.database.home);
      A = (await createWorkspace(server, uniqueName('cli-a'))).name;
      B = (await createWorkspace(server, uniqueName('cli-b'))).name;
      alice = await makeUser(server, { workspaces: [A, B] });

      await newDataset(server, A, { name: 'reviews', settings: SENTIMENT });
      await logRecords(server, A, 'reviews', [1, 2, 3, 4, 5].map((i) => ({ id: `r${i}`, fields: { text: `t${i}` } })));
      await annotateOk(server, alice.apiKey, A, 'reviews', 'r1', ['pos']);
      await annotateOk(server, server.adminKey, A, 'reviews', 'r1', ['neg']);
      await annotateOk(server, alice.apiKey, A, 'reviews', 'r4', ['neg']);
      await newDataset(server, A, { name: 'empty-one' });
      await newDataset(server, B, { name: 'tweets', settings: SENTIMENT });
      await logRecords(server, B, 'tweets', [{ id: 'x', fields: { text: 'x' } }, { id: 'y', fields: { text: 'y' } }]);
      await annotateOk(server, alice.apiKey, B, 'tweets', 'y', ['pos']);
    });
    after(() => server.close());

    it('list shows every dataset with its workspace and counts (records, annotated), exit 0', async () => {
      const result = await cli('datasets', 'list');
      assert.equal(result.code, 0, show(result));
      const reviews = rowOf(result.stdout, A, 'reviews');
      const empty = rowOf(result.stdout, A, 'empty-one');
      const tweets = rowOf(result.stdout, B, 'tweets');
      assert.ok(reviews && empty && tweets, show(result));
      // columns after workspace and name: records, annotated
      assert.deepEqual(reviews.slice(reviews.indexOf('reviews') + 1, reviews.indexOf('reviews') + 3), ['5', '2'], show(result));
      assert.deepEqual(empty.slice(empty.indexOf('empty-one') + 1, empty.indexOf('empty-one') + 3), ['0', '0'], show(result));
      assert.deepEqual(tweets.slice(tweets.indexOf('tweets') + 1, tweets.indexOf('tweets') + 3), ['2', '1'], show(result));
      assert.match(result.stdout, /records/i);
      assert.match(result.stdout, /annotated/i);
    });

    it('list --workspace shows only that workspace', async () => {
      const result = await cli('datasets', 'list', '--workspace', B);
      assert.equal(result.code, 0, show(result));
      assert.ok(rowOf(result.stdout, B, 'tweets'), show(result));
      assert.doesNotMatch(result.stdout, /reviews|empty-one/, show(result));
      assert.ok(!result.stdout.includes(A), show(result));

      const a = await cli('datasets', 'list', '--workspace', A);
      assert.equal(a.code, 0, show(a));
      assert.ok(rowOf(a.stdout, A, 'reviews'));
      assert.ok(rowOf(a.stdout, A, 'empty-one'));
      assert.doesNotMatch(a.stdout, /tweets/);
    });

    it('list --workspace of an unknown workspace: exit 1 with a clear message', async () => {
      const missing = uniqueName('nowhere');
      const result = await cli('datasets', 'list', '--workspace', missing);
      assert.equal(result.code, 1, show(result));
      assert.match(result.stderr, /^Error: /m, show(result));
      assert.ok(result.stderr.includes(missing), show(result));
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'stack trace');
    });

    it('delete <name> --workspace <ws> deletes the dataset with its records and annotations, exit 0', async () => {
      await newDataset(server, B, { name: 'doomed', settings: SENTIMENT });
      await newDataset(server, A, { name: 'doomed', settings: SENTIMENT }); // same name elsewhere: kept
      await logRecords(server, B, 'doomed', [{ id: 'a', fields: { t: 1 } }, { id: 'b', fields: { t: 2 } }]);
      await annotateOk(server, alice.apiKey, B, 'doomed', 'a', ['pos']);
      const row = (await datasetRow(server, B, 'doomed'))!;

      const result = await cli('datasets', 'delete', 'doomed', '--workspace', B);
      assert.equal(result.code, 0, show(result));
      assert.match(result.stdout, /doomed/, show(result));
      assert.equal(await datasetRow(server, B, 'doomed'), undefined);
      assert.equal(await countWhere(server, 'records', row.id), 0);
      assert.equal(await countWhere(server, 'annotations', row.id), 0);
      assert.ok(await datasetRow(server, A, 'doomed'), 'the dataset of the same name in another workspace was deleted');
      assertProblem(await call(server, 'GET', dsPath(B, 'doomed'), { key: server.adminKey }), 404, 'dataset_not_found');

      const list = await cli('datasets', 'list', '--workspace', B);
      assert.equal(rowOf(list.stdout, B, 'doomed'), undefined, show(list));
    });

    it('delete of an unknown dataset: exit 1 with a clear message, nothing written', async () => {
      const before = await snapshot(server);
      const result = await cli('datasets', 'delete', 'no-such-dataset', '--workspace', A);
      assert.equal(result.code, 1, show(result));
      const errors = lines(result.stderr);
      assert.equal(errors.length, 1, show(result));
      assert.match(errors[0]!, /^Error: .*no-such-dataset/, show(result));
      assert.match(errors[0]!, /does not exist|not found/i, show(result));
      assert.doesNotMatch(result.stdout, /deleted/i, show(result));
      assert.deepEqual(await snapshot(server), before);
    });

    it('delete in an unknown workspace: exit 1 naming it, nothing written', async () => {
      const before = await snapshot(server);
      const missing = uniqueName('nowhere');
      const result = await cli('datasets', 'delete', 'reviews', '--workspace', missing);
      assert.equal(result.code, 1, show(result));
      assert.ok(result.stderr.includes(missing), show(result));
      assert.deepEqual(await snapshot(server), before);
    });

    it('delete without --workspace (or without a name): usage error, exit 2, nothing written', async () => {
      const before = await snapshot(server);
      const noWorkspace = await cli('datasets', 'delete', 'reviews');
      assert.equal(noWorkspace.code, 2, show(noWorkspace));
      assert.match(noWorkspace.stderr, /--workspace/, show(noWorkspace));
      const noName = await cli('datasets', 'delete', '--workspace', A);
      assert.equal(noName.code, 2, show(noName));
      const noValue = await cli('datasets', 'delete', 'reviews', '--workspace');
      assert.equal(noValue.code, 2, show(noValue));
      assert.deepEqual(await snapshot(server), before);
      assert.ok(await datasetRow(server, A, 'reviews'));
    });

    it('--help describes both commands', async () => {
      for (const command of ['list', 'delete']) {
        const result = await cli('datasets', command, '--help');
        assert.equal(result.code, 0, show(result));
        assert.match(result.stdout, /--workspace/, show(result));
      }
    });
  });
}

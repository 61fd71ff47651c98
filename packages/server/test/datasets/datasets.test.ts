// Datasets: create, list with counts, read, settings, delete, and the workspace
// that cannot be deleted while it holds datasets.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertPointsAt, assertProblem, ISO_UTC, UUID, workspaceExists } from '../http/support.js';
import {
  annotateOk,
  countWhere,
  createWorkspace,
  DATASET_KEYS,
  datasetRow,
  dsPath,
  logRecords,
  newDataset,
  SENTIMENT,
  snapshot,
  uniqueName,
} from './support.js';

/** Settings that break a rule, and the pointer (relative to the settings object) it must name. */
const BAD_SETTINGS: Array<{ name: string; settings: unknown; at: string }> = [
  { name: 'another task', settings: { task: 'token_classification', labels: ['a'] }, at: 'task' },
  { name: 'task not text', settings: { task: 5, labels: ['a'] }, at: 'task' },
  { name: 'labels not a list', settings: { labels: 'pos,neg' }, at: 'labels' },
  { name: 'a duplicate label', settings: { labels: ['pos', 'neg', 'pos'] }, at: 'labels/2' },
  { name: 'an empty label', settings: { labels: ['pos', ''] }, at: 'labels/1' },
  { name: 'a blank label', settings: { labels: ['  '] }, at: 'labels/0' },
  { name: 'a label that is not text', settings: { labels: ['pos', 7] }, at: 'labels/1' },
  { name: 'a null label', settings: { labels: [null] }, at: 'labels/0' },
  { name: 'multi_label not a boolean', settings: { labels: ['a'], multi_label: 'yes' }, at: 'multi_label' },
  { name: 'multi_label as a number', settings: { labels: ['a'], multi_label: 1 }, at: 'multi_label' },
];

for (const backend of backends()) {
  describe(`datasets (${backend.name})`, () => {
    let server: TestServer;
    let W: string;
    let W2: string;
    let alice: Made;
    let bob: Made;

    before(async () => {
      server = await startTestServer(backend);
      W = (await createWorkspace(server)).name;
      W2 = (await createWorkspace(server)).name;
      alice = await makeUser(server, { workspaces: [W] });
      bob = await makeUser(server, { workspaces: [W] });
    });
    after(() => server.close());

    it('create returns {id, name, workspace, settings, created_by, inserted_at, updated_at} and stores it', async () => {
      const name = uniqueName('ds');
      const reply = await call(server, 'POST', dsPath(W), { key: server.adminKey, json: { name, settings: SENTIMENT } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      const body = reply.body;
      assert.deepEqual(Object.keys(body).sort(), DATASET_KEYS);
      assert.match(body.id, UUID);
      assert.equal(body.name, name);
      assert.equal(body.workspace, W);
      assert.deepEqual(body.settings, SENTIMENT);
      assert.equal(body.created_by, 'argilla');
      assert.match(body.inserted_at, ISO_UTC);
      assert.match(body.updated_at, ISO_UTC);
      assert.ok(Date.parse(body.updated_at) >= Date.parse(body.inserted_at));
      const row = await datasetRow(server, W, name);
      assert.ok(row);
      assert.equal(row.id, body.id);

      const read = await call(server, 'GET', dsPath(W, name), { key: alice.apiKey });
      assert.equal(read.status, 200);
      for (const key of DATASET_KEYS) assert.deepEqual(read.body[key], body[key], key);
      assert.equal(read.body.records, 0);
      assert.equal(read.body.annotated, 0);
    });

    it('create without settings gets the default labelling schema', async () => {
      const body = await newDataset(server, W);
      assert.deepEqual(body.settings, { task: 'text_classification', labels: [], multi_label: false });
    });

    it('create with partial settings fills in the rest', async () => {
      const body = await newDataset(server, W, { settings: { labels: ['x', 'y'] } });
      assert.deepEqual(body.settings, { task: 'text_classification', labels: ['x', 'y'], multi_label: false });
    });

    it('a duplicate name in the same workspace is a 409; the same name in another workspace is fine', async () => {
      const name = uniqueName('dup');
      const first = await newDataset(server, W, { name, settings: SENTIMENT });
      const before = await snapshot(server);
      const body = assertProblem(await call(server, 'POST', dsPath(W), { key: server.adminKey, json: { name, settings: { labels: ['z'] } } }), 409, 'dataset_already_exists');
      assert.match(body.detail, new RegExp(name));
      assert.deepEqual(await snapshot(server), before);
      const row = await datasetRow(server, W, name);
      assert.equal(row!.id, first.id);
      assert.deepEqual(JSON.parse(row!.settings), SENTIMENT);

      const other = await newDataset(server, W2, { name });
      assert.equal(other.workspace, W2);
      assert.notEqual(other.id, first.id);
      assert.ok(await datasetRow(server, W2, name));
    });

    it('an invalid name is a 422 at /name, nothing written', async () => {
      const before = await snapshot(server);
      for (const name of ['My Dataset', 'UPPER', 'a/b', 'a.b', '_x', '-x', '-', '', 'name\n', 'a b']) {
        const reply = await call(server, 'POST', dsPath(W), { key: server.adminKey, json: { name } });
        assertProblem(reply, 422);
        assertPointsAt(reply, 'name');
      }
      const missing = await call(server, 'POST', dsPath(W), { key: server.adminKey, json: {} });
      assertProblem(missing, 422);
      assertPointsAt(missing, 'name');
      assert.deepEqual(await snapshot(server), before);
    });

    for (const bad of BAD_SETTINGS) {
      it(`settings with ${bad.name}: 422 pointing at it, on create and on PUT; nothing written`, async () => {
        const name = uniqueName('set');
        const before = await snapshot(server);
        const created = await call(server, 'POST', dsPath(W), { key: server.adminKey, json: { name, settings: bad.settings } });
        assertProblem(created, 422);
        assertPointsAt(created, `settings/${bad.at}`);
        assert.deepEqual(await snapshot(server), before, 'a refused create wrote something');

        const dataset = await newDataset(server, W, { settings: SENTIMENT });
        const put = await call(server, 'PUT', dsPath(W, dataset.name, '/settings'), { key: server.adminKey, json: bad.settings });
        assertProblem(put, 422);
        assertPointsAt(put, bad.at);
        const row = await datasetRow(server, W, dataset.name);
        assert.deepEqual(JSON.parse(row!.settings), SENTIMENT, 'a refused PUT changed the settings');
        assert.equal(row!.updated_at, dataset.updated_at);
      });
    }

    it('settings that are not an object: 422', async () => {
      const dataset = await newDataset(server, W, { settings: SENTIMENT });
      for (const settings of [['pos'], 'pos', 5, true]) {
        assertProblem(await call(server, 'POST', dsPath(W), { key: server.adminKey, json: { name: uniqueName('s'), settings } }), 422);
        assertProblem(await call(server, 'PUT', dsPath(W, dataset.name, '/settings'), { key: server.adminKey, json: settings }), 422);
      }
      assert.deepEqual(JSON.parse((await datasetRow(server, W, dataset.name))!.settings), SENTIMENT);
    });

    it('GET and PUT settings: the new schema is returned, stored, and seen by readers', async () => {
      const dataset = await newDataset(server, W, { settings: SENTIMENT });
      const got = await call(server, 'GET', dsPath(W, dataset.name, '/settings'), { key: alice.apiKey });
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, SENTIMENT);

      const next = { task: 'text_classification', labels: ['pos', 'neg', 'neutral'], multi_label: true };
      const put = await call(server, 'PUT', dsPath(W, dataset.name, '/settings'), { key: server.adminKey, json: next });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.deepEqual(put.body, next);
      assert.deepEqual((await call(server, 'GET', dsPath(W, dataset.name, '/settings'), { key: alice.apiKey })).body, next);
      assert.deepEqual((await call(server, 'GET', dsPath(W, dataset.name), { key: alice.apiKey })).body.settings, next);
      assert.deepEqual(JSON.parse((await datasetRow(server, W, dataset.name))!.settings), next);

      // the new schema governs annotations at once
      await logRecords(server, W, dataset.name, [{ id: 'r1', fields: { text: 'meh' } }]);
      const record = await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['neutral', 'pos']);
      assert.deepEqual(record.annotations[0].value.labels.sort(), ['neutral', 'pos']);
    });

    it('an unknown dataset is a 404 on every route', async () => {
      const name = uniqueName('ghost');
      const before = await snapshot(server);
      for (const [method, suffix, json] of [
        ['GET', '', undefined],
        ['DELETE', '', undefined],
        ['GET', '/settings', undefined],
        ['PUT', '/settings', SENTIMENT],
        ['POST', '/records:bulk', { records: [{ fields: { a: 1 } }] }],
        ['GET', '/records', undefined],
        ['PUT', '/records/r1/annotation', { value: { labels: [] }, status: 'discarded' }],
        ['POST', ':copy', { name: uniqueName('c') }],
      ] as const) {
        const path = suffix === ':copy' ? dsPath(W, `${name}:copy`) : dsPath(W, name, suffix);
        const body = assertProblem(await call(server, method, path, { key: server.adminKey, json }), 404, 'dataset_not_found');
        assert.equal(body.params.name, name, `${method} ${suffix}`);
      }
      assert.deepEqual(await snapshot(server), before);
    });

    it('list: the datasets of the workspace in creation order, with records and annotated counts', async () => {
      const workspace = await createWorkspace(server);
      const ws = workspace.name;
      for (const user of [alice, bob]) {
        assert.equal((await call(server, 'POST', `/api/workspaces/${workspace.id}/users/${user.id}`, { key: server.adminKey })).status, 200);
      }

      const empty = await call(server, 'GET', dsPath(ws), { key: alice.apiKey });
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.body, []);

      const first = await newDataset(server, ws, { name: 'zeta', settings: SENTIMENT });
      const second = await newDataset(server, ws, { name: 'alpha', settings: SENTIMENT });
      const third = await newDataset(server, ws, { name: 'mid', settings: SENTIMENT });
      await newDataset(server, W2, { name: 'elsewhere' });

      await logRecords(server, ws, 'zeta', [1, 2, 3, 4].map((i) => ({ id: `r${i}`, fields: { text: `t${i}` } })));
      await logRecords(server, ws, 'alpha', [{ id: 'only', fields: { text: 'x' } }], alice.apiKey);
      await annotateOk(server, alice.apiKey, ws, 'zeta', 'r1', ['pos']);
      await annotateOk(server, bob.apiKey, ws, 'zeta', 'r1', ['neg']); // same record twice: counts once
      await annotateOk(server, bob.apiKey, ws, 'zeta', 'r3', [], 'discarded');
      await annotateOk(server, alice.apiKey, ws, 'zeta', 'r3', ['pos']);

      const list = await call(server, 'GET', dsPath(ws), { key: bob.apiKey });
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.map((d: any) => [d.name, d.records, d.annotated]),
        [
          ['zeta', 4, 2],
          ['alpha', 1, 0],
          ['mid', 0, 0],
        ],
      );
      assert.deepEqual(
        list.body.map((d: any) => d.id),
        [first.id, second.id, third.id],
      );
      for (const d of list.body) {
        for (const key of DATASET_KEYS) assert.ok(key in d, `missing ${key} in ${JSON.stringify(d)}`);
        assert.equal(d.workspace, ws);
      }

      const one = await call(server, 'GET', dsPath(ws, 'zeta'), { key: alice.apiKey });
      assert.equal(one.body.records, 4);
      assert.equal(one.body.annotated, 2);

      // counts follow logging more and re-annotating
      await logRecords(server, ws, 'zeta', [{ id: 'r5', fields: { text: 't5' } }, { id: 'r1', fields: { text: 'again' } }]);
      await annotateOk(server, alice.apiKey, ws, 'zeta', 'r5', ['neg']);
      await annotateOk(server, alice.apiKey, ws, 'zeta', 'r1', ['neg']);
      const after = await call(server, 'GET', dsPath(ws), { key: alice.apiKey });
      assert.deepEqual(
        after.body.map((d: any) => [d.name, d.records, d.annotated]),
        [
          ['zeta', 5, 3],
          ['alpha', 1, 0],
          ['mid', 0, 0],
        ],
      );
    });

    it('delete returns the dataset and removes it with its records and annotations; others untouched', async () => {
      const doomed = await newDataset(server, W, { settings: SENTIMENT });
      const kept = await newDataset(server, W, { settings: SENTIMENT });
      for (const d of [doomed, kept]) {
        await logRecords(server, W, d.name, [1, 2, 3].map((i) => ({ id: `r${i}`, fields: { text: `t${i}` } })));
        await annotateOk(server, alice.apiKey, W, d.name, 'r1', ['pos']);
        await annotateOk(server, bob.apiKey, W, d.name, 'r1', ['neg']);
        await annotateOk(server, bob.apiKey, W, d.name, 'r2', ['neg']);
      }
      assert.equal(await countWhere(server, 'records', doomed.id), 3);
      assert.equal(await countWhere(server, 'annotations', doomed.id), 3);

      const reply = await call(server, 'DELETE', dsPath(W, doomed.name), { key: server.adminKey });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.id, doomed.id);
      assert.equal(reply.body.name, doomed.name);
      assert.equal(reply.body.workspace, W);
      assert.deepEqual(reply.body.settings, SENTIMENT);

      assert.equal(await countWhere(server, 'datasets', doomed.id), 0);
      assert.equal(await countWhere(server, 'records', doomed.id), 0);
      assert.equal(await countWhere(server, 'annotations', doomed.id), 0);
      assert.equal(await countWhere(server, 'records', kept.id), 3);
      assert.equal(await countWhere(server, 'annotations', kept.id), 3);

      assertProblem(await call(server, 'GET', dsPath(W, doomed.name), { key: server.adminKey }), 404, 'dataset_not_found');
      assertProblem(await call(server, 'DELETE', dsPath(W, doomed.name), { key: server.adminKey }), 404, 'dataset_not_found');
      assert.ok(!(await call(server, 'GET', dsPath(W), { key: server.adminKey })).body.some((d: any) => d.name === doomed.name));

      // the name is free again, and the new dataset starts empty
      const again = await newDataset(server, W, { name: doomed.name });
      assert.notEqual(again.id, doomed.id);
      assert.equal((await call(server, 'GET', dsPath(W, doomed.name, '/records'), { key: server.adminKey })).body.items.length, 0);
    });

    it('DELETE /api/workspaces/{id}: 409 workspace_not_empty while datasets remain, 200 once they are deleted', async () => {
      const ws = await createWorkspace(server);
      const a = await newDataset(server, ws.name);
      const b = await newDataset(server, ws.name);
      await logRecords(server, ws.name, a.name, [{ fields: { text: 'x' } }]);

      const before = await snapshot(server);
      const body = assertProblem(await call(server, 'DELETE', `/api/workspaces/${ws.id}`, { key: server.adminKey }), 409, 'workspace_not_empty');
      assert.match(body.detail, new RegExp(ws.name));
      assert.deepEqual(await snapshot(server), before);
      assert.ok(await workspaceExists(server, ws.name));

      assert.equal((await call(server, 'DELETE', dsPath(ws.name, a.name), { key: server.adminKey })).status, 200);
      assertProblem(await call(server, 'DELETE', `/api/workspaces/${ws.id}`, { key: server.adminKey }), 409, 'workspace_not_empty');
      assert.ok(await workspaceExists(server, ws.name));

      assert.equal((await call(server, 'DELETE', dsPath(ws.name, b.name), { key: server.adminKey })).status, 200);
      const deleted = await call(server, 'DELETE', `/api/workspaces/${ws.id}`, { key: server.adminKey });
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
      assert.equal(deleted.body.name, ws.name);
      assert.ok(!(await workspaceExists(server, ws.name)));
      assertProblem(await call(server, 'GET', dsPath(ws.name), { key: server.adminKey }), 404, 'workspace_not_found');
    });

    it("created_by keeps the creator's username after that admin is deleted", async () => {
      const creator = await makeUser(server, { role: 'admin' });
      const dataset = await newDataset(server, W, { key: creator.apiKey });
      assert.equal(dataset.created_by, creator.username);
      assert.equal((await call(server, 'DELETE', `/api/users/${creator.id}`, { key: server.adminKey })).status, 200);
      const read = await call(server, 'GET', dsPath(W, dataset.name), { key: server.adminKey });
      assert.equal(read.status, 200);
      assert.equal(read.body.created_by, creator.username);
    });
  });
}

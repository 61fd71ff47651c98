// Copying a dataset to another workspace: POST /api/datasets/{name}:copy
// {name, target_workspace} carries the settings, every record (same ids, same order) and every
// annotation with its attribution; unknown target 404, name taken there 409; the copy is independent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertPointsAt, assertProblem, ISO_UTC, UUID } from '../http/support.js';
import {
  annotateOk,
  attribution,
  countWhere,
  createWorkspace,
  DATASET_KEYS,
  datasetRow,
  dsPath,
  loadAll,
  logMany,
  logRecords,
  newDataset,
  snapshot,
  uniqueName,
} from './support.js';

const SETTINGS = { task: 'text_classification' as const, labels: ['pos', 'neg', 'neutral'], multi_label: true };

/** What a record is, apart from when it was written. */
function content(record: any) {
  return { id: record.id, fields: record.fields, metadata: record.metadata, annotations: attribution(record) };
}

for (const backend of backends()) {
  describe(`copying datasets (${backend.name})`, () => {
    let server: TestServer;
    let W: string;
    let T: string;
    let alice: Made;
    let bob: Made;

    before(async () => {
      server = await startTestServer(backend);
      W = (await createWorkspace(server)).name;
      T = (await createWorkspace(server)).name;
      alice = await makeUser(server, { workspaces: [W, T] });
      bob = await makeUser(server, { workspaces: [W] });
    });
    after(() => server.close());

    function copy(source: string, json: unknown, workspace = W, key = server.adminKey) {
      return call(server, 'POST', dsPath(workspace, `${source}:copy`), { key, json });
    }

    /** A dataset in W with 650 records (ids in an order unlike their text order) and annotations by two users. */
    async function source(): Promise<{ dataset: any; items: any[] }> {
      const dataset = await newDataset(server, W, { settings: SETTINGS });
      const records = Array.from({ length: 650 }, (_, i) => ({
        id: i % 3 === 0 ? `z-${1000 - i}` : String(i),
        fields: { text: `record ${i}`, n: i },
        metadata: i % 2 ? { odd: true, i } : { i },
      }));
      await logMany(server, W, dataset.name, records);
      await annotateOk(server, alice.apiKey, W, dataset.name, records[0]!.id, ['pos']);
      await annotateOk(server, bob.apiKey, W, dataset.name, records[0]!.id, ['neg', 'neutral']);
      await annotateOk(server, bob.apiKey, W, dataset.name, records[1]!.id, [], 'discarded');
      await annotateOk(server, alice.apiKey, W, dataset.name, records[649]!.id, ['neutral']);
      await annotateOk(server, server.adminKey, W, dataset.name, records[500]!.id, ['pos', 'neg']);
      const items = (await loadAll(server, W, dataset.name, { limit: 1000 })).items;
      assert.equal(items.length, 650);
      return { dataset, items };
    }

    it('copies settings, every record (same ids, same order) and every annotation with its attribution', async () => {
      const { dataset, items } = await source();
      const name = uniqueName('copy');
      const reply = await copy(dataset.name, { name, target_workspace: T });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      const body = reply.body;
      for (const key of DATASET_KEYS) assert.ok(key in body, `missing ${key} in ${JSON.stringify(body)}`);
      assert.match(body.id, UUID);
      assert.notEqual(body.id, dataset.id);
      assert.equal(body.name, name);
      assert.equal(body.workspace, T);
      assert.deepEqual(body.settings, SETTINGS);
      assert.equal(body.created_by, 'argilla');
      assert.match(body.inserted_at, ISO_UTC);

      // read back from the target workspace, by an annotator member of it
      const settings = await call(server, 'GET', dsPath(T, name, '/settings'), { key: alice.apiKey });
      assert.deepEqual(settings.body, SETTINGS);
      const copied = (await loadAll(server, T, name, { key: alice.apiKey, limit: 100 })).items;
      assert.equal(copied.length, 650);
      assert.deepEqual(
        copied.map((r) => r.id),
        items.map((r) => r.id),
        'ids or order differ',
      );
      assert.deepEqual(copied.map(content), items.map(content));
      assert.equal(copied[0].annotations.length, 2);
      assert.deepEqual(
        attribution(copied[0]).map((a) => a.user_id).sort(),
        [alice.id, bob.id].sort(),
      );

      const list = await call(server, 'GET', dsPath(T), { key: alice.apiKey });
      const summary = list.body.find((d: any) => d.name === name);
      assert.equal(summary.records, 650);
      assert.equal(summary.annotated, 4);

      // filters work on the copy as on the source
      const byBob = (await loadAll(server, T, name, { filters: { annotated_by: bob.username } })).items.map((r) => r.id);
      assert.deepEqual(byBob, [items[0].id, items[1].id]);

      // the source is unchanged
      assert.deepEqual((await loadAll(server, W, dataset.name, { limit: 1000 })).items, items);
    });

    it('copy without target_workspace stays in the same workspace', async () => {
      const dataset = await newDataset(server, W, { settings: SETTINGS });
      await logRecords(server, W, dataset.name, [{ id: 'a', fields: { t: 1 } }]);
      const name = uniqueName('same');
      const reply = await copy(dataset.name, { name });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.workspace, W);
      assert.ok(await datasetRow(server, W, name));
    });

    it('an unknown target workspace is a 404; nothing written', async () => {
      const dataset = await newDataset(server, W, { settings: SETTINGS });
      await logRecords(server, W, dataset.name, [{ id: 'a', fields: { t: 1 } }]);
      const missing = uniqueName('nowhere');
      const before = await snapshot(server);
      const body = assertProblem(await copy(dataset.name, { name: uniqueName('c'), target_workspace: missing }), 404, 'workspace_not_found');
      assert.equal(body.params.name, missing);
      assert.deepEqual(await snapshot(server), before);
    });

    it('a name taken in the target workspace is a 409; nothing written (no partial copy)', async () => {
      const { dataset } = await source();
      const taken = await newDataset(server, T, { settings: { labels: ['other'] } });
      await logRecords(server, T, taken.name, [{ id: 'keep', fields: { t: 'mine' } }]);
      const before = await snapshot(server);
      assertProblem(await copy(dataset.name, { name: taken.name, target_workspace: T }), 409, 'dataset_already_exists');
      assert.deepEqual(await snapshot(server), before);
      assert.deepEqual(
        (await loadAll(server, T, taken.name)).items.map((r) => r.id),
        ['keep'],
      );
      // the same name in the source's own workspace is taken too (by the source itself)
      assertProblem(await copy(dataset.name, { name: dataset.name }), 409, 'dataset_already_exists');
      assert.deepEqual(await snapshot(server), before);
    });

    it('an invalid name for the copy is a 422; nothing written', async () => {
      const dataset = await newDataset(server, W);
      const before = await snapshot(server);
      for (const json of [{ name: 'Bad Name', target_workspace: T }, { name: '', target_workspace: T }, { target_workspace: T }]) {
        const reply = await copy(dataset.name, json);
        assertProblem(reply, 422);
        assertPointsAt(reply, 'name');
      }
      assert.deepEqual(await snapshot(server), before);
    });

    it('the copy is independent of its source: changes to either do not reach the other; deleting the source keeps the copy', async () => {
      const { dataset, items } = await source();
      const name = uniqueName('indep');
      assert.equal((await copy(dataset.name, { name, target_workspace: T })).status, 200);
      const copyRow = await datasetRow(server, T, name);

      // changes to the source
      await logRecords(server, W, dataset.name, [{ id: 'new-in-source', fields: { t: 1 } }, { id: items[5].id, fields: { t: 'changed' } }]);
      await annotateOk(server, alice.apiKey, W, dataset.name, items[2].id, ['pos']);
      const newSettings = { task: 'text_classification', labels: ['only'], multi_label: false };
      assert.equal((await call(server, 'PUT', dsPath(W, dataset.name, '/settings'), { key: server.adminKey, json: newSettings })).status, 200);
      // changes to the copy
      await annotateOk(server, alice.apiKey, T, name, items[3].id, ['neg']);

      const copied = (await loadAll(server, T, name, { limit: 1000 })).items;
      assert.equal(copied.length, 650);
      assert.ok(!copied.some((r) => r.id === 'new-in-source'));
      assert.deepEqual(copied[5].fields, items[5].fields);
      assert.deepEqual(copied[2].annotations, []);
      assert.deepEqual((await call(server, 'GET', dsPath(T, name, '/settings'), { key: server.adminKey })).body, SETTINGS);
      const sourceNow = (await loadAll(server, W, dataset.name, { limit: 1000 })).items;
      assert.deepEqual(sourceNow[3].annotations, []);

      // delete the source: the copy keeps everything
      assert.equal((await call(server, 'DELETE', dsPath(W, dataset.name), { key: server.adminKey })).status, 200);
      assert.equal(await countWhere(server, 'records', dataset.id), 0);
      assert.equal(await countWhere(server, 'records', copyRow!.id), 650);
      const after = (await loadAll(server, T, name, { limit: 1000 })).items;
      assert.deepEqual(after.map(content), copied.map(content));
      assert.equal(after.filter((r) => r.annotations.length > 0).length, 5);
    });

    it('a copy of a copy carries everything too', async () => {
      const { dataset, items } = await source();
      const first = uniqueName('c1');
      const second = uniqueName('c2');
      assert.equal((await copy(dataset.name, { name: first, target_workspace: T })).status, 200);
      assert.equal((await copy(first, { name: second, target_workspace: W }, T)).status, 200);
      const copied = (await loadAll(server, W, second, { limit: 1000 })).items;
      assert.deepEqual(copied.map(content), items.map(content));
    });
  });
}

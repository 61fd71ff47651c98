// Annotations: PUT .../records/{id}/annotation stores the caller's annotation,
// one per record and user, checked against the dataset's labelling schema, and attributed to the
// caller by user id and username; the username survives the user's deletion.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, loginToken, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertPointsAt, assertProblem, ISO_UTC } from '../http/support.js';
import {
  annotate,
  annotateOk,
  annotationPath,
  annotationRows,
  attribution,
  createWorkspace,
  idsWhere,
  loadAll,
  logRecords,
  newDataset,
  SENTIMENT,
  snapshot,
} from './support.js';

for (const backend of backends()) {
  describe(`annotations (${backend.name})`, () => {
    let server: TestServer;
    let W: string;
    let alice: Made;
    let bob: Made;

    before(async () => {
      server = await startTestServer(backend);
      W = (await createWorkspace(server)).name;
      alice = await makeUser(server, { workspaces: [W] });
      bob = await makeUser(server, { workspaces: [W] });
    });
    after(() => server.close());

    async function datasetWith(settings = SENTIMENT, ids = ['r1', 'r2']) {
      const dataset = await newDataset(server, W, { settings });
      await logRecords(server, W, dataset.name, ids.map((id) => ({ id, fields: { text: `text of ${id}` }, metadata: { id } })));
      return dataset;
    }

    it('two users annotate a record: two annotations, each with its user_id and username', async () => {
      const dataset = await datasetWith();
      const first = await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['pos']);
      assert.equal(first.id, 'r1');
      assert.deepEqual(first.fields, { text: 'text of r1' });
      assert.deepEqual(first.metadata, { id: 'r1' });
      assert.deepEqual(attribution(first), [{ user_id: alice.id, username: alice.username, labels: ['pos'], status: 'submitted' }]);
      assert.match(first.annotations[0].updated_at, ISO_UTC);

      const second = await annotateOk(server, bob.apiKey, W, dataset.name, 'r1', ['neg']);
      const expected = [
        { user_id: alice.id, username: alice.username, labels: ['pos'], status: 'submitted' },
        { user_id: bob.id, username: bob.username, labels: ['neg'], status: 'submitted' },
      ].sort((a, b) => a.username.localeCompare(b.username));
      assert.deepEqual(attribution(second), expected);

      const loaded = (await loadAll(server, W, dataset.name)).items;
      assert.deepEqual(attribution(loaded[0]), expected);
      assert.deepEqual(loaded[1].annotations, []);
      for (const a of loaded[0].annotations) assert.deepEqual(Object.keys(a).sort(), ['status', 'updated_at', 'user_id', 'username', 'value']);

      const rows = await annotationRows(server, dataset.id, 'r1');
      assert.deepEqual(rows.map((r) => r.user_id).sort(), [alice.id, bob.id].sort());
    });

    it("the annotation is the caller's, however the caller authenticates (login token too)", async () => {
      const dataset = await datasetWith();
      const token = await loginToken(server, bob.username, bob.password);
      const reply = await call(server, 'PUT', annotationPath(W, dataset.name, 'r2'), { bearer: token, json: { value: { labels: ['pos'] } } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(attribution(reply.body), [{ user_id: bob.id, username: bob.username, labels: ['pos'], status: 'submitted' }]);
    });

    it("re-annotating replaces the caller's own annotation and leaves the others'", async () => {
      const dataset = await datasetWith();
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['pos']);
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r1', ['pos']);
      const before = (await annotationRows(server, dataset.id, 'r1')).find((r) => r.user_id === alice.id)!;

      const again = await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['neg']);
      assert.equal(again.annotations.length, 2);
      const mine = again.annotations.find((a: any) => a.user_id === alice.id);
      assert.deepEqual(mine.value, { labels: ['neg'] });
      assert.ok(mine.updated_at > before.updated_at, 'updated_at did not move');
      assert.deepEqual(again.annotations.find((a: any) => a.user_id === bob.id).value, { labels: ['pos'] });

      const rows = await annotationRows(server, dataset.id, 'r1');
      assert.equal(rows.length, 2, JSON.stringify(rows));
      assert.equal(rows.filter((r) => r.user_id === alice.id).length, 1);

      // and once more, to discarded
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', [], 'discarded');
      const loaded = (await loadAll(server, W, dataset.name)).items[0];
      assert.equal(loaded.annotations.length, 2);
      assert.deepEqual(
        attribution(loaded).find((a) => a.user_id === alice.id),
        { user_id: alice.id, username: alice.username, labels: [], status: 'discarded' },
      );
    });

    it('status defaults to submitted', async () => {
      const dataset = await datasetWith();
      const reply = await call(server, 'PUT', annotationPath(W, dataset.name, 'r1'), { key: alice.apiKey, json: { value: { labels: ['neg'] } } });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.annotations[0].status, 'submitted');
    });

    it('an unknown label is a 422 that names the allowed labels; nothing written', async () => {
      const dataset = await datasetWith({ task: 'text_classification', labels: ['pos', 'neg', 'neutral'], multi_label: true });
      const before = await snapshot(server);
      for (const labels of [['positive'], ['pos', 'bogus']]) {
        const reply = await annotate(server, alice.apiKey, W, dataset.name, 'r1', labels);
        const body = assertProblem(reply, 422);
        assertPointsAt(reply, 'labels');
        const text = `${body.detail} ${body.errors.map((e: any) => e.message).join(' ')}`;
        for (const allowed of ['pos', 'neg', 'neutral']) assert.match(text, new RegExp(`\\b${allowed}\\b`), `allowed label ${allowed} not named: ${text}`);
        assert.match(text, new RegExp(labels[labels.length - 1]!), `the unknown label is not named: ${text}`);
      }
      assert.deepEqual(await snapshot(server), before);
    });

    it('two labels on a multi_label=false dataset is a 422; on multi_label=true they are kept', async () => {
      const single = await datasetWith();
      const before = await snapshot(server);
      const reply = await annotate(server, alice.apiKey, W, single.name, 'r1', ['pos', 'neg']);
      assertProblem(reply, 422);
      assertPointsAt(reply, 'labels');
      assert.deepEqual(await snapshot(server), before);

      const multi = await datasetWith({ task: 'text_classification', labels: ['pos', 'neg'], multi_label: true });
      const ok = await annotateOk(server, alice.apiKey, W, multi.name, 'r1', ['pos', 'neg']);
      assert.deepEqual([...ok.annotations[0].value.labels].sort(), ['neg', 'pos']);
    });

    it('status discarded with no labels is accepted', async () => {
      const dataset = await datasetWith();
      const record = await annotateOk(server, bob.apiKey, W, dataset.name, 'r2', [], 'discarded');
      assert.deepEqual(attribution(record), [{ user_id: bob.id, username: bob.username, labels: [], status: 'discarded' }]);
      assert.deepEqual(await idsWhere(server, W, dataset.name, { annotated: true }), ['r2']);
    });

    it('a malformed annotation body is a 422 (bad status, labels not a list, no value); nothing written', async () => {
      const dataset = await datasetWith();
      const before = await snapshot(server);
      for (const json of [
        { value: { labels: ['pos'] }, status: 'maybe' },
        { value: { labels: 'pos' } },
        { value: { labels: [1] } },
        { value: 'pos' },
        {},
      ]) {
        assertProblem(await call(server, 'PUT', annotationPath(W, dataset.name, 'r1'), { key: alice.apiKey, json }), 422);
      }
      assert.deepEqual(await snapshot(server), before);
    });

    it('an unknown record is a 404; nothing written', async () => {
      const dataset = await datasetWith();
      const before = await snapshot(server);
      const body = assertProblem(await annotate(server, alice.apiKey, W, dataset.name, 'no-such-record', ['pos']), 404, 'record_not_found');
      assert.equal(body.params.name, 'no-such-record');
      assert.deepEqual(await snapshot(server), before);
    });

    it('a record of another dataset with the same id is not annotated by mistake', async () => {
      const one = await datasetWith();
      const two = await datasetWith();
      await annotateOk(server, alice.apiKey, W, one.name, 'r1', ['pos']);
      assert.equal((await annotationRows(server, two.id)).length, 0);
      assert.equal((await annotationRows(server, one.id)).length, 1);
    });

    it('a record whose id holds /, spaces, ? or non-ASCII can be annotated (id URL-encoded in the path)', async () => {
      const odd = ['a/b', 'with space', 'q?x=1#h', 'émoji-✓', '100%'];
      const dataset = await datasetWith(SENTIMENT, odd);
      for (const id of odd) {
        const reply = await annotate(server, alice.apiKey, W, dataset.name, id, ['pos']);
        assert.equal(reply.status, 200, `${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
        assert.equal(reply.body.id, id);
      }
      assert.deepEqual((await annotationRows(server, dataset.id)).map((r) => r.record_id).sort(), [...odd].sort());
    });

    it('attribution survives deletion: the annotation keeps the username, user_id becomes null', async () => {
      const dataset = await datasetWith();
      const carol = await makeUser(server, { workspaces: [W] });
      await annotateOk(server, carol.apiKey, W, dataset.name, 'r1', ['neg']);
      await annotateOk(server, carol.apiKey, W, dataset.name, 'r2', [], 'discarded');
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['pos']);

      const deleted = await call(server, 'DELETE', `/api/users/${carol.id}`, { key: server.adminKey });
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
      assert.equal(deleted.body.username, carol.username);

      const items = (await loadAll(server, W, dataset.name)).items;
      assert.deepEqual(
        attribution(items[0]),
        [
          { user_id: null, username: carol.username, labels: ['neg'], status: 'submitted' },
          { user_id: alice.id, username: alice.username, labels: ['pos'], status: 'submitted' },
        ].sort((a, b) => a.username.localeCompare(b.username)),
      );
      assert.deepEqual(attribution(items[1]), [{ user_id: null, username: carol.username, labels: [], status: 'discarded' }]);

      const rows = (await annotationRows(server, dataset.id)).filter((r) => r.username === carol.username);
      assert.equal(rows.length, 2);
      for (const row of rows) assert.equal(row.user_id, null);

      // still found by annotator name, still counted
      assert.deepEqual(await idsWhere(server, W, dataset.name, { annotated_by: carol.username }), ['r1', 'r2']);
      const summary = await call(server, 'GET', `/api/datasets/${dataset.name}?workspace=${W}`, { key: server.adminKey });
      assert.equal(summary.body.annotated, 2);
      // the deleted user's key no longer works
      assertProblem(await annotate(server, carol.apiKey, W, dataset.name, 'r1', ['pos']), 401);
    });
  });
}

// What the web UI's labelling screens use beside the dataset API: the caller's progress on a
// dataset (GET .../progress), the queue of records one user has not annotated yet
// (not_annotated_by), and the checked edit of the labels (PATCH .../settings): renames reach the
// annotations, a label still in use is not dropped, and neither is multi-label while annotations
// hold several labels.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertPointsAt, assertProblem } from '../http/support.js';
import { annotateOk, annotationRows, createWorkspace, dsPath, idsWhere, loadAll, logRecords, newDataset, snapshot } from './support.js';

for (const backend of backends()) {
  describe(`labelling: progress, queue and label edits (${backend.name})`, () => {
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

    async function datasetWith(settings: { labels: string[]; multi_label?: boolean }, count = 6) {
      const dataset = await newDataset(server, W, { settings });
      const ids = Array.from({ length: count }, (_, i) => `r${i}`);
      await logRecords(server, W, dataset.name, ids.map((id) => ({ id, fields: { text: `text of ${id}` } })));
      return { dataset, ids };
    }
    const progress = (name: string, key: string) => call(server, 'GET', dsPath(W, name, '/progress'), { key });
    const edit = (name: string, json: unknown, key = server.adminKey) => call(server, 'PATCH', dsPath(W, name, '/settings'), { key, json });

    it("progress counts the records, those annotated by anyone, and the caller's submitted and discarded ones", async () => {
      const { dataset } = await datasetWith({ labels: ['pos', 'neg'] });
      const empty = await progress(dataset.name, alice.apiKey);
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.body, { records: 6, annotated: 0, annotated_by_me: 0, submitted_by_me: 0, discarded_by_me: 0 });

      await annotateOk(server, alice.apiKey, W, dataset.name, 'r0', ['pos']);
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['neg']);
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r2', [], 'discarded');
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r1', ['pos']);
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r5', ['pos']);
      // annotating again replaces: r0 moves from submitted to discarded
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r0', [], 'discarded');

      assert.deepEqual((await progress(dataset.name, alice.apiKey)).body, { records: 6, annotated: 4, annotated_by_me: 3, submitted_by_me: 1, discarded_by_me: 2 });
      assert.deepEqual((await progress(dataset.name, bob.apiKey)).body, { records: 6, annotated: 4, annotated_by_me: 2, submitted_by_me: 2, discarded_by_me: 0 });
      // The admin's key stands for the user argilla, who annotated nothing.
      assert.deepEqual((await progress(dataset.name, server.adminKey)).body, { records: 6, annotated: 4, annotated_by_me: 0, submitted_by_me: 0, discarded_by_me: 0 });
      // The counts agree with the record filters.
      assert.equal((await idsWhere(server, W, dataset.name, { annotated_by: alice.username })).length, 3);
      assert.equal((await idsWhere(server, W, dataset.name, { annotated: true })).length, 4);
    });

    it('progress and the queue follow the dataset rules: 404 for a non-member, 400 without a workspace', async () => {
      const { dataset } = await datasetWith({ labels: ['pos'] }, 1);
      const outsider = await makeUser(server, { role: 'annotator' });
      assertProblem(await progress(dataset.name, outsider.apiKey), 404, 'workspace_not_found');
      assertProblem(await call(server, 'GET', dsPath(undefined, dataset.name, '/progress'), { key: alice.apiKey }), 400, 'workspace_required');
      assertProblem(await progress('no-such-dataset', alice.apiKey), 404, 'dataset_not_found');
    });

    it("not_annotated_by is one user's queue: the records it has not annotated, whoever else did, in order and paged", async () => {
      const { dataset, ids } = await datasetWith({ labels: ['pos', 'neg'] }, 12);
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['pos']);
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r4', [], 'discarded');
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r2', ['neg']);
      const queue = ids.filter((id) => id !== 'r1' && id !== 'r4');
      const loaded = await loadAll(server, W, dataset.name, { limit: 3, filters: { not_annotated_by: alice.username }, key: alice.apiKey });
      assert.deepEqual(
        loaded.items.map((r) => r.id),
        queue,
      );
      assert.deepEqual(
        loaded.pages.map((page) => page.length),
        [3, 3, 3, 1],
      );
      assert.deepEqual(await idsWhere(server, W, dataset.name, { not_annotated_by: bob.username }), ids.filter((id) => id !== 'r2'));
      // with another filter: not mine, labelled neg by someone
      assert.deepEqual(await idsWhere(server, W, dataset.name, { not_annotated_by: alice.username, label: 'neg' }), ['r2']);
    });

    it('renames a label in the settings and in every annotation that carries it, keeping its place', async () => {
      const { dataset } = await datasetWith({ labels: ['pos', 'neg', 'meh'], multi_label: true });
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r0', ['neg']);
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['pos', 'neg']);
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r1', ['neg', 'meh']);
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r2', ['pos']);

      const reply = await edit(dataset.name, { labels: ['pos', 'negative', 'meh', 'new'], renames: [{ from: 'neg', to: 'negative' }] });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body, { task: 'text_classification', labels: ['pos', 'negative', 'meh', 'new'], multi_label: true });
      assert.deepEqual((await call(server, 'GET', dsPath(W, dataset.name, '/settings'), { key: alice.apiKey })).body, reply.body);

      const records = (await loadAll(server, W, dataset.name)).items;
      const labelsOf = (id: string) =>
        Object.fromEntries(records.find((r) => r.id === id).annotations.map((a: any) => [a.username, a.value.labels]));
      assert.deepEqual(labelsOf('r0'), { [alice.username]: ['negative'] });
      assert.deepEqual(labelsOf('r1'), { [alice.username]: ['pos', 'negative'], [bob.username]: ['negative', 'meh'] });
      assert.deepEqual(labelsOf('r2'), { [bob.username]: ['pos'] });
      // The label filter sees the new name only.
      assert.deepEqual(await idsWhere(server, W, dataset.name, { label: 'negative' }), ['r0', 'r1']);
      assert.deepEqual(await idsWhere(server, W, dataset.name, { label: 'neg' }), []);
      const rows = await annotationRows(server, dataset.id);
      assert.deepEqual(rows.map((r) => r.labels).sort(), ['|negative|', '|negative|meh|', '|pos|', '|pos|negative|']);
      // The renamed label annotates as any other; the old name is refused.
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r3', ['negative', 'new']);
      assertProblem(
        await call(server, 'PUT', dsPath(W, dataset.name, '/records/r3/annotation'), { key: alice.apiKey, json: { value: { labels: ['neg'] } } }),
        422,
        'validation_error',
      );
    });

    it('refuses to remove a label in use, saying which and what to do; nothing changes. An unused one goes', async () => {
      const { dataset } = await datasetWith({ labels: ['pos', 'neg', 'unused'] });
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r0', ['neg']);
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r1', ['neg']);
      const before = await snapshot(server);

      const refused = assertProblem(await edit(dataset.name, { labels: ['pos'] }), 409, 'label_in_use');
      assert.equal(
        refused.detail,
        "Cannot remove 'neg' (2 annotations): existing annotations use it. Rename the label instead (its annotations follow), or keep it until those annotations are changed.",
      );
      assert.deepEqual(refused.params, { labels: ['neg'], annotations: 2 });
      assert.deepEqual(await snapshot(server), before);

      const removed = await edit(dataset.name, { labels: ['pos', 'neg'] });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.deepEqual(removed.body.labels, ['pos', 'neg']);
      // The plain replacement of the settings (PUT) keeps its behaviour: it checks nothing of the annotations.
      const put = await call(server, 'PUT', dsPath(W, dataset.name, '/settings'), { key: server.adminKey, json: { labels: ['pos'] } });
      assert.equal(put.status, 200);
    });

    it('turns multi-label off only while no annotation holds several labels; on, always', async () => {
      const { dataset } = await datasetWith({ labels: ['a', 'b'], multi_label: true });
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r0', ['a', 'b']);
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r0', ['a']);
      const refused = assertProblem(await edit(dataset.name, { multi_label: false }), 409, 'label_in_use');
      assert.match(refused.detail, /^Cannot make this dataset single-label: 1 annotation has several labels\./);
      assert.deepEqual(refused.params, { multi_label: true, annotations: 1 });
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r0', ['b']);
      const single = await edit(dataset.name, { multi_label: false });
      assert.equal(single.status, 200, JSON.stringify(single.body));
      assert.deepEqual(single.body, { task: 'text_classification', labels: ['a', 'b'], multi_label: false });
      assert.equal((await edit(dataset.name, { multi_label: true })).body.multi_label, true);
    });

    it('checks the new labels and renames, with a pointer at the broken part', async () => {
      const { dataset } = await datasetWith({ labels: ['pos', 'neg'] }, 1);
      const cases: Array<{ json: unknown; at: string }> = [
        { json: { labels: ['pos', 'pos'] }, at: 'labels/1' },
        { json: { labels: ['pos', 'a|b'] }, at: 'labels/1' },
        { json: { labels: ['pos', ' '] }, at: 'labels/1' },
        { json: { labels: 'pos' }, at: 'labels' },
        { json: { multi_label: 'yes' }, at: 'multi_label' },
        { json: { labels: ['pos', 'x'], renames: [{ from: 'nope', to: 'x' }] }, at: 'renames/0/from' },
        { json: { labels: ['pos', 'neg'], renames: [{ from: 'neg', to: 'x' }] }, at: 'renames/0/to' },
        { json: { labels: ['pos', 'neg', 'x'], renames: [{ from: 'neg', to: 'x' }] }, at: 'renames/0/from' },
        { json: { labels: ['neg'], renames: [{ from: 'pos', to: 'neg' }] }, at: 'renames/0/to' },
        { json: { labels: ['pos', 'x'], renames: { neg: 'x' } }, at: 'renames' },
        { json: { labels: ['pos', 'x'], renames: [{ from: 'neg' }] }, at: 'renames/0' },
      ];
      const before = await snapshot(server);
      for (const { json, at } of cases) {
        const reply = await edit(dataset.name, json);
        assertProblem(reply, 422, 'validation_error');
        assertPointsAt(reply, at);
      }
      assertProblem(await edit(dataset.name, ['pos']), 422, 'validation_error');
      assert.deepEqual(await snapshot(server), before);
    });

    it('only admins edit labels: 403 for a member annotator, 404 for anyone else; unknown dataset 404', async () => {
      const { dataset } = await datasetWith({ labels: ['pos'] }, 1);
      const outsider = await makeUser(server, { role: 'annotator' });
      assertProblem(await edit(dataset.name, { labels: ['pos', 'x'] }, alice.apiKey), 403, 'forbidden');
      assertProblem(await edit(dataset.name, { labels: ['pos', 'x'] }, outsider.apiKey), 404, 'workspace_not_found');
      assertProblem(await edit('no-such-dataset', { labels: ['x'] }), 404, 'dataset_not_found');
      assert.deepEqual((await call(server, 'GET', dsPath(W, dataset.name, '/settings'), { key: alice.apiKey })).body.labels, ['pos']);
    });
  });
}

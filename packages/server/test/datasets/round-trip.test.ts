// The round trip of issue 6: log records, load them, annotate as two annotators, copy the dataset
// to another workspace, load the copy: records, annotations and their attribution intact; then
// delete an annotating user: both datasets keep the username on its annotations.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { annotateOk, attribution, createWorkspace, dsPath, loadAll, logMany, newDataset, uniqueName } from './support.js';

for (const backend of backends()) {
  describe(`round trip: log, load, annotate, copy, load the copy (${backend.name})`, () => {
    let server: TestServer;
    let source: string;
    let target: string;
    let ann1: Made;
    let ann2: Made;

    before(async () => {
      server = await startTestServer(backend);
      source = (await createWorkspace(server, uniqueName('team-a'))).name;
      target = (await createWorkspace(server, uniqueName('team-b'))).name;
      ann1 = await makeUser(server, { workspaces: [source] });
      // ann2 works in both teams
      ann2 = await makeUser(server, { workspaces: [source, target] });
    });
    after(() => server.close());

    it('everything survives the trip, and attribution survives the annotator', async () => {
      const settings = { task: 'text_classification' as const, labels: ['pos', 'neg'], multi_label: false };
      const dataset = await newDataset(server, source, { name: 'reviews', settings });

      // log 1,100 records as an annotator (client ids for most, generated for some), in batches of 500
      const logged = Array.from({ length: 1100 }, (_, i) =>
        i % 10 === 9 ? { fields: { text: `review ${i}` }, metadata: { i } } : { id: `review-${i}`, fields: { text: `review ${i}` }, metadata: { i } },
      );
      await logMany(server, source, dataset.name, logged, ann1.apiKey);

      // load them all back, a page at a time
      const loaded = (await loadAll(server, source, 'reviews', { key: ann2.apiKey, limit: 250 })).items;
      assert.equal(loaded.length, 1100);
      assert.deepEqual(
        loaded.map((r) => r.metadata.i),
        logged.map((r) => r.metadata.i),
      );
      assert.deepEqual(
        loaded.map((r) => r.fields),
        logged.map((r) => r.fields),
      );

      // annotate: ann1 every 3rd, ann2 every 5th (both on every 15th), ann2 discards one
      const expected = new Map<string, Array<{ user_id: string | null; username: string; labels: string[]; status: string }>>();
      const add = (id: string, who: Made, labels: string[], status = 'submitted') => {
        if (!expected.has(id)) expected.set(id, []);
        expected.get(id)!.push({ user_id: who.id, username: who.username, labels, status });
      };
      for (let i = 0; i < 1100; i += 3) {
        await annotateOk(server, ann1.apiKey, source, 'reviews', loaded[i].id, [i % 2 ? 'pos' : 'neg']);
        add(loaded[i].id, ann1, [i % 2 ? 'pos' : 'neg']);
      }
      for (let i = 0; i < 1100; i += 5) {
        await annotateOk(server, ann2.apiKey, source, 'reviews', loaded[i].id, ['pos']);
        add(loaded[i].id, ann2, ['pos']);
      }
      await annotateOk(server, ann2.apiKey, source, 'reviews', loaded[1].id, [], 'discarded');
      add(loaded[1].id, ann2, [], 'discarded');
      const sorted = (list: any[] | undefined) => [...(list ?? [])].sort((a, b) => a.username.localeCompare(b.username));

      const annotated = (await loadAll(server, source, 'reviews', { limit: 1000 })).items;
      for (const record of annotated) assert.deepEqual(attribution(record), sorted(expected.get(record.id)), record.id);

      // copy to the other team's workspace
      const copy = await call(server, 'POST', dsPath(source, 'reviews:copy'), { key: server.adminKey, json: { name: 'reviews', target_workspace: target } });
      assert.equal(copy.status, 200, JSON.stringify(copy.body));
      assert.equal(copy.body.workspace, target);
      assert.deepEqual(copy.body.settings, settings);

      // load the copy (as ann2, a member of the target) and compare, record by record
      const copied = (await loadAll(server, target, 'reviews', { key: ann2.apiKey, limit: 100 })).items;
      assert.equal(copied.length, 1100);
      assert.deepEqual(
        copied.map((r) => r.id),
        annotated.map((r) => r.id),
      );
      for (let i = 0; i < copied.length; i++) {
        assert.deepEqual(copied[i].fields, annotated[i].fields);
        assert.deepEqual(copied[i].metadata, annotated[i].metadata);
        assert.deepEqual(attribution(copied[i]), attribution(annotated[i]), copied[i].id);
      }
      const summaries = (await call(server, 'GET', dsPath(target), { key: ann2.apiKey })).body;
      const expectedAnnotated = expected.size;
      assert.deepEqual(
        summaries.map((d: any) => [d.name, d.records, d.annotated]),
        [['reviews', 1100, expectedAnnotated]],
      );
      // ann1 is not a member of the target: the copy is not visible to it
      assert.equal((await call(server, 'GET', dsPath(target, 'reviews', '/records'), { key: ann1.apiKey })).status, 404);

      // filters on the copy
      const byAnn1 = (await loadAll(server, target, 'reviews', { filters: { annotated_by: ann1.username }, limit: 1000 })).items;
      assert.equal(byAnn1.length, Math.ceil(1100 / 3));

      // delete ann1: both datasets keep its username, with no user id
      assert.equal((await call(server, 'DELETE', `/api/users/${ann1.id}`, { key: server.adminKey })).status, 200);
      for (const ws of [source, target]) {
        const items = (await loadAll(server, ws, 'reviews', { limit: 1000 })).items;
        assert.equal(items.length, 1100);
        for (const record of items) {
          const want = sorted(expected.get(record.id)).map((a) => (a.username === ann1.username ? { ...a, user_id: null } : a));
          assert.deepEqual(attribution(record), want, `${ws}/${record.id}`);
        }
        const stillFound = (await loadAll(server, ws, 'reviews', { filters: { annotated_by: ann1.username }, limit: 1000 })).items;
        assert.equal(stillFound.length, Math.ceil(1100 / 3), ws);
      }

      // a copy made after the deletion carries the username too
      const late = await call(server, 'POST', dsPath(target, 'reviews:copy'), { key: server.adminKey, json: { name: 'reviews-late', target_workspace: source } });
      assert.equal(late.status, 200, JSON.stringify(late.body));
      const lateItems = (await loadAll(server, source, 'reviews-late', { limit: 1000 })).items;
      const first = lateItems[0];
      assert.deepEqual(
        attribution(first),
        sorted(expected.get(first.id)).map((a) => (a.username === ann1.username ? { ...a, user_id: null } : a)),
      );
    });
  });
}

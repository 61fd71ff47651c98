// Records: bulk logging (at most 500, upsert by id, per-record failures), loading
// with a cursor in logging order, and the filters annotated / annotated_by / label.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertPointsAt, assertProblem, ISO_UTC } from '../http/support.js';
import {
  annotateOk,
  countWhere,
  createWorkspace,
  dsPath,
  idsWhere,
  loadAll,
  logMany,
  logRecords,
  newDataset,
  SENTIMENT,
  snapshot,
} from './support.js';

function records(n: number, from = 0): Array<{ id: string; fields: { text: string }; metadata: { n: number } }> {
  return Array.from({ length: n }, (_, i) => ({ id: `rec-${from + i}`, fields: { text: `text ${from + i}` }, metadata: { n: from + i } }));
}

for (const backend of backends()) {
  describe(`records: logging and loading (${backend.name})`, () => {
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

    function bulk(dataset: string, body: unknown, key = server.adminKey) {
      return call(server, 'POST', dsPath(W, dataset, '/records:bulk'), { key, json: body });
    }

    it('500 records in one request are stored; 501 is a 422 and stores nothing', async () => {
      const dataset = await newDataset(server, W);
      const ok = await bulk(dataset.name, { records: records(500) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(ok.body, { processed: 500, failed: 0, errors: [] });
      assert.equal(await countWhere(server, 'records', dataset.id), 500);

      const before = await snapshot(server);
      const tooMany = await bulk(dataset.name, { records: records(501, 1000) });
      assertProblem(tooMany, 422);
      assertPointsAt(tooMany, 'records');
      assert.deepEqual(await snapshot(server), before);
      assert.equal(await countWhere(server, 'records', dataset.id), 500);
    });

    it('a body without a records list is a 422', async () => {
      const dataset = await newDataset(server, W);
      for (const body of [{}, { records: 'x' }, { records: { id: 1 } }, []]) {
        assertProblem(await bulk(dataset.name, body), 422);
      }
      assert.equal(await countWhere(server, 'records', dataset.id), 0);
    });

    it('an annotator member logs records too', async () => {
      const dataset = await newDataset(server, W);
      const reply = await bulk(dataset.name, { records: records(3) }, alice.apiKey);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.processed, 3);
      assert.equal(await countWhere(server, 'records', dataset.id), 3);
    });

    it('upsert by id: the same id replaces fields and metadata, keeps inserted_at and its place in the order', async () => {
      const dataset = await newDataset(server, W, { settings: SENTIMENT });
      await logRecords(server, W, dataset.name, [
        { id: 'a', fields: { text: 'first a' }, metadata: { v: 1 } },
        { id: 'b', fields: { text: 'first b' }, metadata: { v: 1, extra: true } },
        { id: 'c', fields: { text: 'first c' }, metadata: { v: 1 } },
      ]);
      const first = (await loadAll(server, W, dataset.name)).items;
      const b0 = first.find((r) => r.id === 'b');
      await annotateOk(server, alice.apiKey, W, dataset.name, 'b', ['pos']);

      const reply = await bulk(dataset.name, {
        records: [
          { id: 'b', fields: { text: 'second b', other: 2 }, metadata: { v: 2 } },
          { id: 'd', fields: { text: 'first d' } },
        ],
      });
      assert.deepEqual(reply.body, { processed: 2, failed: 0, errors: [] });
      assert.equal(await countWhere(server, 'records', dataset.id), 4);

      const items = (await loadAll(server, W, dataset.name)).items;
      assert.deepEqual(
        items.map((r) => r.id),
        ['a', 'b', 'c', 'd'],
      );
      const b = items[1];
      assert.deepEqual(b.fields, { text: 'second b', other: 2 });
      assert.deepEqual(b.metadata, { v: 2 });
      assert.equal(b.inserted_at, b0.inserted_at, 'upsert changed inserted_at');
      assert.ok(b.updated_at > b0.updated_at, `updated_at ${b.updated_at} not after ${b0.updated_at}`);
      assert.deepEqual(items[0].fields, { text: 'first a' }, 'another record changed');
      assert.deepEqual(
        b.annotations.map((a: any) => a.username),
        [alice.username],
        'the annotation of the record was lost by the upsert',
      );
      for (const r of items) {
        assert.match(r.inserted_at, ISO_UTC);
        assert.match(r.updated_at, ISO_UTC);
      }
    });

    it('the same id twice in one request: one record, in the place of its first occurrence (as a sequence of upserts), with the later values', async () => {
      const dataset = await newDataset(server, W);
      await logRecords(server, W, dataset.name, [
        { id: 'x', fields: { text: 'one' } },
        { id: 'y', fields: { text: 'why' } },
        { id: 'x', fields: { text: 'two' } },
      ]);
      const items = (await loadAll(server, W, dataset.name)).items;
      assert.deepEqual(
        items.map((r) => [r.id, r.fields.text]),
        [
          ['x', 'two'],
          ['y', 'why'],
        ],
      );
    });

    it('records without an id get one: distinct, non-empty, stable across loads', async () => {
      const dataset = await newDataset(server, W);
      await logRecords(server, W, dataset.name, [{ fields: { text: 'a' } }, { fields: { text: 'b' } }, { id: null, fields: { text: 'c' } }]);
      const items = (await loadAll(server, W, dataset.name)).items;
      assert.equal(items.length, 3);
      const ids = items.map((r) => r.id);
      for (const id of ids) assert.ok(typeof id === 'string' && id.length > 0, JSON.stringify(ids));
      assert.equal(new Set(ids).size, 3);
      assert.deepEqual(
        items.map((r) => r.fields.text),
        ['a', 'b', 'c'],
      );
      assert.deepEqual(
        (await loadAll(server, W, dataset.name)).items.map((r) => r.id),
        ids,
      );
      // the given id addresses the record from then on (upsert)
      await logRecords(server, W, dataset.name, [{ id: ids[1], fields: { text: 'b2' } }]);
      const again = (await loadAll(server, W, dataset.name)).items;
      assert.equal(again.length, 3);
      assert.equal(again[1].fields.text, 'b2');
    });

    it('metadata defaults to {} and is returned as logged', async () => {
      const dataset = await newDataset(server, W);
      await logRecords(server, W, dataset.name, [
        { id: 'm1', fields: { text: 'a', n: 1, nested: { deep: [1, 2] } }, metadata: { source: 'web', tags: ['x'] } },
        { id: 'm2', fields: { text: 'b' } },
      ]);
      const items = (await loadAll(server, W, dataset.name)).items;
      assert.deepEqual(items[0].fields, { text: 'a', n: 1, nested: { deep: [1, 2] } });
      assert.deepEqual(items[0].metadata, { source: 'web', tags: ['x'] });
      assert.deepEqual(items[1].metadata, {});
      assert.deepEqual(items[1].annotations, []);
    });

    it('invalid records are counted in failed with {index, message}; the valid ones are stored', async () => {
      const dataset = await newDataset(server, W);
      const reply = await bulk(dataset.name, {
        records: [
          { id: 'ok-1', fields: { text: 'fine' } }, // 0
          { id: 'no-fields' }, // 1
          'not an object', // 2
          { id: 'empty', fields: {} }, // 3
          { id: true, fields: { text: 'bad id' } }, // 4
          { id: 'bad-meta', fields: { text: 'x' }, metadata: [1, 2] }, // 5
          { id: 'ok-2', fields: { text: 'also fine' }, metadata: { a: 1 } }, // 6
          null, // 7
          { id: 'fields-list', fields: ['a'] }, // 8
        ],
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.processed, 2, JSON.stringify(reply.body));
      assert.equal(reply.body.failed, 7, JSON.stringify(reply.body));
      assert.deepEqual(
        reply.body.errors.map((e: any) => e.index),
        [1, 2, 3, 4, 5, 7, 8],
      );
      for (const error of reply.body.errors) {
        assert.equal(typeof error.message, 'string');
        assert.ok(error.message.length > 0);
      }
      assert.match(reply.body.errors.find((e: any) => e.index === 5).message, /metadata/);
      assert.match(reply.body.errors.find((e: any) => e.index === 1).message, /fields/);
      assert.deepEqual(
        (await loadAll(server, W, dataset.name)).items.map((r) => r.id),
        ['ok-1', 'ok-2'],
      );
    });

    it('1,234 records (limit 100): the cursor pages through all of them, no duplicates, no gaps, pages of 100', async () => {
      const dataset = await newDataset(server, W);
      const logged = records(1234);
      await logMany(server, W, dataset.name, logged);
      const { items, pages } = await loadAll(server, W, dataset.name, { limit: 100, maxPages: 20 });
      assert.equal(pages.length, 13);
      assert.deepEqual(
        pages.map((p) => p.length),
        [...Array(12).fill(100), 34],
      );
      const ids = items.map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, 'a record came twice');
      assert.deepEqual([...ids].sort(), logged.map((r) => r.id).sort(), 'records missing or extra');
      // each record is the one logged
      const byId = new Map(items.map((r) => [r.id, r]));
      for (const r of logged) {
        assert.deepEqual(byId.get(r.id).fields, r.fields);
        assert.deepEqual(byId.get(r.id).metadata, r.metadata);
      }
    });

    it('records load in the order they were logged, whatever their ids (across batches and pages)', async () => {
      const dataset = await newDataset(server, W);
      // ids whose text order is not the logging order: numbers, reversed names, generated ones
      const logged = [
        ...Array.from({ length: 600 }, (_, i) => ({ id: i + 1, fields: { n: i } })),
        ...Array.from({ length: 300 }, (_, i) => ({ id: `z-${999 - i}`, fields: { n: 600 + i } })),
        ...Array.from({ length: 334 }, (_, i) => ({ fields: { n: 900 + i } })),
      ];
      await logMany(server, W, dataset.name, logged);
      const { items } = await loadAll(server, W, dataset.name, { limit: 100 });
      assert.equal(items.length, 1234);
      assert.deepEqual(
        items.map((r) => r.fields.n),
        logged.map((r) => r.fields.n),
      );
      assert.deepEqual(
        items.slice(0, 12).map((r) => r.id),
        ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'],
      );
    });

    it('the default page holds 100 records; limit 1000 is allowed; every page size covers the dataset', async () => {
      const dataset = await newDataset(server, W);
      await logMany(server, W, dataset.name, records(250));
      const first = await call(server, 'GET', dsPath(W, dataset.name, '/records'), { key: server.adminKey });
      assert.equal(first.status, 200);
      assert.equal(first.body.items.length, 100);
      assert.equal(typeof first.body.next_cursor, 'string');

      const all = await call(server, 'GET', dsPath(W, dataset.name, '/records', { limit: 1000 }), { key: server.adminKey });
      assert.equal(all.status, 200);
      assert.equal(all.body.items.length, 250);
      assert.equal(all.body.next_cursor, null);

      for (const limit of [1, 7, 249, 250]) {
        const { items } = await loadAll(server, W, dataset.name, { limit });
        assert.deepEqual(
          items.map((r) => r.id),
          records(250).map((r) => r.id),
          `limit ${limit}`,
        );
      }
    });

    it('limit above 1000 (or below 1, or not a number) is a 422', async () => {
      const dataset = await newDataset(server, W);
      await logRecords(server, W, dataset.name, records(3));
      for (const limit of ['1001', '5000', '0', '-1', 'ten']) {
        const reply = await call(server, 'GET', `${dsPath(W, dataset.name, '/records')}&limit=${limit}`, { key: server.adminKey });
        assertProblem(reply, 422);
        assertPointsAt(reply, 'limit');
      }
    });

    it('a cursor that did not come from a page is a 422', async () => {
      const dataset = await newDataset(server, W);
      await logRecords(server, W, dataset.name, records(3));
      const forged = [
        'not-a-cursor',
        '!!!',
        Buffer.from('{}').toString('base64url'),
        Buffer.from('null').toString('base64url'),
        Buffer.from('[1,2]').toString('base64url'),
        Buffer.from('["only-one"]').toString('base64url'),
      ];
      for (const cursor of forged) {
        const reply = await call(server, 'GET', dsPath(W, dataset.name, '/records', { cursor }), { key: server.adminKey });
        assertProblem(reply, 422);
        assertPointsAt(reply, 'cursor');
      }
    });

    it('a cursor that decodes to a JSON string (not a pair) is a 422, not an empty page', async () => {
      const dataset = await newDataset(server, W);
      await logRecords(server, W, dataset.name, records(3));
      for (const text of ['"text"', '"ab"']) {
        const cursor = Buffer.from(text).toString('base64url');
        const reply = await call(server, 'GET', dsPath(W, dataset.name, '/records', { cursor }), { key: server.adminKey });
        assertProblem(reply, 422);
        assertPointsAt(reply, 'cursor');
      }
    });

    it('filters: annotated=true|false, annotated_by=<username>, label=<label>', async () => {
      const dataset = await newDataset(server, W, { settings: SENTIMENT });
      await logRecords(
        server,
        W,
        dataset.name,
        ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map((id) => ({ id, fields: { text: id } })),
      );
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['pos']);
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r2', ['neg']);
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r3', ['neg']);
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r3', ['pos']);
      await annotateOk(server, bob.apiKey, W, dataset.name, 'r4', [], 'discarded');
      await annotateOk(server, server.adminKey, W, dataset.name, 'r6', ['pos']);

      const ids = (filters: Record<string, string | boolean>, key?: string) => idsWhere(server, W, dataset.name, filters, key);
      assert.deepEqual(await ids({ annotated: true }), ['r1', 'r2', 'r3', 'r4', 'r6']);
      assert.deepEqual(await ids({ annotated: false }), ['r5']);
      assert.deepEqual(await ids({ annotated_by: alice.username }), ['r1', 'r3']);
      assert.deepEqual(await ids({ annotated_by: bob.username }, alice.apiKey), ['r2', 'r3', 'r4']);
      assert.deepEqual(await ids({ annotated_by: 'argilla' }), ['r6']);
      assert.deepEqual(await ids({ annotated_by: 'nobody-at-all' }), []);
      assert.deepEqual(await ids({ label: 'pos' }), ['r1', 'r3', 'r6']);
      assert.deepEqual(await ids({ label: 'neg' }), ['r2', 'r3']);
      assert.deepEqual(await ids({ label: 'po' }), [], 'label matches a part of a label');
      assert.deepEqual(await ids({ label: 'unknown' }), []);
      // filters and the cursor together: one record per page
      const paged = await loadAll(server, W, dataset.name, { limit: 1, filters: { label: 'pos' } });
      assert.deepEqual(
        paged.items.map((r) => r.id),
        ['r1', 'r3', 'r6'],
      );
      const pagedFalse = await loadAll(server, W, dataset.name, { limit: 1, filters: { annotated: true } });
      assert.deepEqual(
        pagedFalse.items.map((r) => r.id),
        ['r1', 'r2', 'r3', 'r4', 'r6'],
      );
      // a re-annotation moves the record between label filters
      await annotateOk(server, alice.apiKey, W, dataset.name, 'r1', ['neg']);
      assert.deepEqual(await ids({ label: 'pos' }), ['r3', 'r6']);
      assert.deepEqual(await ids({ label: 'neg' }), ['r1', 'r2', 'r3']);
      // filtered records still carry all their annotations
      const r3 = (await loadAll(server, W, dataset.name, { filters: { annotated_by: alice.username, label: 'neg' } })).items.find((r) => r.id === 'r3');
      assert.equal(r3.annotations.length, 2);
    });

    it('annotated= must be a boolean: 422', async () => {
      const dataset = await newDataset(server, W);
      const reply = await call(server, 'GET', dsPath(W, dataset.name, '/records', { annotated: 'maybe' }), { key: server.adminKey });
      assertProblem(reply, 422);
      assertPointsAt(reply, 'annotated');
    });

    it('label= with % or _ is matched literally, not as a pattern', async () => {
      const dataset = await newDataset(server, W, { settings: { labels: ['50%', '5000', 'a_b', 'axb', '%', '_', 'x\\y', 'x\\\\y'] } });
      const plan: Array<[string, string]> = [
        ['p1', '50%'],
        ['p2', '5000'],
        ['p3', 'a_b'],
        ['p4', 'axb'],
        ['p5', '%'],
        ['p6', '_'],
        ['p7', 'x\\y'],
        ['p8', 'x\\\\y'],
      ];
      await logRecords(server, W, dataset.name, plan.map(([id]) => ({ id, fields: { text: id } })));
      for (const [id, label] of plan) await annotateOk(server, alice.apiKey, W, dataset.name, id, [label]);
      for (const [id, label] of plan) {
        assert.deepEqual(await idsWhere(server, W, dataset.name, { label }), [id], `label=${label}`);
      }
      assert.deepEqual(await idsWhere(server, W, dataset.name, { label: '5%' }), []);
      assert.deepEqual(await idsWhere(server, W, dataset.name, { label: 'a%' }), []);
    });

    it('label= is matched exactly: case matters (pos is not POS)', async () => {
      const dataset = await newDataset(server, W, { settings: { labels: ['pos', 'POS', 'Pos'] } });
      await logRecords(server, W, dataset.name, ['c1', 'c2', 'c3'].map((id) => ({ id, fields: { text: id } })));
      await annotateOk(server, alice.apiKey, W, dataset.name, 'c1', ['pos']);
      await annotateOk(server, alice.apiKey, W, dataset.name, 'c2', ['POS']);
      await annotateOk(server, alice.apiKey, W, dataset.name, 'c3', ['Pos']);
      const found: Record<string, string[]> = {};
      for (const label of ['pos', 'POS', 'Pos']) found[label] = await idsWhere(server, W, dataset.name, { label });
      assert.deepEqual(found, { pos: ['c1'], POS: ['c2'], Pos: ['c3'] });
    });

    it("label names cannot contain '|' (the label filter's separator), so label= never confuses two labels with one", async () => {
      const refused = await call(server, 'POST', `/api/datasets?workspace=${W}`, {
        key: server.adminKey,
        json: { name: `pipes-${Date.now()}`, settings: { labels: ['x', 'y', 'x|y'], multi_label: true } },
      });
      assert.equal(refused.status, 422);
      assert.deepEqual(refused.body.errors, [{ pointer: '/settings/labels/2', message: "must not contain '|'" }]);
      const dataset = await newDataset(server, W, { settings: { labels: ['x', 'y', 'xy'], multi_label: true } });
      await logRecords(server, W, dataset.name, ['b1', 'b2'].map((id) => ({ id, fields: { text: id } })));
      await annotateOk(server, alice.apiKey, W, dataset.name, 'b1', ['xy']);
      await annotateOk(server, alice.apiKey, W, dataset.name, 'b2', ['x', 'y']);
      const found: Record<string, string[]> = {};
      for (const label of ['xy', 'x', 'y']) found[label] = await idsWhere(server, W, dataset.name, { label });
      assert.deepEqual(found, { xy: ['b1'], x: ['b2'], y: ['b2'] });
    });
  });
}

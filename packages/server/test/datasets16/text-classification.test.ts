// rg.log and rg.load of TextClassification records, replayed as the 1.6 Python client sends them:
// batches, int and string ids, multi-label, predictions with scores, invalid batches, the scan's
// exact page sizes and next_idx, query and ids, and the load after set_workspace whose dataset
// GET the client skips (the scan answers 404 itself).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/http.js';
import { assertError16, byteOrder, createWorkspace, labels, rgLoad, rgLog, send, textRecord, uniqueName, type Session } from './support.js';

for (const backend of backends()) {
  describe(`1.6 client: rg.log and rg.load of text classification (${backend.name})`, () => {
    let server: TestServer;
    let s: Session;
    let other: Session;

    before(async () => {
      server = await startTestServer(backend);
      s = { server, key: server.adminKey, workspace: (await createWorkspace(server, uniqueName('team'))).name };
      other = { server, key: server.adminKey, workspace: (await createWorkspace(server, uniqueName('other'))).name };
    });
    after(() => server.close());

    it('logs 1,200 records in batches of 500, creating the dataset on the first; the GET answers 200 with its task', async () => {
      const records = Array.from({ length: 1200 }, (_, i) =>
        textRecord(i, `review number ${i} about the service and food`, {
          metadata: { source: 'app', n: i, weight: 0 },
          prediction: labels('model-v1', ['pos', 0.55], ['neg', 0.45]),
          annotation: i % 2 ? labels('alice', ['neg', 1]) : null,
        }),
      );
      const logged = await rgLog(s, 'reviews', 'TextClassification', records);
      assert.deepEqual(
        logged.replies.map((r) => [r.status, r.body]),
        [
          [200, { dataset: 'reviews', processed: 500, failed: 0 }],
          [200, { dataset: 'reviews', processed: 500, failed: 0 }],
          [200, { dataset: 'reviews', processed: 200, failed: 0 }],
        ],
      );
      const got = await send(s, 'GET', '/api/datasets/reviews');
      assert.equal(got.status, 200);
      assert.equal(got.body.name, 'reviews');
      assert.equal(got.body.task, 'TextClassification');
      assert.equal(got.body.records, 1200);
      assert.equal(got.body.settings.task, 'text_classification');
      assert.deepEqual(got.body.settings.labels, ['pos', 'neg']);
      assert.equal(got.body.created_by, 'argilla');
    });

    it('loads them back in 5 pages of 250, 250, 250, 250, 200 in byte order of the id, every field as 1.6 sends it', async () => {
      const loaded = await rgLoad(s, 'reviews');
      assert.equal(loaded.failure, undefined);
      assert.equal(loaded.task, 'TextClassification');
      assert.deepEqual(loaded.pages, [250, 250, 250, 250, 200]);
      assert.deepEqual(loaded.asked, [250, 250, 250, 250, 250]);
      const ids = loaded.records.map((r) => r.id);
      assert.deepEqual(ids, byteOrder(Array.from({ length: 1200 }, (_, i) => String(i))));
      const one = loaded.records.find((r) => r.id === '1');
      assert.deepEqual(one, {
        id: '1',
        inputs: { text: 'review number 1 about the service and food' },
        text: 'review number 1 about the service and food',
        multi_label: false,
        prediction: { agent: 'model-v1', labels: [{ class: 'pos', score: 0.55 }, { class: 'neg', score: 0.45 }] },
        annotation: { agent: 'alice', labels: [{ class: 'neg', score: 1 }] },
        status: 'Validated',
        event_timestamp: '2024-03-01T12:00:00',
        last_updated: one.last_updated,
        metadata: { source: 'app', n: 1, weight: 0 },
        metrics: { text_length: 42 },
      });
      assert.match(one.last_updated, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
      const zero = loaded.records.find((r) => r.id === '0');
      assert.equal(zero.status, 'Default');
      assert.equal('annotation' in zero, false);
    });

    it('pages: limit smaller than a page, larger than a page, exactly the dataset size, and batch_size', async () => {
      const small = await rgLoad(s, 'reviews', { limit: 10 });
      assert.deepEqual([small.asked, small.pages], [[10], [10]]);
      assert.deepEqual(small.records.map((r) => r.id), byteOrder(Array.from({ length: 1200 }, (_, i) => String(i))).slice(0, 10));
      const larger = await rgLoad(s, 'reviews', { limit: 300 });
      assert.deepEqual([larger.asked, larger.pages], [[250, 50], [250, 50]]);
      const exact = await rgLoad(s, 'reviews', { limit: 1200 });
      assert.deepEqual([exact.asked, exact.pages], [[250, 250, 250, 250, 200], [250, 250, 250, 250, 200]]);
      assert.equal(new Set(exact.records.map((r) => r.id)).size, 1200);
      const big = await rgLoad(s, 'reviews', { batchSize: 1000 });
      assert.deepEqual(big.pages, [1000, 200]);
      // the last page carries no next_idx; others carry the last id of the page
      const first = await send(s, 'POST', '/api/datasets/reviews/records/:search?limit=1000', { fields: ['*'], query: {} });
      assert.equal(first.body.next_idx, first.body.records[999].id);
      const last = await send(s, 'POST', '/api/datasets/reviews/records/:search?limit=1000', { fields: ['*'], query: {}, next_idx: first.body.next_idx });
      assert.equal(last.body.records.length, 200);
      assert.equal('next_idx' in last.body, false);
      assertError16(await send(s, 'POST', '/api/datasets/reviews/records/:search?limit=1001', { query: {} }), 422, 'ValidationError');
    });

    it('ids: int and string ids are one record ("17" and 17); ids filter by text and ignore the query; unknown ids are absent', async () => {
      await rgLog(s, 'ids', 'TextClassification', [textRecord(17, 'first version'), textRecord('r-1', 'a text id'), textRecord('0017', 'leading zeros')]);
      const again = await rgLog(s, 'ids', 'TextClassification', [textRecord('17', 'second version')]);
      assert.equal(again.replies[0]!.status, 200);
      const all = await rgLoad(s, 'ids');
      assert.deepEqual(
        all.records.map((r) => [r.id, r.inputs.text]),
        [
          ['0017', 'leading zeros'],
          ['17', 'second version'],
          ['r-1', 'a text id'],
        ],
      );
      const picked = await rgLoad(s, 'ids', { ids: [17, 'r-1', 'nope'], query: 'nothing-matches-this' });
      assert.deepEqual(picked.records.map((r) => r.id), ['17', 'r-1']);
      const none = await rgLoad(s, 'ids', { ids: [] });
      assert.deepEqual(none.records, []);
    });

    it('query: a word matches case-insensitively by word, with search_keywords; a blank query is all', async () => {
      await rgLog(s, 'zoo', 'TextClassification', [
        textRecord(1, 'A Zebra crossing'),
        textRecord(2, 'zebras are not a zebra?'),
        textRecord(3, 'no stripes here'),
        textRecord(4, 'ZEBRA!', { metadata: { source: 'web' } }),
      ]);
      const found = await rgLoad(s, 'zoo', { query: 'zebra' });
      assert.deepEqual(found.records.map((r) => [r.id, r.search_keywords]), [
        ['1', ['Zebra']],
        ['2', ['zebra']],
        ['4', ['ZEBRA']],
      ]);
      // exact page sizes under a query too
      const paged = await rgLoad(s, 'zoo', { query: 'zebra', batchSize: 2 });
      assert.deepEqual(paged.pages, [2, 1]);
      assert.deepEqual((await rgLoad(s, 'zoo', { query: '  ' })).records.length, 4);
      assert.deepEqual((await rgLoad(s, 'zoo', { query: 'zebra AND metadata.source:web' })).records.map((r) => r.id), ['4']);
      assert.deepEqual((await rgLoad(s, 'zoo', { query: 'status:Default AND stripes' })).records.map((r) => r.id), ['3']);
    });

    it('multi-label records keep their labels; predictions come back sorted by score, highest first', async () => {
      const reply = await rgLog(s, 'topics', 'TextClassification', [
        textRecord('m1', 'sports and politics', {
          multi_label: true,
          prediction: labels('clf', ['sports', 0.4], ['politics', 0.9]),
          annotation: labels('bob', ['sports', 1], ['politics', 1]),
        }),
      ]);
      assert.equal(reply.replies[0]!.status, 200);
      const [record] = (await rgLoad(s, 'topics')).records;
      assert.equal(record.multi_label, true);
      assert.deepEqual(record.prediction.labels, [{ class: 'politics', score: 0.9 }, { class: 'sports', score: 0.4 }]);
      assert.deepEqual(record.annotation, { agent: 'bob', labels: [{ class: 'sports', score: 1 }, { class: 'politics', score: 1 }] });
      const got = await send(s, 'GET', '/api/datasets/topics');
      assert.equal(got.body.settings.multi_label, true);
      // single-label records into a multi-label dataset: 400
      const wrong = await rgLog(s, 'topics', 'TextClassification', [textRecord('s1', 'single')]);
      const params = assertError16(wrong.replies[0]!, 400, 'BadRequestError');
      assert.match(params.message, /single-label/);
    });

    it('an invalid record fails its whole batch with 422 and a body the client parses; earlier batches stay', async () => {
      const records = [
        ...Array.from({ length: 3 }, (_, i) => textRecord(`ok-${i}`, 'fine')),
        textRecord('bad-1', 'two labels on a single-label record', { annotation: labels('a', ['x', 1], ['y', 1]) }),
        textRecord('bad-2', 'scores over 1', { prediction: labels('m', ['x', 0.8], ['y', 0.8]) }),
        textRecord('bad-3', 'validated without annotation', { status: 'Validated' }),
        { ...textRecord('bad-4', ''), inputs: { text: null } },
        textRecord('bad-5', 'bad status', { status: 'validated' }),
      ];
      const reply = await rgLog(s, 'strict', 'TextClassification', records.slice(0, 3));
      assert.equal(reply.replies[0]!.status, 200);
      const failed = await rgLog(s, 'strict', 'TextClassification', records);
      const params = assertError16(failed.replies[0]!, 422, 'ValidationError');
      assert.deepEqual(
        params.errors.map((e: any) => e.loc),
        [
          ['body', 'records', 3, 'annotation', 'labels'],
          ['body', 'records', 4, 'prediction', 'labels'],
          ['body', 'records', 5, 'annotation'],
          ['body', 'records', 6, 'inputs', 'text'],
          ['body', 'records', 7, 'status'],
        ],
      );
      assert.deepEqual((await rgLoad(s, 'strict')).records.map((r) => r.id), ['ok-0', 'ok-1', 'ok-2']);
      // mixed multi_label in one request
      const mixed = await rgLog(s, 'mixed', 'TextClassification', [textRecord(1, 'a'), textRecord(2, 'b', { multi_label: true })]);
      assertError16(mixed.replies[0]!, 422, 'ValidationError');
      assert.equal((await send(s, 'GET', '/api/datasets/mixed')).status, 404);
    });

    it('logging again replaces a record as a whole; status, metadata flattening, vectors and explanation as 1.6 keeps them', async () => {
      const long = 'x'.repeat(100) + 'y'.repeat(100);
      await rgLog(s, 'replace', 'TextClassification', [
        textRecord(5, 'first', { prediction: labels('m', ['a', 1]), annotation: labels('me', ['a', 1]) }),
      ]);
      await rgLog(s, 'replace', 'TextClassification', [
        textRecord(5, 'second', {
          status: 'Discarded',
          metadata: { a: { b: 1, c: null, d: [] }, long, tags: ['x'] },
          vectors: { emb: { value: [0.1, 0.2] } },
          explanation: { text: [{ token: 'second', attributions: { a: 0.5 } }] },
          event_timestamp: '2024-05-01T08:30:00.123456',
          inputs: { title: 'T', body: { main: 'M', extra: ['e1', 'e2'] } },
        }),
      ]);
      const [record] = (await rgLoad(s, 'replace')).records;
      assert.equal(record.id, '5');
      assert.deepEqual(record.inputs, { title: 'T', 'body.main': 'M', 'body.extra': ['e1', 'e2'] });
      assert.equal(record.text, 'T\nM\ne1\ne2');
      assert.deepEqual(record.metrics, { text_length: 9 });
      assert.equal('prediction' in record, false);
      assert.equal('annotation' in record, false);
      assert.equal(record.status, 'Discarded');
      assert.deepEqual(record.metadata, { 'a.b': 1, long: 'x'.repeat(28) + 'y'.repeat(100), tags: ['x'] });
      assert.deepEqual(record.vectors, { emb: { value: [0.1, 0.2] } });
      assert.deepEqual(record.explanation, { text: [{ token: 'second', attributions: { a: 0.5 } }] });
      assert.equal(record.event_timestamp, '2024-05-01T08:30:00.123456');
    });

    it('a load in a workspace without that dataset: 404 from the GET, and from the scan when the GET is skipped', async () => {
      const got = await rgLoad(other, 'reviews');
      assertError16Like(got.failure!, 404);
      const scanned = await rgLoad(other, 'reviews', { cached: true });
      const params = assertError16(scanned.failure!, 404, 'EntityNotFoundError');
      assert.deepEqual(params, { type: 'Dataset', name: 'reviews' });
      // the dataset logged in `s` is there
      assert.equal((await rgLoad(s, 'reviews', { cached: true, limit: 1 })).records.length, 1);
    });

    it('errors: another task into an existing dataset 400 WrongTaskError; no workspace 400; an unknown workspace 404; a bad key 401', async () => {
      const wrong = await send(s, 'POST', '/api/datasets/reviews/Text2Text:bulk', { tags: {}, metadata: {}, records: [] });
      const params = assertError16(wrong, 400, 'WrongTaskError');
      assert.equal(params.task, 'TextClassification');
      const noWorkspace = await fetch(`${server.url}/api/datasets/reviews/records/:search?limit=1`, {
        method: 'POST',
        headers: { 'x-argilla-api-key': server.adminKey, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(noWorkspace.status, 400);
      assert.equal((await noWorkspace.json()).detail.code, 'argilla.api.errors::MissingInputParamError');
      assertError16(await send({ ...s, workspace: 'no-such-ws' }, 'POST', '/api/datasets/x/TextClassification:bulk', { records: [] }), 404, 'EntityNotFoundError');
      assertError16(await send({ ...s, key: 'wrong.key.value' }, 'POST', '/api/datasets/reviews/records/:search', {}), 401, 'UnauthorizedError');
      assertError16(await send(s, 'POST', '/api/datasets/Bad Name/TextClassification:bulk', { records: [] }), 422, 'ValidationError');
    });
  });
}

/** The dataset GET is the project's own route: a problem body, whose status the client maps. */
function assertError16Like(reply: { status: number; body: any }, status: number): void {
  assert.equal(reply.status, status);
  assert.equal(typeof reply.body, 'object');
  assert.ok(!Array.isArray(reply.body));
  assert.equal(typeof reply.body.detail, 'string');
}

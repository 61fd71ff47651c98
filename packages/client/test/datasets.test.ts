// The dataset helpers against a real server, on each backend: every helper's happy
// path, the error mapping, log in batches with global error indexes, iterRecords and load, copy
// with annotations, the workspace each call goes to, and the module-level functions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as rg from '@argilla-ts/client';
import {
  AlreadyExistsError,
  Argilla,
  ArgillaError,
  ForbiddenError,
  MAX_BATCH,
  NotFoundError,
  ValidationError,
  WorkspaceError,
  type DatasetRecord,
  type RecordInput,
} from '@argilla-ts/client';
import { backends, clientOf, makeUser, rejectsWith, startTestServer, uniqueName, type Made, type TestServer } from './support.js';

const SENTIMENT = { labels: ['pos', 'neg'] };

interface Sent {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
}

/** A fetch that records each request (method, URL, headers, body) before sending it. */
function recordingFetch(): { fetch: typeof fetch; requests: Sent[] } {
  const requests: Sent[] = [];
  return {
    requests,
    fetch: async (input, init) => {
      requests.push({
        method: init?.method ?? 'GET',
        url: new URL(String(input)),
        headers: new Headers(init?.headers),
        body: typeof init?.body === 'string' ? init.body : undefined,
      });
      return fetch(input, init);
    },
  };
}

/** The bulk requests among the recorded ones, with the number of records each carried. */
function bulkSizes(requests: Sent[]): number[] {
  return requests.filter((r) => r.method === 'POST' && r.url.pathname.endsWith('/records:bulk')).map((r) => JSON.parse(r.body!).records.length);
}

function* generated(count: number, prefix = 'r', from = 0): Generator<RecordInput> {
  for (let i = from; i < from + count; i++) yield { id: `${prefix}${i}`, fields: { text: `text ${i}` }, metadata: { n: i } };
}

const ids = (records: DatasetRecord[]) => records.map((r) => r.id);

async function rejectsWorkspace(promise: Promise<unknown>, code: rg.WorkspaceErrorCode, workspace: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WorkspaceError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.workspace, workspace);
    return true;
  });
}

async function rejectsArgument(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ArgillaError, String(error));
    assert.equal(error.code, 'invalid_argument');
    return true;
  });
}

for (const backend of backends()) {
  describe(`client: datasets (${backend.name})`, () => {
    let server: TestServer;
    let admin: Argilla;
    before(async () => {
      server = await startTestServer(backend);
      admin = await clientOf(server).init();
    });
    after(() => server.close());

    /** A workspace, a dataset in it (labels pos/neg), and a member annotator with its own client. */
    async function setup(options: { settings?: rg.SettingsInput } = {}) {
      const workspace = uniqueName('ws');
      const made = await makeUser(server, { workspaces: [workspace] });
      const name = uniqueName('ds');
      await admin.createDataset(name, { workspace, settings: options.settings ?? SENTIMENT });
      const annotator = await clientOf(server, { apiKey: made.apiKey }).init();
      assert.equal(annotator.getWorkspace(), workspace);
      return { workspace, name, made, annotator };
    }

    it('createDataset, getDataset, listDatasets, getSettings, updateSettings and deleteDataset (admin)', async () => {
      const workspace = uniqueName('ws');
      await admin.createWorkspace(workspace);
      const created = await admin.createDataset('reviews', { workspace, settings: { labels: ['pos', 'neg'] } });
      assert.equal(created.name, 'reviews');
      assert.equal(created.workspace, workspace);
      assert.deepEqual(created.settings, { task: 'text_classification', labels: ['pos', 'neg'], multi_label: false });
      assert.equal(created.created_by, 'argilla');
      const plain = await admin.createDataset('plain', { workspace });
      assert.deepEqual(plain.settings, { task: 'text_classification', labels: [], multi_label: false }, 'default settings');

      await admin.log(generated(3), 'reviews', { workspace });
      await admin.annotate('reviews', 'r0', 'pos', { workspace });
      const got = await admin.getDataset('reviews', { workspace });
      assert.equal(got.id, created.id);
      assert.equal(got.records, 3);
      assert.equal(got.annotated, 1);
      const listed = await admin.listDatasets({ workspace });
      assert.deepEqual(listed.map((d) => [d.name, d.records, d.annotated]), [
        ['reviews', 3, 1],
        ['plain', 0, 0],
      ]);

      assert.deepEqual(await admin.getSettings('reviews', { workspace }), created.settings);
      const updated = await admin.updateSettings('reviews', { labels: ['pos', 'neg', 'neutral'], multi_label: true }, { workspace });
      assert.deepEqual(updated, { task: 'text_classification', labels: ['pos', 'neg', 'neutral'], multi_label: true });
      assert.deepEqual((await admin.getDataset('reviews', { workspace })).settings, updated);
      const multi = await admin.annotate('reviews', 'r1', ['pos', 'neutral'], { workspace });
      assert.deepEqual(multi.annotations[0]!.value, { labels: ['pos', 'neutral'] });

      const deleted = await admin.deleteDataset('reviews', { workspace });
      assert.equal(deleted.id, created.id);
      await rejectsWith(admin.getDataset('reviews', { workspace }), NotFoundError, 404, 'dataset_not_found');
      const again = await admin.delete('plain', { workspace });
      assert.equal(again.name, 'plain', 'delete is deleteDataset under the Python name');
      assert.deepEqual(await admin.listDatasets({ workspace }), []);
    });

    it('an annotator member logs, annotates and loads; annotations carry the username', async () => {
      const { workspace, name, made, annotator } = await setup();
      const result = await annotator.log(
        [
          { id: 'a', fields: { text: 'I love it' } },
          { id: 'b', fields: { text: 'Broke in a day' }, metadata: { source: 'email' } },
          { id: 7, fields: { text: 'a number for an id' } },
        ],
        name,
      );
      assert.deepEqual(result, { processed: 3, failed: 0, errors: [], requests: 1 });

      const a = await annotator.annotate(name, 'a', ['pos']);
      assert.equal(a.id, 'a');
      assert.equal(a.annotations.length, 1);
      assert.equal(a.annotations[0]!.username, made.username);
      assert.equal(a.annotations[0]!.user_id, made.id);
      assert.equal(a.annotations[0]!.status, 'submitted');
      await annotator.annotate(name, 'b', { labels: ['neg'] });
      await annotator.annotate(name, 7, 'pos');
      // The admin annotates too; each annotation is its author's; a second one replaces the first.
      await admin.annotate(name, 'a', ['neg'], { workspace });
      await admin.annotate(name, 'a', 'pos', { workspace });
      const discarded = await annotator.annotate(name, 'b', [], { status: 'discarded' });
      assert.deepEqual(discarded.annotations.map((x) => [x.username, x.status, x.value.labels]), [[made.username, 'discarded', []]]);

      const records = await annotator.load(name);
      assert.deepEqual(ids(records), ['a', 'b', '7']);
      assert.deepEqual(records[1]!.metadata, { source: 'email' });
      assert.deepEqual(records[0]!.fields, { text: 'I love it' });
      assert.deepEqual(
        records[0]!.annotations.map((x) => [x.username, x.value.labels]).sort(),
        [
          ['argilla', ['pos']],
          [made.username, ['pos']],
        ].sort(),
      );
      assert.equal(records[2]!.annotations[0]!.username, made.username);
      assert.deepEqual(await annotator.getSettings(name), { task: 'text_classification', labels: ['pos', 'neg'], multi_label: false });
      assert.deepEqual((await annotator.listDatasets()).map((d) => d.name), [name]);
      assert.equal((await annotator.getDataset(name)).records, 3);
    });

    it('errors: 403 for an annotator managing, 404 outside its workspaces, 409 duplicates, 422 unknown label naming the allowed ones', async () => {
      const { workspace, name, annotator } = await setup();
      await annotator.log(generated(2), name);

      const forbidden = await rejectsWith(annotator.createDataset(uniqueName('ds')), ForbiddenError, 403, 'forbidden');
      assert.match(forbidden.detail, /not allowed to create datasets/);
      await rejectsWith(annotator.deleteDataset(name), ForbiddenError, 403, 'forbidden');
      await rejectsWith(annotator.updateSettings(name, { labels: ['x'] }), ForbiddenError, 403, 'forbidden');
      await rejectsWith(annotator.copy(name, uniqueName('copy')), ForbiddenError, 403, 'forbidden');

      // A workspace the annotator is not a member of does not exist for it, whatever the call.
      const other = uniqueName('other');
      await admin.createWorkspace(other);
      await admin.createDataset(name, { workspace: other, settings: SENTIMENT });
      const notFound = await rejectsWith(annotator.load(name, { workspace: other }), NotFoundError, 404, 'workspace_not_found');
      assert.deepEqual(notFound.params, { type: 'Workspace', name: other });
      assert.equal(notFound.method, 'GET');
      assert.equal(new URL(notFound.url).searchParams.get('workspace'), other);
      await rejectsWith(annotator.log(generated(1), name, { workspace: other }), NotFoundError, 404, 'workspace_not_found');
      await rejectsWith(annotator.listDatasets({ workspace: other }), NotFoundError, 404, 'workspace_not_found');
      await rejectsWith(annotator.annotate(name, 'r0', 'pos', { workspace: other }), NotFoundError, 404, 'workspace_not_found');
      await rejectsWith(annotator.createDataset(uniqueName('ds'), { workspace: other }), NotFoundError, 404, 'workspace_not_found');
      await rejectsWith(annotator.getDataset(uniqueName('missing')), NotFoundError, 404, 'dataset_not_found');
      await rejectsWith(annotator.log(generated(1), uniqueName('missing')), NotFoundError, 404, 'dataset_not_found');
      await rejectsWith(annotator.log([], uniqueName('missing')), NotFoundError, 404, 'dataset_not_found');
      assert.deepEqual(await annotator.log([], name), { processed: 0, failed: 0, errors: [], requests: 1 }, 'an empty input checks the dataset');
      await rejectsWith(annotator.annotate(name, 'no-such-record', 'pos'), NotFoundError, 404, 'record_not_found');

      const duplicate = await rejectsWith(admin.createDataset(name, { workspace }), AlreadyExistsError, 409, 'dataset_already_exists');
      assert.equal(duplicate.params.name, name);
      await rejectsWith(admin.copy(name, name, { sourceWorkspace: workspace, workspace: other }), AlreadyExistsError, 409, 'dataset_already_exists');
      await rejectsWith(admin.copy(name, uniqueName('copy'), { sourceWorkspace: workspace, workspace: uniqueName('nowhere') }), NotFoundError, 404, 'workspace_not_found');

      const unknown = await rejectsWith(annotator.annotate(name, 'r0', ['neutral']), ValidationError, 422, 'validation_error');
      assert.equal(unknown.errors.length, 1);
      assert.equal(unknown.errors[0]!.pointer, '/value/labels');
      assert.match(unknown.errors[0]!.message, /'neutral'/);
      assert.match(unknown.errors[0]!.message, /allowed: pos, neg/);
      const two = await rejectsWith(annotator.annotate(name, 'r0', ['pos', 'neg']), ValidationError, 422);
      assert.match(two.errors[0]!.message, /one label per record/);
      await rejectsWith(admin.createDataset('Not A Name', { workspace }), ValidationError, 422);
      const badSettings = await rejectsWith(
        admin.createDataset(uniqueName('ds'), { workspace, settings: { labels: ['pos', 'pos'] } }),
        ValidationError,
        422,
      );
      assert.match(badSettings.errors[0]!.message, /listed twice/);
    });

    it('no workspace at all: a WorkspaceError (workspace_required) from every helper, before any request', async () => {
      const made = await makeUser(server, { workspaces: [] });
      const recorder = recordingFetch();
      const client = await clientOf(server, { apiKey: made.apiKey, fetch: recorder.fetch }).init();
      assert.equal(client.getWorkspace(), undefined);
      const sent = recorder.requests.length;
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['log', () => client.log(generated(1), 'ds')],
        ['load', () => client.load('ds')],
        ['iterRecords', () => client.iterRecords('ds').next()],
        ['annotate', () => client.annotate('ds', 'r0', 'pos')],
        ['copy', () => client.copy('ds', 'copy', { workspace: 'argilla' })],
        ['delete', () => client.deleteDataset('ds')],
        ['listDatasets', () => client.listDatasets()],
        ['getDataset', () => client.getDataset('ds')],
        ['createDataset', () => client.createDataset('ds')],
        ['getSettings', () => client.getSettings('ds')],
        ['updateSettings', () => client.updateSettings('ds', SENTIMENT)],
      ];
      for (const [call, run] of calls) {
        await assert.rejects(run(), (error: unknown) => {
          assert.ok(error instanceof WorkspaceError, `${call}: ${String(error)}`);
          assert.equal(error.code, 'workspace_required');
          assert.equal(error.workspace, '');
          assert.match(error.message, new RegExp(`^${call}: no workspace\\. Pass \\{ workspace`));
          return true;
        });
      }
      // A name that breaks the naming rule is refused the same way.
      await rejectsWorkspace(client.load('ds', { workspace: 'Bad Name' }), 'invalid_workspace_name', 'Bad Name');
      await rejectsWorkspace(admin.copy('ds', 'copy', { workspace: 'Bad/Name' }), 'invalid_workspace_name', 'Bad/Name');
      assert.equal(recorder.requests.length, sent, 'no request was sent');
    });

    it('argument errors: records that are not an iterable, a bad annotation value, a bad limit', async () => {
      const { name, annotator } = await setup();
      await rejectsArgument(annotator.log('not records' as never, name));
      await rejectsArgument(annotator.log({ fields: { text: 'one record, not a list' } } as never, name));
      await rejectsArgument(annotator.annotate(name, 'r0', 42 as never));
      await rejectsArgument(annotator.load(name, { limit: -1 }));
      await rejectsArgument(annotator.load(name, { limit: 1.5 }));
    });

    it('log splits 1,234 records into 3 requests of at most 500, sent one after the other, with global error indexes', async () => {
      const { name, made } = await setup();
      const recorder = recordingFetch();
      const client = await clientOf(server, { apiKey: made.apiKey, fetch: recorder.fetch }).init();
      const input = [...generated(1234)];
      const result = await client.log(input, name, { batchSize: 500 });
      assert.deepEqual(result, { processed: 1234, failed: 0, errors: [], requests: 3 });
      assert.deepEqual(bulkSizes(recorder.requests), [500, 500, 234]);
      assert.equal((await client.getDataset(name)).records, 1234);

      // Refused records are reported by their position in the whole input, across batches.
      recorder.requests.length = 0;
      const mixed: unknown[] = [...generated(1234, 'm')];
      mixed[3] = { id: 'bad-3', fields: {} };
      mixed[700] = { id: 'bad-700' };
      mixed[1001] = { fields: { n: 1n } }; // a BigInt: cannot be sent as JSON, refused by the client
      mixed[1233] = 'not an object';
      const partial = await client.log(mixed as RecordInput[], name);
      assert.equal(partial.processed, 1230);
      assert.equal(partial.failed, 4);
      assert.deepEqual(partial.errors.map((e) => e.index), [3, 700, 1001, 1233]);
      assert.match(partial.errors[0]!.message, /fields must be a non-empty object/);
      assert.match(partial.errors[2]!.message, /cannot be sent as JSON/);
      assert.match(partial.errors[3]!.message, /must be an object/);
      assert.deepEqual(bulkSizes(recorder.requests), [500, 500, 233], 'the unsendable record is left out of its batch');
      assert.equal((await client.getDataset(name)).records, 1234 + 1230);

      // Other batch sizes; above 500 is lowered to the server's limit.
      recorder.requests.length = 0;
      assert.equal((await client.log(generated(25, 'small'), name, { batchSize: 10 })).requests, 3);
      assert.deepEqual(bulkSizes(recorder.requests), [10, 10, 5]);
      recorder.requests.length = 0;
      assert.equal(MAX_BATCH, 500);
      await client.log(generated(1001, 'big'), name, { batchSize: 5000 });
      assert.deepEqual(bulkSizes(recorder.requests), [500, 500, 1]);
    });

    it('log streams an async iterable: a batch is sent as soon as it is full, never reading far ahead', async () => {
      const { name, made } = await setup();
      let produced = 0;
      const sentAt: number[] = [];
      const client = await clientOf(server, {
        apiKey: made.apiKey,
        fetch: async (input, init) => {
          if (String(input).includes('records:bulk')) sentAt.push(produced);
          return fetch(input, init);
        },
      }).init();
      async function* slowSource(): AsyncGenerator<RecordInput> {
        for (let i = 0; i < 1100; i++) {
          produced++;
          if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
          yield { id: `s${i}`, fields: { text: `streamed ${i}` } };
        }
      }
      const result = await client.log(slowSource(), name, { batchSize: 500 });
      assert.equal(result.processed, 1100);
      assert.deepEqual(sentAt, [500, 1000, 1100], 'each batch leaves once full, with the records read so far');
      const loaded = await client.load(name);
      assert.deepEqual(ids(loaded), Array.from({ length: 1100 }, (_, i) => `s${i}`));
    });

    it('log keeps each request under maxBatchBytes, and splits a batch the server finds too large (413)', async () => {
      const { name, made } = await setup();
      const recorder = recordingFetch();
      const client = await clientOf(server, { apiKey: made.apiKey, fetch: recorder.fetch }).init();
      const text = 'é'.repeat(5000); // 10,000 bytes of UTF-8 in 5,000 characters
      const large = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, fields: { text } }));

      const sized = await client.log(large(250, 'l'), name);
      assert.equal(sized.processed, 250);
      const sizes = bulkSizes(recorder.requests);
      assert.equal(sizes.reduce((a, b) => a + b, 0), 250);
      assert.ok(sizes.every((n) => n <= 99), `batches under 1,000,000 bytes: ${sizes}`);
      const bulk = recorder.requests.filter((r) => r.url.pathname.endsWith('/records:bulk'));
      for (const request of bulk) assert.ok(Buffer.byteLength(request.body!) <= 1_000_020, `${Buffer.byteLength(request.body!)} bytes`);

      // With a limit above the server's (1 MiB), the server answers 413 and nothing is stored: the
      // client sends the batch again in halves.
      recorder.requests.length = 0;
      const retried = await client.log(large(150, 'h'), name, { maxBatchBytes: 10_000_000 });
      assert.equal(retried.processed, 150);
      assert.equal(retried.failed, 0);
      assert.deepEqual(bulkSizes(recorder.requests), [150, 75, 75]);
      assert.equal(retried.requests, 3);

      // A single record larger than the server's limit is refused, by its index; the others are stored.
      const huge = { id: 'huge', fields: { text: 'x'.repeat(1_100_000) } };
      const withHuge = await client.log([{ id: 'ok-1', fields: { text: 'fine' } }, huge, { id: 'ok-2', fields: { text: 'fine' } }], name);
      assert.equal(withHuge.processed, 2);
      assert.deepEqual(withHuge.errors.map((e) => e.index), [1]);
      assert.match(withHuge.errors[0]!.message, /too large to send/);
      assert.equal((await client.getDataset(name)).records, 250 + 150 + 2);
    });

    it('log upserts by id: logging again replaces fields and metadata and keeps annotations and order', async () => {
      const { name, annotator } = await setup();
      await annotator.log(generated(3), name);
      await annotator.annotate(name, 'r1', 'pos');
      const again = await annotator.log([{ id: 'r1', fields: { text: 'changed' }, metadata: { v: 2 } }], name);
      assert.equal(again.processed, 1);
      const records = await annotator.load(name);
      assert.deepEqual(ids(records), ['r0', 'r1', 'r2']);
      assert.deepEqual(records[1]!.fields, { text: 'changed' });
      assert.deepEqual(records[1]!.metadata, { v: 2 });
      assert.equal(records[1]!.annotations.length, 1);
    });

    it('iterRecords yields every record exactly once, in the order logged, following next_cursor page by page', async () => {
      const { name, made } = await setup();
      const count = 2345;
      // Ids in descending text order, so that the order seen is the logging order, not the id order.
      const input = Array.from({ length: count }, (_, i) => ({ id: `id-${String(count - i).padStart(5, '0')}`, fields: { n: i } }));
      const annotator = await clientOf(server, { apiKey: made.apiKey }).init();
      await annotator.log(input, name, { batchSize: 300 });

      const recorder = recordingFetch();
      const client = await clientOf(server, { apiKey: made.apiKey, fetch: recorder.fetch }).init();
      const seen: string[] = [];
      for await (const record of client.iterRecords(name, { pageSize: 100 })) seen.push(record.id);
      assert.equal(seen.length, count);
      assert.equal(new Set(seen).size, count, 'no record twice');
      assert.deepEqual(seen, input.map((r) => r.id));
      const pages = recorder.requests.filter((r) => r.url.pathname.endsWith('/records'));
      assert.equal(pages.length, Math.ceil(count / 100));
      assert.equal(pages[0]!.url.searchParams.get('cursor'), null);
      assert.ok(pages.slice(1).every((r) => r.url.searchParams.get('cursor')), 'later pages follow the cursor');
      assert.ok(pages.every((r) => r.url.searchParams.get('limit') === '100' && r.url.searchParams.get('workspace') === client.getWorkspace()));

      // The default page size is the server's largest; the module-level helper does the same.
      recorder.requests.length = 0;
      let total = 0;
      for await (const record of client.iterRecords(name)) total += record ? 1 : 0;
      assert.equal(total, count);
      assert.deepEqual(recorder.requests.map((r) => r.url.searchParams.get('limit')), ['1000', '1000', '1000']);

      // Stopping early stops the fetching: at most the page ahead was requested.
      recorder.requests.length = 0;
      for await (const record of client.iterRecords(name, { pageSize: 100 })) if (record.id === input[150]!.id) break;
      assert.ok(recorder.requests.length <= 3, `${recorder.requests.length} pages requested`);

      // The caller's signal aborts the fetching (and log's sending).
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(client.load(name, { signal: controller.signal }), { name: 'AbortError' });
      await assert.rejects(client.log(generated(1), name, { signal: controller.signal }), { name: 'AbortError' });
      const stopping = new AbortController();
      const got: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const record of client.iterRecords(name, { pageSize: 100, signal: stopping.signal })) {
            got.push(record.id);
            if (got.length === 150) stopping.abort();
          }
        })(),
        { name: 'AbortError' },
      );
      assert.equal(got.length, 200, 'the page in hand is finished; the one fetched ahead is aborted');

      // An empty dataset: nothing, after one request.
      const empty = uniqueName('empty');
      await admin.createDataset(empty, { workspace: client.getWorkspace()! });
      const none: DatasetRecord[] = [];
      for await (const record of client.iterRecords(empty)) none.push(record);
      assert.deepEqual(none, []);
    });

    it('iterRecords and load filter by annotated, annotatedBy and label', async () => {
      const { workspace, name, made, annotator } = await setup();
      await annotator.log(generated(6), name);
      await annotator.annotate(name, 'r0', 'pos');
      await annotator.annotate(name, 'r2', 'neg');
      await admin.annotate(name, 'r4', 'pos', { workspace });
      assert.deepEqual(ids(await annotator.load(name, { annotated: true })), ['r0', 'r2', 'r4']);
      assert.deepEqual(ids(await annotator.load(name, { annotated: false })), ['r1', 'r3', 'r5']);
      assert.deepEqual(ids(await annotator.load(name, { annotatedBy: made.username })), ['r0', 'r2']);
      assert.deepEqual(ids(await annotator.load(name, { label: 'pos' })), ['r0', 'r4']);
      assert.deepEqual(ids(await annotator.load(name, { label: 'pos', annotatedBy: 'argilla' })), ['r4']);
      const filtered: string[] = [];
      for await (const record of annotator.iterRecords(name, { annotated: false, pageSize: 1 })) filtered.push(record.id);
      assert.deepEqual(filtered, ['r1', 'r3', 'r5']);
    });

    it('load resolves to an array: every record, or the first `limit`, asking only for what it needs', async () => {
      const { name, made, annotator } = await setup();
      await annotator.log(generated(1234), name);
      const recorder = recordingFetch();
      const client = await clientOf(server, { apiKey: made.apiKey, fetch: recorder.fetch }).init();

      const all = await client.load(name);
      assert.ok(Array.isArray(all));
      assert.deepEqual(ids(all), [...generated(1234)].map((r) => r.id));

      recorder.requests.length = 0;
      const first = await client.load(name, { limit: 150 });
      assert.deepEqual(ids(first), ids(all).slice(0, 150));
      assert.deepEqual(recorder.requests.map((r) => r.url.searchParams.get('limit')), ['150'], 'one page, of the size asked for');

      recorder.requests.length = 0;
      const paged = await client.load(name, { limit: 1100, pageSize: 400 });
      assert.deepEqual(ids(paged), ids(all).slice(0, 1100));
      assert.deepEqual(recorder.requests.map((r) => r.url.searchParams.get('limit')), ['400', '400', '300']);

      recorder.requests.length = 0;
      assert.deepEqual(await client.load(name, { limit: 0 }), []);
      assert.equal(recorder.requests.length, 0);
      assert.equal((await client.load(name, { limit: 5000 })).length, 1234);
    });

    it('copy then load the copy: records, annotations and their usernames intact, even after the annotator is deleted', async () => {
      const { workspace, name, made, annotator } = await setup();
      await annotator.log(generated(5), name);
      await annotator.annotate(name, 'r1', 'pos');
      await annotator.annotate(name, 'r3', 'neg');
      await admin.annotate(name, 'r3', 'pos', { workspace });
      const original = await annotator.load(name);

      const target = uniqueName('target');
      await admin.createWorkspace(target);
      const copyAdmin = await clientOf(server, { workspace }).init();
      const copied = await copyAdmin.copy(name, 'the-copy', { workspace: target });
      assert.equal(copied.name, 'the-copy');
      assert.equal(copied.workspace, target);
      assert.deepEqual(copied.settings, (await copyAdmin.getDataset(name)).settings);
      assert.equal(copyAdmin.getWorkspace(), workspace, 'copy does not change the current workspace');

      const strip = (records: DatasetRecord[]) => records.map(({ id, fields, metadata, annotations }) => ({ id, fields, metadata, annotations }));
      const loadedCopy = await copyAdmin.load('the-copy', { workspace: target });
      assert.deepEqual(strip(loadedCopy), strip(original));
      assert.deepEqual(loadedCopy[3]!.annotations.map((a) => a.username).sort(), ['argilla', made.username].sort());

      // Into the same workspace when none is given; from another one with sourceWorkspace.
      const sameWorkspace = await copyAdmin.copy(name, 'second-copy');
      assert.equal(sameWorkspace.workspace, workspace);
      const back = await admin.copy('the-copy', 'third-copy', { sourceWorkspace: target, workspace });
      assert.equal(back.workspace, workspace);
      assert.equal((await annotator.getDataset('third-copy')).records, 5);

      // The annotator is deleted: its annotations keep its username, with no user id.
      await admin.deleteUser(made.id);
      const afterDelete = await copyAdmin.load('the-copy', { workspace: target, annotated: true });
      const byGone = afterDelete.flatMap((r) => r.annotations).filter((a) => a.username === made.username);
      assert.equal(byGone.length, 2);
      assert.ok(byGone.every((a) => a.user_id === null));
      assert.deepEqual(ids(await copyAdmin.load('the-copy', { workspace: target, annotatedBy: made.username })), ['r1', 'r3']);
    });

    it('the current workspace is used after setWorkspace, as ?workspace=; an explicit { workspace } wins', async () => {
      const [a, b] = [uniqueName('a'), uniqueName('b')];
      const made: Made = await makeUser(server, { workspaces: [a, b] });
      await admin.createDataset('same-name', { workspace: a, settings: SENTIMENT });
      await admin.createDataset('same-name', { workspace: b, settings: SENTIMENT });
      const recorder = recordingFetch();
      const client = await clientOf(server, { apiKey: made.apiKey, fetch: recorder.fetch }).init();
      assert.equal(client.getWorkspace(), a);
      await client.log(generated(1, 'in-a-'), 'same-name');
      assert.equal(recorder.requests.at(-1)!.url.searchParams.get('workspace'), a);

      await client.setWorkspace(b);
      await client.log(generated(2, 'in-b-'), 'same-name');
      const bulk = recorder.requests.at(-1)!;
      assert.equal(bulk.url.searchParams.get('workspace'), b);
      assert.equal(bulk.headers.get('x-argilla-workspace'), b);
      assert.deepEqual(ids(await client.load('same-name')), ['in-b-0', 'in-b-1']);
      assert.deepEqual(ids(await client.load('same-name', { workspace: a })), ['in-a-0']);
      assert.equal(recorder.requests.at(-1)!.url.searchParams.get('workspace'), a, 'the option wins over the current workspace');
      assert.equal(client.getWorkspace(), b, 'an explicit workspace does not change the current one');
    });

    it('two clients in different workspaces stay independent', async () => {
      const [a, b] = [uniqueName('a'), uniqueName('b')];
      const first = await makeUser(server, { workspaces: [a] });
      const second = await makeUser(server, { workspaces: [b] });
      await admin.createDataset('shared-name', { workspace: a, settings: SENTIMENT });
      await admin.createDataset('shared-name', { workspace: b, settings: { labels: ['x', 'y'] } });
      const one = await clientOf(server, { apiKey: first.apiKey }).init();
      const two = await clientOf(server, { apiKey: second.apiKey }).init();
      assert.equal(one.getWorkspace(), a);
      assert.equal(two.getWorkspace(), b);

      await Promise.all([one.log(generated(300, 'one-'), 'shared-name', { batchSize: 100 }), two.log(generated(200, 'two-'), 'shared-name', { batchSize: 50 })]);
      await Promise.all([one.annotate('shared-name', 'one-0', 'pos'), two.annotate('shared-name', 'two-0', 'x')]);
      const [fromOne, fromTwo] = await Promise.all([one.load('shared-name'), two.load('shared-name')]);
      assert.equal(fromOne.length, 300);
      assert.equal(fromTwo.length, 200);
      assert.ok(fromOne.every((r) => r.id.startsWith('one-')));
      assert.ok(fromTwo.every((r) => r.id.startsWith('two-')));
      assert.equal(fromOne[0]!.annotations[0]!.username, first.username);
      assert.equal(fromTwo[0]!.annotations[0]!.username, second.username);
      assert.deepEqual((await one.getSettings('shared-name')).labels, ['pos', 'neg']);
      assert.deepEqual((await two.getSettings('shared-name')).labels, ['x', 'y']);
      await rejectsWith(one.annotate('shared-name', 'one-1', 'x'), ValidationError, 422);
      await rejectsWith(one.load('shared-name', { workspace: b }), NotFoundError, 404, 'workspace_not_found');
    });

    it('the module-level helpers act on the default client and its current workspace', async () => {
      const team = uniqueName('team');
      const archive = uniqueName('archive');
      const made = await makeUser(server, { workspaces: [team] });
      await admin.createWorkspace(archive);
      assert.equal(rg.delete, rg.deleteDataset, 'delete is exported, as in the Python client');

      await rg.init({ apiUrl: server.url, apiKey: server.adminKey, workspace: team });
      const created = await rg.createDataset('news', { settings: { labels: ['sports', 'politics'] } });
      assert.equal(created.workspace, team);
      assert.deepEqual((await rg.getSettings('news')).labels, ['sports', 'politics']);
      assert.deepEqual((await rg.updateSettings('news', { labels: ['sports', 'politics', 'tech'] })).labels, ['sports', 'politics', 'tech']);

      await rg.init({ apiUrl: server.url, apiKey: made.apiKey });
      assert.equal(rg.getWorkspace(), team);
      const logged = await rg.log(generated(12), 'news', { batchSize: 5 });
      assert.deepEqual(logged, { processed: 12, failed: 0, errors: [], requests: 3 });
      const annotated = await rg.annotate('news', 'r3', ['tech']);
      assert.equal(annotated.annotations[0]!.username, made.username);
      assert.equal((await rg.load('news', { limit: 4 })).length, 4);
      const seen: string[] = [];
      for await (const record of rg.iterRecords('news', { pageSize: 5, annotated: true })) seen.push(record.id);
      assert.deepEqual(seen, ['r3']);
      assert.deepEqual((await rg.listDatasets()).map((d) => [d.name, d.records, d.annotated]), [['news', 12, 1]]);
      assert.equal((await rg.getDataset('news')).records, 12);
      await rejectsWith(rg.copy('news', 'news-copy', { workspace: archive }), ForbiddenError, 403);

      await rg.init({ apiUrl: server.url, apiKey: server.adminKey });
      await rg.setWorkspace(team);
      const copied = await rg.copy('news', 'news-copy', { workspace: archive });
      assert.equal(copied.workspace, archive);
      await rg.setWorkspace(archive);
      const copy = await rg.load('news-copy', { annotated: true });
      assert.deepEqual(copy.map((r) => [r.id, r.annotations[0]!.username, r.annotations[0]!.value.labels]), [['r3', made.username, ['tech']]]);
      assert.equal((await rg.delete('news-copy')).name, 'news-copy');
      assert.equal((await rg.deleteDataset('news', { workspace: team })).name, 'news');
      assert.deepEqual(await rg.listDatasets(), []);
    });
  });
}

// The client calls behind the web UI's labelling screens, against a real server on each backend:
// listRecords (one page and its cursor, with the filters, the queue of one annotator included),
// getProgress, and editLabels (renames that the annotations follow; a label in use refused with
// the server's explanation).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AlreadyExistsError, Argilla, ForbiddenError, ValidationError, WorkspaceError } from '@argilla-ts/client';
import { backends, clientOf, makeUser, rejectsWith, startTestServer, uniqueName, type Made, type TestServer } from './support.js';

for (const backend of backends()) {
  describe(`client: labelling calls (${backend.name})`, () => {
    let server: TestServer;
    let admin: Argilla;
    let workspace: string;
    let made: Made;
    let annotator: Argilla;
    before(async () => {
      server = await startTestServer(backend);
      admin = await clientOf(server).init();
      workspace = uniqueName('ws');
      made = await makeUser(server, { workspaces: [workspace] });
      annotator = await clientOf(server, { apiKey: made.apiKey }).init();
    });
    after(() => server.close());

    async function dataset(labels = ['pos', 'neg'], count = 7): Promise<string> {
      const name = uniqueName('ds');
      await admin.createDataset(name, { workspace, settings: { labels, multi_label: true } });
      await admin.log(
        Array.from({ length: count }, (_, i) => ({ id: `r${i}`, fields: { text: `text ${i}` } })),
        name,
        { workspace },
      );
      return name;
    }

    it('listRecords returns one page and the cursor of the next; the cursor walks to the end', async () => {
      const name = await dataset();
      const first = await annotator.listRecords(name, { limit: 3 });
      assert.deepEqual(
        first.items.map((r) => r.id),
        ['r0', 'r1', 'r2'],
      );
      assert.equal(typeof first.next_cursor, 'string');
      const second = await annotator.listRecords(name, { limit: 3, cursor: first.next_cursor! });
      assert.deepEqual(
        second.items.map((r) => r.id),
        ['r3', 'r4', 'r5'],
      );
      const last = await annotator.listRecords(name, { limit: 3, cursor: second.next_cursor! });
      assert.deepEqual(
        last.items.map((r) => r.id),
        ['r6'],
      );
      assert.equal(last.next_cursor, null);
      // No limit: the server's default page holds them all here.
      assert.equal((await annotator.listRecords(name)).items.length, 7);
    });

    it('listRecords filters: notAnnotatedBy (the queue), annotatedBy, label; getProgress counts the same', async () => {
      const name = await dataset();
      await annotator.annotate(name, 'r1', ['pos', 'neg']);
      await annotator.annotate(name, 'r3', { labels: [] }, { status: 'discarded' });
      await admin.annotate(name, 'r4', 'neg', { workspace });
      const ids = async (options: Parameters<Argilla['listRecords']>[1]) => (await annotator.listRecords(name, options)).items.map((r) => r.id);
      assert.deepEqual(await ids({ notAnnotatedBy: made.username }), ['r0', 'r2', 'r4', 'r5', 'r6']);
      assert.deepEqual(await ids({ annotatedBy: made.username }), ['r1', 'r3']);
      assert.deepEqual(await ids({ label: 'neg' }), ['r1', 'r4']);
      assert.deepEqual(await ids({ notAnnotatedBy: made.username, limit: 2, cursor: (await annotator.listRecords(name, { notAnnotatedBy: made.username, limit: 2 })).next_cursor! }), ['r4', 'r5']);
      // iterRecords takes the same filter.
      const queue: string[] = [];
      for await (const record of annotator.iterRecords(name, { notAnnotatedBy: made.username, pageSize: 2 })) queue.push(record.id);
      assert.deepEqual(queue, ['r0', 'r2', 'r4', 'r5', 'r6']);

      assert.deepEqual(await annotator.getProgress(name), { records: 7, annotated: 3, annotated_by_me: 2, submitted_by_me: 1, discarded_by_me: 1 });
      assert.deepEqual(await admin.getProgress(name, { workspace }), { records: 7, annotated: 3, annotated_by_me: 1, submitted_by_me: 1, discarded_by_me: 0 });
    });

    it('editLabels renames (the annotations follow), adds, and refuses to drop a label in use with the reason', async () => {
      const name = await dataset();
      await annotator.annotate(name, 'r0', ['neg']);
      const settings = await admin.editLabels(name, { labels: ['pos', 'negative', 'meh'], renames: [{ from: 'neg', to: 'negative' }] }, { workspace });
      assert.deepEqual(settings, { task: 'text_classification', labels: ['pos', 'negative', 'meh'], multi_label: true });
      const [record] = (await annotator.listRecords(name, { limit: 1 })).items;
      assert.deepEqual(record!.annotations.map((a) => [a.username, a.value.labels]), [[made.username, ['negative']]]);

      const refused = await rejectsWith(admin.editLabels(name, { labels: ['pos', 'meh'] }, { workspace }), AlreadyExistsError, 409, 'label_in_use');
      assert.match(refused.detail, /^Cannot remove 'negative' \(1 annotation\): existing annotations use it\. Rename the label instead/);
      assert.deepEqual(refused.params, { labels: ['negative'], annotations: 1 });
      await rejectsWith(admin.editLabels(name, { labels: ['pos', 'pos'] }, { workspace }), ValidationError, 422, 'validation_error');
      await rejectsWith(annotator.editLabels(name, { labels: ['pos'] }), ForbiddenError, 403, 'forbidden');
      assert.deepEqual((await annotator.getSettings(name)).labels, ['pos', 'negative', 'meh']);
    });

    it('the new calls need a workspace, as every dataset call', async () => {
      const bare = clientOf(server);
      for (const promise of [bare.listRecords('x'), bare.getProgress('x'), bare.editLabels('x', { labels: [] })]) {
        await assert.rejects(promise, (error: unknown) => error instanceof WorkspaceError && error.code === 'workspace_required');
      }
    });
  });
}

// Who may do what through the 1.6 routes (the project's dataset permissions: an annotator member
// logs and loads, but does not create, delete or copy; a non-member sees 404), and the round trip
// through both doors: logged by the 1.6 routes, listed, read and annotated through the project's
// API, loaded back by the 1.6 routes with the annotator as agent; and the reverse.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertError16, createWorkspace, labels, rgLoad, rgLog, send, textRecord, uniqueName, type Session } from './support.js';

for (const backend of backends()) {
  describe(`1.6 client: permissions and the round trip through both doors (${backend.name})`, () => {
    let server: TestServer;
    let workspace: string;
    let admin: Session;
    let annotator: Made;
    let member: Session;
    let stranger: Session;

    before(async () => {
      server = await startTestServer(backend);
      workspace = (await createWorkspace(server, uniqueName('team'))).name;
      const elsewhere = (await createWorkspace(server, uniqueName('elsewhere'))).name;
      annotator = await makeUser(server, { workspaces: [workspace] });
      const outsider = await makeUser(server, { workspaces: [elsewhere] });
      admin = { server, key: server.adminKey, workspace };
      member = { server, key: annotator.apiKey, workspace };
      stranger = { server, key: outsider.apiKey, workspace };
      const records = Array.from({ length: 5 }, (_, i) => textRecord(i, `text ${i}`, { prediction: labels('model', ['pos', 0.6], ['neg', 0.4]) }));
      assert.equal((await rgLog(admin, 'shared', 'TextClassification', records)).replies[0]!.status, 200);
    });
    after(() => server.close());

    it('an annotator member logs into an existing dataset and loads it, attributed to itself, keeping the agent it sent', async () => {
      const reply = await rgLog(member, 'shared', 'TextClassification', [textRecord(9, 'from the annotator', { annotation: labels('laptop-17', ['neg', 1]) })]);
      assert.deepEqual([reply.replies[0]!.status, reply.replies[0]!.body], [200, { dataset: 'shared', processed: 1, failed: 0 }]);
      const loaded = await rgLoad(member, 'shared');
      assert.equal(loaded.records.length, 6);
      assert.deepEqual(loaded.records.find((r) => r.id === '9').annotation, { agent: 'laptop-17', labels: [{ class: 'neg', score: 1 }] });
      const project = await call(server, 'GET', `/api/datasets/shared/records?workspace=${workspace}`, { key: annotator.apiKey });
      const nine = project.body.items.find((r: any) => r.id === '9');
      assert.deepEqual(
        nine.annotations.map((a: any) => [a.user_id, a.username, a.value, a.status]),
        [[annotator.id, annotator.username, { labels: ['neg'] }, 'submitted']],
      );
    });

    it('an annotator member cannot create (first log), copy or delete: 403 ForbiddenOperationError', async () => {
      const create = await rgLog(member, 'mine', 'TextClassification', [textRecord(1, 'x')]);
      assertError16(create.replies[0]!, 403, 'ForbiddenOperationError');
      assert.equal((await send(admin, 'GET', '/api/datasets/mine')).status, 404);
      assertError16(await send(member, 'PUT', '/api/datasets/shared:copy', { tags: {}, metadata: {}, name: 'copy', target_workspace: null }), 403, 'ForbiddenOperationError');
      // the name already taken answers 409 before the permission, as in 1.6
      assertError16(await send(member, 'PUT', '/api/datasets/shared:copy', { tags: {}, metadata: {}, name: 'shared', target_workspace: null }), 409, 'EntityAlreadyExistsError');
      const deleted = await send(member, 'DELETE', '/api/datasets/shared');
      assert.equal(deleted.status, 403);
      assert.equal((await rgLoad(admin, 'shared')).records.length, 6);
    });

    it('a user who is not a member sees 404 on every route', async () => {
      assertError16((await rgLog(stranger, 'shared', 'TextClassification', [textRecord(1, 'x')])).replies[0]!, 404, 'EntityNotFoundError');
      assertError16((await rgLoad(stranger, 'shared', { cached: true })).failure!, 404, 'EntityNotFoundError');
      assert.equal((await rgLoad(stranger, 'shared')).failure!.status, 404);
      assertError16(await send(stranger, 'PUT', '/api/datasets/shared:copy', { tags: {}, metadata: {}, name: 'c', target_workspace: null }), 404, 'EntityNotFoundError');
      assert.equal((await send(stranger, 'DELETE', '/api/datasets/shared')).status, 404);
    });

    it('round trip: logged by 1.6, listed and annotated through the project API, loaded with the annotator as agent', async () => {
      const list = await call(server, 'GET', `/api/datasets?workspace=${workspace}`, { key: annotator.apiKey });
      const shared = list.body.find((d: any) => d.name === 'shared');
      assert.deepEqual([shared.task, shared.settings, shared.records], ['TextClassification', { task: 'text_classification', labels: ['pos', 'neg'], multi_label: false }, 6]);
      const annotated = await call(server, 'PUT', `/api/datasets/shared/records/3/annotation?workspace=${workspace}`, {
        key: annotator.apiKey,
        json: { value: { labels: ['pos'] } },
      });
      assert.equal(annotated.status, 200);
      const discarded = await call(server, 'PUT', `/api/datasets/shared/records/4/annotation?workspace=${workspace}`, {
        key: annotator.apiKey,
        json: { value: { labels: ['neg'] }, status: 'discarded' },
      });
      assert.equal(discarded.status, 200);
      const records = (await rgLoad(admin, 'shared', { ids: [3, 4] })).records;
      assert.deepEqual(
        records.map((r) => [r.id, r.annotation, r.status, r.prediction.agent]),
        [
          ['3', { agent: annotator.username, labels: [{ class: 'pos', score: 1 }] }, 'Validated', 'model'],
          ['4', { agent: annotator.username, labels: [{ class: 'neg', score: 1 }] }, 'Discarded', 'model'],
        ],
      );
      const byQuery = await rgLoad(admin, 'shared', { query: `annotated_by:${annotator.username}` });
      assert.deepEqual(byQuery.records.map((r) => r.id), ['3', '4']);
    });

    it('the reverse: created and logged through the project API, loaded by the 1.6 routes', async () => {
      const created = await call(server, 'POST', `/api/datasets?workspace=${workspace}`, {
        key: server.adminKey,
        json: { name: 'native', settings: { labels: ['a', 'b'], multi_label: true } },
      });
      assert.equal(created.status, 200);
      const logged = await call(server, 'POST', `/api/datasets/native/records:bulk?workspace=${workspace}`, {
        key: server.adminKey,
        json: { records: [{ id: 2, fields: { text: 'two', title: 'T' }, metadata: { k: 'v' } }, { id: 'x', fields: { text: 'ex' } }] },
      });
      assert.equal(logged.status, 200);
      await call(server, 'PUT', `/api/datasets/native/records/2/annotation?workspace=${workspace}`, { key: annotator.apiKey, json: { value: { labels: ['a', 'b'] } } });
      const got = await send(member, 'GET', '/api/datasets/native');
      assert.deepEqual([got.status, got.body.name, got.body.task], [200, 'native', 'TextClassification']);
      const loaded = await rgLoad(member, 'native');
      assert.deepEqual(
        loaded.records.map((r) => [r.id, r.inputs, r.multi_label, r.status, r.annotation ?? null, r.metadata]),
        [
          ['2', { text: 'two', title: 'T' }, true, 'Validated', { agent: annotator.username, labels: [{ class: 'a', score: 1 }, { class: 'b', score: 1 }] }, { k: 'v' }],
          ['x', { text: 'ex' }, true, 'Default', null, {}],
        ],
      );
      // and a 1.6 log into it with another task's route is refused
      assertError16(await send(admin, 'POST', '/api/datasets/native/TokenClassification:bulk', { tags: {}, metadata: {}, records: [] }), 400, 'WrongTaskError');
    });
  });
}

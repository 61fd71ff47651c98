// rg.log and rg.load of TokenClassification and Text2Text records, as the 1.6 Python client sends
// and reads them: spans and sentences, predictions with scores, the metrics the server computes,
// and the checks that fail a batch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, startTestServer, type TestServer } from '../helpers/http.js';
import { assertError16, createWorkspace, rgLoad, rgLog, send, text2textRecord, tokenRecord, uniqueName, type Session } from './support.js';

for (const backend of backends()) {
  describe(`1.6 client: token classification and text2text (${backend.name})`, () => {
    let server: TestServer;
    let s: Session;

    before(async () => {
      server = await startTestServer(backend);
      s = { server, key: server.adminKey, workspace: (await createWorkspace(server, uniqueName('team'))).name };
    });
    after(() => server.close());

    it('TokenClassification: entities and tokens come back with the metrics 1.6 computes', async () => {
      const text = 'Michael Smith lives in Paris since 2001';
      const tokens = ['Michael', 'Smith', 'lives', 'in', 'Paris', 'since', '2001'];
      const logged = await rgLog(s, 'ner', 'TokenClassification', [
        tokenRecord(1001, text, tokens, {
          annotation: { agent: 'alice', entities: [{ start: 0, end: 13, label: 'PER', score: 1 }], score: null },
          prediction: { agent: 'spacy', entities: [{ start: 23, end: 28, label: 'LOC', score: 0 }, { start: 0, end: 7, label: 'PER', score: 0.9 }], score: null },
        }),
        tokenRecord('t-2', 'just words', ['just', 'words']),
      ]);
      assert.deepEqual(logged.replies.map((r) => [r.status, r.body]), [[200, { dataset: 'ner', processed: 2, failed: 0 }]]);
      const got = await send(s, 'GET', '/api/datasets/ner');
      assert.deepEqual([got.status, got.body.task, got.body.settings.task], [200, 'TokenClassification', 'token_classification']);
      const loaded = await rgLoad(s, 'ner');
      assert.deepEqual(loaded.records.map((r) => r.id), ['1001', 't-2']);
      const [record] = loaded.records;
      assert.equal(record.text, text);
      assert.deepEqual(record.tokens, tokens);
      assert.equal(record.status, 'Validated');
      assert.deepEqual(record.annotation, { agent: 'alice', entities: [{ start: 0, end: 13, label: 'PER', score: 1 }], score: null });
      assert.deepEqual(record.prediction.entities, [{ start: 23, end: 28, label: 'LOC', score: 0 }, { start: 0, end: 7, label: 'PER', score: 0.9 }]);
      assert.equal(record.prediction.agent, 'spacy');
      assert.equal(record.metrics.text_length, 39);
      assert.equal(record.metrics.tokens_length, 7);
      assert.deepEqual(record.metrics.tokens[0], { idx: 0, value: 'Michael', char_start: 0, char_end: 6, capitalness: 'FIRST', length: 7 });
      assert.deepEqual(record.metrics.tokens[6], { idx: 6, value: '2001', char_start: 35, char_end: 38, capitalness: null, length: 4 });
      assert.deepEqual(record.metrics.annotated.mentions, [
        { value: 'Michael Smith', label: 'PER', score: 1, capitalness: 'MIDDLE', density: 2 / 7, tokens_length: 2, chars_length: 13 },
      ]);
      assert.deepEqual(
        record.metrics.annotated.tags.map((t: any) => t.tag),
        ['B-PER', 'I-PER', 'O', 'O', 'O', 'O', 'O'],
      );
      // the project's records API reads the same records; its annotation route does not take spans
      const project = await call(server, 'GET', `/api/datasets/ner/records?workspace=${s.workspace}`, { key: server.adminKey });
      assert.equal(project.status, 200);
      assert.deepEqual(project.body.items[0].fields, { text, tokens });
      assert.deepEqual(project.body.items[0].annotations[0].value, { labels: ['PER'], entities: [{ start: 0, end: 13, label: 'PER', score: 1 }] });
      assert.equal(project.body.items[0].annotations[0].username, 'argilla');
      const refused = await call(server, 'PUT', `/api/datasets/ner/records/1001/annotation?workspace=${s.workspace}`, {
        key: server.adminKey,
        json: { value: { labels: ['PER'] } },
      });
      assert.equal(refused.status, 422);
    });

    it('TokenClassification: a span past the text, end not after start, or a token not in the text fail the batch (422)', async () => {
      const bad = await rgLog(s, 'ner', 'TokenClassification', [
        tokenRecord(1, 'short text', ['short', 'text'], { annotation: { agent: 'a', entities: [{ start: 0, end: 50, label: 'X', score: 1 }], score: null } }),
        tokenRecord(2, 'short text', ['short', 'text'], { annotation: { agent: 'a', entities: [{ start: 3, end: 3, label: 'X', score: 1 }], score: null } }),
        tokenRecord(3, 'short text', ['short', 'missing']),
        tokenRecord(4, 'short text', []),
      ]);
      const params = assertError16(bad.replies[0]!, 422, 'ValidationError');
      assert.deepEqual(
        params.errors.map((e: any) => e.loc),
        [
          ['body', 'records', 0, 'annotation', 'entities', 0, 'end'],
          ['body', 'records', 1, 'annotation', 'entities', 0, 'end'],
          ['body', 'records', 2, 'tokens'],
          ['body', 'records', 3, 'tokens'],
        ],
      );
      assert.equal((await rgLoad(s, 'ner')).records.length, 2);
    });

    it('Text2Text: sentences with scores, predictions sorted by score, text_length', async () => {
      const logged = await rgLog(s, 'translate', 'Text2Text', [
        text2textRecord('t-1', 'good morning number 1', {
          prediction: { agent: 'mt-model', sentences: [{ text: 'buenos dias 1', score: 0.3 }, { text: 'buen dia 1', score: 0.8 }] },
          annotation: { agent: 'alice', sentences: [{ text: 'buenos dias numero 1', score: 1 }] },
        }),
      ]);
      assert.equal(logged.replies[0]!.status, 200);
      const [record] = (await rgLoad(s, 'translate')).records;
      assert.deepEqual(record, {
        id: 't-1',
        text: 'good morning number 1',
        prediction: { agent: 'mt-model', sentences: [{ text: 'buen dia 1', score: 0.8 }, { text: 'buenos dias 1', score: 0.3 }] },
        annotation: { agent: 'alice', sentences: [{ text: 'buenos dias numero 1', score: 1 }] },
        status: 'Validated',
        event_timestamp: '2024-03-01T12:00:00',
        last_updated: record.last_updated,
        metadata: {},
        metrics: { text_length: 21 },
      });
      assert.equal((await send(s, 'GET', '/api/datasets/translate')).body.task, 'Text2Text');
      // the dataset is listed by the project's own API with its task
      const list = await call(server, 'GET', `/api/datasets?workspace=${s.workspace}`, { key: server.adminKey });
      assert.deepEqual(
        list.body.map((d: any) => [d.name, d.task, d.settings.task]),
        [
          ['ner', 'TokenClassification', 'token_classification'],
          ['translate', 'Text2Text', 'text2text'],
        ],
      );
      // and its settings are not rewritten as text classification's
      const settings = await call(server, 'PUT', `/api/datasets/translate/settings?workspace=${s.workspace}`, { key: server.adminKey, json: { labels: ['a'] } });
      assert.equal(settings.status, 422);
    });
  });
}

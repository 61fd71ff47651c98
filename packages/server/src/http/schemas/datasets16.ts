// The shapes the Argilla 1.6 Python client sends and reads on its dataset routes (rg.log, rg.load,
// rg.copy). Records are checked by domain/datasets16.ts, which answers every broken rule of a
// batch at once; these schemas publish them.
import { Type } from 'typebox';
import { LIMITS } from '../../domain/limits.js';
import { checkedByDomain } from './common.js';

const JsonObject = (description?: string) => Type.Record(Type.String(), Type.Unknown(), description ? { description } : {});
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

export const Task16 = Type.Union([Type.Literal('TextClassification'), Type.Literal('TokenClassification'), Type.Literal('Text2Text')]);

const Judgement = (what: string) =>
  Nullable(
    Type.Object(
      {
        agent: Type.String({ maxLength: 64, description: 'who made it: a model, a person, the client machine' }),
        labels: Type.Optional(Type.Array(Type.Object({ class: Type.String(), score: Type.Number({ minimum: 0, maximum: 1 }) }))),
        entities: Type.Optional(
          Type.Array(Type.Object({ start: Type.Integer(), end: Type.Integer(), label: Type.String(), score: Type.Number({ minimum: 0, maximum: 1 }) })),
        ),
        sentences: Type.Optional(Type.Array(Type.Object({ text: Type.String(), score: Type.Number({ minimum: 0, maximum: 1 }) }))),
      },
      { description: `${what}: labels (TextClassification), entities (TokenClassification) or sentences (Text2Text)` },
    ),
  );

export const Record16InputSchema = Type.Object(
  {
    id: Nullable(Type.Union([Type.String({ minLength: 1, maxLength: LIMITS.record_id_max_length }), Type.Integer()])),
    metadata: Nullable(JsonObject('flattened to dotted keys; null and empty-list values are dropped')),
    event_timestamp: Nullable(Type.String({ description: 'ISO 8601, kept as sent' })),
    status: Nullable(Type.Union([Type.Literal('Default'), Type.Literal('Edited'), Type.Literal('Discarded'), Type.Literal('Validated')])),
    prediction: Judgement('the prediction'),
    annotation: Judgement('the annotation (stored as the logging user\'s, with this agent)'),
    vectors: Nullable(Type.Record(Type.String(), Type.Object({ value: Type.Array(Type.Number()) }))),
    inputs: Type.Optional(JsonObject('TextClassification: the texts')),
    multi_label: Nullable(Type.Boolean()),
    explanation: Nullable(JsonObject()),
    text: Type.Optional(Type.String({ description: 'TokenClassification and Text2Text' })),
    tokens: Type.Optional(Type.Array(Type.String(), { description: 'TokenClassification' })),
  },
  { description: 'a record as the 1.6 client logs it; metrics and search_keywords are ignored' },
);

export const Bulk16Body = Type.Object({
  tags: Nullable(JsonObject()),
  metadata: Nullable(JsonObject()),
  records: Type.Array(checkedByDomain(Record16InputSchema), { maxItems: LIMITS.bulk_records_max }),
});

export const Bulk16Answer = Type.Object({ dataset: Type.String(), processed: Type.Integer(), failed: Type.Integer() });

export const Scan16Body = Type.Object({
  fields: Type.Optional(Type.Unknown()),
  query: Nullable(
    Type.Object({
      query_text: Nullable(Type.String()),
      ids: Nullable(Type.Array(Type.Union([Type.String(), Type.Integer()]))),
    }),
  ),
  next_idx: Nullable(Type.Union([Type.String(), Type.Integer()])),
  next_page_cfg: Nullable(Type.String()),
  sort_by: Nullable(Type.Array(Type.Object({ id: Type.String(), order: Type.Optional(Type.String()) }))),
});

export const Scan16Answer = Type.Object({
  records: Type.Array(JsonObject('a record: id (text), inputs or text/tokens, prediction, annotation, status, metadata, metrics, ...')),
  next_idx: Type.Optional(Type.String({ description: 'present while more records remain: send it back for the next page' })),
});

export const Copy16Body = Type.Object({
  name: Type.Unknown({ description: 'the name of the copy' }),
  target_workspace: Nullable(Type.String({ description: 'null: the same workspace' })),
  tags: Nullable(JsonObject()),
  metadata: Nullable(JsonObject()),
});

export const Dataset16Schema = Type.Object({
  id: Type.String({ description: '<workspace>.<name>' }),
  name: Type.String(),
  task: Task16,
  owner: Type.String(),
  workspace: Type.String(),
  tags: JsonObject(),
  metadata: JsonObject(),
  created_at: Type.String(),
  created_by: Type.Union([Type.String(), Type.Null()]),
  last_updated: Type.String(),
});

/** Errors on these routes: the body the 1.6 client reads (`detail.code`, `detail.params`). */
export const Problem16Schema = Type.Object(
  {
    detail: Type.Object({ code: Type.String({ description: 'argilla.api.errors::<Name>' }), params: JsonObject() }),
    code: Type.String({ description: "the project's own problem code" }),
    message: Type.String(),
    request_id: Type.String(),
  },
  { description: 'an error as Argilla 1.6 answers it' },
);

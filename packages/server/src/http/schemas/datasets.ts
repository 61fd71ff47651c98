// Datasets, their labelling schema (settings), records and annotations on the wire.
import { Type } from 'typebox';
import { LIMITS } from '../../domain/limits.js';
import { Timestamp, Uuid } from './common.js';

export const SettingsSchema = Type.Object(
  {
    task: Type.Union([Type.Literal('text_classification'), Type.Literal('token_classification'), Type.Literal('text2text')], {
      description: 'datasets logged by the Argilla 1.6 Python client may hold token classification or text2text records',
    }),
    labels: Type.Array(Type.String()),
    multi_label: Type.Boolean(),
  },
  { $id: 'DatasetSettings', description: 'the labelling schema' },
);

/** Free-form JSON objects (a record's fields and metadata): every key is kept. */
const JsonObject = (options: { description?: string; minProperties?: number } = {}) => Type.Record(Type.String(), Type.Unknown(), options);

// What domain/datasets.ts `checkSettings` accepts. Published only (see `checkedByDomain`): the
// domain answers each broken rule with its own pointer, e.g. /settings/labels/2.
export const SettingsInputSchema = Type.Object(
  {
    task: Type.Optional(Type.Literal('text_classification', { default: 'text_classification' })),
    labels: Type.Optional(
      Type.Array(
        Type.String({
          minLength: 1,
          maxLength: LIMITS.label_max_length,
          pattern: '^[^|]*[^\\s|][^|]*$',
          description: "a label name: not blank, without '|'",
        }),
        { maxItems: LIMITS.labels_max, uniqueItems: true, default: [] },
      ),
    ),
    multi_label: Type.Optional(Type.Boolean({ default: false, description: 'whether an annotation may hold more than one label' })),
  },
  { $id: 'DatasetSettingsInput', description: 'a labelling schema to create a dataset with, or to replace its settings with; fields left out take their defaults' },
);

// What domain/records.ts `logRecords` accepts of each record. Published only: a record that breaks
// a rule is counted in `failed` with its index, and the others are stored.
export const RecordInputSchema = Type.Object(
  {
    id: Type.Optional(
      Type.Union(
        [
          Type.String({ minLength: 1, maxLength: LIMITS.record_id_max_length }),
          Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }),
          Type.Null(),
        ],
        { description: 'text or a whole number; left out (or null), the server makes one; a known id replaces that record' },
      ),
    ),
    fields: JsonObject({ minProperties: 1, description: 'the data to annotate, e.g. {"text": "..."}' }),
    metadata: Type.Optional(Type.Union([JsonObject(), Type.Null()])),
  },
  { $id: 'DatasetRecordInput', description: 'a record to log: any other property is ignored' },
);

export const DatasetSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    workspace: Type.String(),
    settings: Type.Ref('DatasetSettings'),
    created_by: Type.Union([Type.String(), Type.Null()], { description: 'username of the creator' }),
    inserted_at: Timestamp,
    updated_at: Timestamp,
    records: Type.Optional(Type.Integer({ description: 'number of records' })),
    annotated: Type.Optional(Type.Integer({ description: 'records with at least one annotation' })),
    task: Type.Optional(
      Type.Union([Type.Literal('TextClassification'), Type.Literal('TokenClassification'), Type.Literal('Text2Text')], {
        description: 'the task as the Argilla 1.6 Python client names it (on reads)',
      }),
    ),
  },
  { $id: 'Dataset' },
);

export const AnnotationSchema = Type.Object({
  user_id: Type.Union([Uuid, Type.Null()], { description: 'empty once the user is deleted; the username stays' }),
  username: Type.String(),
  value: Type.Object({
    labels: Type.Array(Type.String()),
    entities: Type.Optional(
      Type.Array(Type.Object({ start: Type.Integer(), end: Type.Integer(), label: Type.String(), score: Type.Number() }), {
        description: 'token classification (logged by the 1.6 Python client): the annotated spans; `labels` lists their labels',
      }),
    ),
    sentences: Type.Optional(
      Type.Array(Type.Object({ text: Type.String(), score: Type.Number() }), { description: 'text2text (logged by the 1.6 Python client)' }),
    ),
  }),
  status: Type.Union([Type.Literal('submitted'), Type.Literal('discarded')]),
  updated_at: Timestamp,
});

export const RecordSchema = Type.Object(
  {
    id: Type.String(),
    fields: JsonObject(),
    metadata: JsonObject(),
    annotations: Type.Array(AnnotationSchema),
    inserted_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'DatasetRecord' },
);

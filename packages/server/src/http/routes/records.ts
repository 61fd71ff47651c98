// The records of a dataset and their annotations.
import { Type } from 'typebox';
import { LIMITS } from '../../domain/limits.js';
import { annotateRecord, loadRecords, logRecords, MAX_BULK } from '../../domain/records.js';
import { caller } from '../auth.js';
import { datasetProblems, NameParams, WorkspaceQuery, workspaceOf } from '../datasetRequests.js';
import { checkedByDomain, Ref } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const recordRoutes: RouteModule = async (app, { database }) => {
  app.post(
    '/api/datasets/:name/records::bulk',
    {
      schema: {
        tags: ['records'],
        summary: `Log up to ${MAX_BULK} records (upsert by id)`,
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        body: Type.Object({ records: Type.Array(checkedByDomain(Ref.RecordInput), { maxItems: MAX_BULK }) }),
        response: {
          200: Type.Object({
            processed: Type.Integer(),
            failed: Type.Integer(),
            errors: Type.Array(Type.Object({ index: Type.Integer(), message: Type.String() })),
          }),
          ...datasetProblems(),
        },
      },
    },
    async (request) => logRecords(database, caller(request).actor, workspaceOf(request), request.params.name, request.body.records),
  );

  app.get(
    '/api/datasets/:name/records',
    {
      schema: {
        tags: ['records'],
        summary: 'Records in the order they were logged, a page at a time (follow next_cursor)',
        params: NameParams,
        querystring: Type.Object({
          ...WorkspaceQuery,
          cursor: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.page_size_max, description: `page size (default ${LIMITS.records_page_default})` })),
          annotated: Type.Optional(Type.Boolean()),
          annotated_by: Type.Optional(Type.String({ description: 'a username' })),
          not_annotated_by: Type.Optional(Type.String({ description: 'a username: the records it has not annotated yet' })),
          label: Type.Optional(Type.String()),
        }),
        response: { 200: Type.Object({ items: Type.Array(Ref.Record), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...datasetProblems() },
      },
    },
    async (request) => loadRecords(database, caller(request).actor, workspaceOf(request), request.params.name, request.query),
  );

  app.put(
    '/api/datasets/:name/records/:id/annotation',
    {
      schema: {
        tags: ['records'],
        summary: "Record or replace the caller's annotation of a record; returns the record",
        params: Type.Object({ name: Type.String(), id: Type.String() }),
        querystring: Type.Object(WorkspaceQuery),
        body: Type.Object({
          value: Type.Object({ labels: Type.Array(Type.String()) }),
          status: Type.Optional(Type.Union([Type.Literal('submitted'), Type.Literal('discarded')])),
        }),
        response: { 200: Ref.Record, ...datasetProblems() },
      },
    },
    async (request) =>
      annotateRecord(database, caller(request).actor, workspaceOf(request), request.params.name, request.params.id, request.body),
  );
};

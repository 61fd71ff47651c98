// Workspace-scoped datasets. The workspace comes from `?workspace=`, else the X-Argilla-Workspace
// header; datasets are addressed by name within it.
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import {
  annotateRecord,
  copyDataset,
  createDataset,
  deleteDataset,
  getDataset,
  getSettings,
  listDatasets,
  loadRecords,
  logRecords,
  MAX_BULK,
  updateSettings,
} from '../../domain/datasets.js';
import type { App, AppDeps } from '../app.js';
import { caller } from '../auth.js';
import { ProblemResponse, problems, Ref } from '../schemas.js';

const WorkspaceQuery = {
  workspace: Type.Optional(Type.String({ description: 'the workspace (else the X-Argilla-Workspace header)' })),
};
const NameParams = Type.Object({ name: Type.String() });

function workspaceOf(request: FastifyRequest): string | undefined {
  const fromQuery = (request.query as { workspace?: string } | undefined)?.workspace;
  const header = request.headers['x-argilla-workspace'];
  return fromQuery || (Array.isArray(header) ? header[0] : header) || undefined;
}

/** Dataset errors: the workspace may be missing (400) or unseen (404); annotators may not manage (403). */
const datasetProblems = (...statuses: number[]) => ({ 400: ProblemResponse, ...problems(404, ...statuses) });

export function registerDatasetRoutes(app: App, { database }: AppDeps): void {
  app.post(
    '/api/datasets',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Create a dataset in a workspace (admin)',
        querystring: Type.Object(WorkspaceQuery),
        body: Type.Object({ name: Type.String(), settings: Type.Optional(Type.Unknown()) }),
        response: { 200: Ref.Dataset, ...datasetProblems(403, 409) },
      },
    },
    async (request) => createDataset(database, caller(request).actor, workspaceOf(request), request.body),
  );

  app.get(
    '/api/datasets',
    {
      schema: {
        tags: ['datasets'],
        summary: 'The datasets of a workspace, with record and annotation counts',
        querystring: Type.Object(WorkspaceQuery),
        response: { 200: Type.Array(Ref.Dataset), ...datasetProblems() },
      },
    },
    async (request) => listDatasets(database, caller(request).actor, workspaceOf(request)),
  );

  app.get(
    '/api/datasets/:name',
    {
      schema: {
        tags: ['datasets'],
        summary: 'One dataset, with its counts',
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        response: { 200: Ref.Dataset, ...datasetProblems() },
      },
    },
    async (request) => getDataset(database, caller(request).actor, workspaceOf(request), request.params.name),
  );

  app.delete(
    '/api/datasets/:name',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Delete a dataset with its records and annotations (admin)',
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        response: { 200: Ref.Dataset, ...datasetProblems(403) },
      },
    },
    async (request) => deleteDataset(database, caller(request).actor, workspaceOf(request), request.params.name),
  );

  app.get(
    '/api/datasets/:name/settings',
    {
      schema: {
        tags: ['datasets'],
        summary: "A dataset's labelling schema",
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        response: { 200: Ref.Settings, ...datasetProblems() },
      },
    },
    async (request) => getSettings(database, caller(request).actor, workspaceOf(request), request.params.name),
  );

  app.put(
    '/api/datasets/:name/settings',
    {
      schema: {
        tags: ['datasets'],
        summary: "Replace a dataset's labelling schema (admin)",
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        body: Type.Unknown({ description: '{task: "text_classification", labels: [...], multi_label: false}' }),
        response: { 200: Ref.Settings, ...datasetProblems(403) },
      },
    },
    async (request) => updateSettings(database, caller(request).actor, workspaceOf(request), request.params.name, request.body),
  );

  app.post(
    '/api/datasets/:name/records::bulk',
    {
      schema: {
        tags: ['records'],
        summary: `Log up to ${MAX_BULK} records (upsert by id)`,
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        body: Type.Object({ records: Type.Array(Type.Unknown(), { maxItems: MAX_BULK }) }),
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
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'page size (default 100)' })),
          annotated: Type.Optional(Type.Boolean()),
          annotated_by: Type.Optional(Type.String({ description: 'a username' })),
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

  app.post(
    '/api/datasets/:name(^[a-z0-9_-]+)::copy',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Copy a dataset with its records and annotations to another workspace (admin)',
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        body: Type.Object({ name: Type.String(), target_workspace: Type.Optional(Type.String({ description: 'default: the same workspace' })) }),
        response: { 200: Ref.Dataset, ...datasetProblems(403, 409) },
      },
    },
    async (request) => copyDataset(database, caller(request).actor, workspaceOf(request), request.params.name, request.body),
  );
}

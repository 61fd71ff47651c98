// Datasets of a workspace and their labelling schema (settings).
import { Type } from 'typebox';
import { copyDataset, createDataset, deleteDataset, getDataset, getSettings, listDatasets, updateSettings } from '../../domain/datasets.js';
import { caller } from '../auth.js';
import { datasetProblems, NameParams, WorkspaceQuery, workspaceOf } from '../datasetRequests.js';
import { checkedByDomain, NameText, Ref } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const datasetRoutes: RouteModule = async (app, { database }) => {
  app.post(
    '/api/datasets',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Create a dataset in a workspace (admin)',
        querystring: Type.Object(WorkspaceQuery),
        body: Type.Object({ name: NameText(), settings: Type.Optional(checkedByDomain(Ref.SettingsInput)) }),
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
        body: checkedByDomain(Ref.SettingsInput),
        response: { 200: Ref.Settings, ...datasetProblems(403) },
      },
    },
    async (request) => updateSettings(database, caller(request).actor, workspaceOf(request), request.params.name, request.body),
  );

  app.post(
    '/api/datasets/:name(^[a-z0-9_-]+)::copy',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Copy a dataset with its records and annotations to another workspace (admin)',
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        body: Type.Object({ name: NameText(), target_workspace: Type.Optional(NameText('default: the same workspace')) }),
        response: { 200: Ref.Dataset, ...datasetProblems(403, 409) },
      },
    },
    async (request) => copyDataset(database, caller(request).actor, workspaceOf(request), request.params.name, request.body),
  );
};

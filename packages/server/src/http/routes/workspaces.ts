// Workspaces: everyone lists those they see; admins create and delete them.
import { Type } from 'typebox';
import { scopeKey, workspaceScope } from '../../domain/policies.js';
import { createWorkspace, deleteWorkspace, getWorkspace, listWorkspaces } from '../../domain/workspaces.js';
import { caller } from '../auth.js';
import { sendPage } from '../pages.js';
import { presentWorkspace } from '../presenters.js';
import { CreateWorkspaceBody, IdParams, Paging, problems, Ref } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const workspaceRoutes: RouteModule = async (app, { database }) => {
  const renderedPages = database.caches.get('workspaces_lists');

  app.get(
    '/api/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Workspaces in creation order: all for admins, its own for anyone else. The total is in X-Total-Count',
        querystring: Type.Object(Paging),
        response: { 200: Type.Array(Ref.Workspace), ...problems() },
      },
    },
    (request, reply) => {
      const { actor } = caller(request);
      const { limit, offset } = request.query;
      // The page depends on the caller's workspace scope: shared by everyone who sees them all.
      const key = JSON.stringify([scopeKey(workspaceScope(actor)), limit, offset]);
      return sendPage(reply, renderedPages, key, () => listWorkspaces(database, actor, request.query), presentWorkspace);
    },
  );

  app.post(
    '/api/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Create a workspace (admin)',
        body: CreateWorkspaceBody,
        response: { 200: Ref.Workspace, ...problems(403, 409) },
      },
    },
    async (request) => presentWorkspace(await createWorkspace(database, caller(request).actor, request.body.name)),
  );

  app.get(
    '/api/workspaces/:id',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'One workspace (admin or member; 404 to anyone else)',
        params: IdParams,
        response: { 200: Ref.Workspace, ...problems(404) },
      },
    },
    async (request) => presentWorkspace(await getWorkspace(database, caller(request).actor, request.params.id)),
  );

  app.delete(
    '/api/workspaces/:id',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Delete a workspace (admin)',
        params: IdParams,
        response: { 200: Ref.Workspace, ...problems(403, 404, 409) },
      },
    },
    async (request) => presentWorkspace(await deleteWorkspace(database, caller(request).actor, request.params.id)),
  );
};

import { Type } from 'typebox';
import {
  addMember,
  createWorkspace,
  deleteWorkspace,
  getWorkspace,
  listMembers,
  listWorkspaces,
  removeMember,
} from '../../domain/workspaces.js';
import type { App, AppDeps } from '../app.js';
import { caller } from '../auth.js';
import type { FastifyReply } from 'fastify';
import { can } from '../../domain/policies.js';
import { sendPage } from '../pages.js';
import { presentUser, presentWorkspace } from '../presenters.js';
import { CreateWorkspaceBody, IdParams, MemberParams, Paging, problems, Ref } from '../schemas.js';

export function registerWorkspaceRoutes(app: App, { database }: AppDeps): void {
  // Pages are per caller for annotators: enough for a few hundred active users, bounded.
  const renderedPages = database.cache.sibling(256);

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
      // Admins see every workspace, anyone else their own: the page depends on who asks.
      const key = JSON.stringify([can(actor, 'workspaces.read_all') ? '*' : actor.id, limit, offset]);
      return sendPage(reply as unknown as FastifyReply, renderedPages, key, () => listWorkspaces(database, actor, request.query), presentWorkspace);
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

  app.get(
    '/api/workspaces/:id/users',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Members of a workspace, by membership time (admin)',
        params: IdParams,
        response: { 200: Type.Array(Ref.User), ...problems(403, 404) },
      },
    },
    async (request) => (await listMembers(database, caller(request).actor, request.params.id)).map((u) => presentUser(u)),
  );

  app.post(
    '/api/workspaces/:id/users/:user_id',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Add a user to a workspace (admin); returns the user',
        params: MemberParams,
        response: { 200: Ref.User, ...problems(403, 404, 409) },
      },
    },
    async (request) => presentUser(await addMember(database, caller(request).actor, request.params.id, request.params.user_id)),
  );

  app.delete(
    '/api/workspaces/:id/users/:user_id',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Remove a user from a workspace (admin); returns the user',
        params: MemberParams,
        response: { 200: Ref.User, ...problems(403, 404) },
      },
    },
    async (request) => presentUser(await removeMember(database, caller(request).actor, request.params.id, request.params.user_id)),
  );
}

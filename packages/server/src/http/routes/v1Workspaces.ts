// Workspaces and their members under /api/v1, as Argilla's later clients manage them. The same
// domain calls as /api/workspaces, presented the v1 way: creates answer 201, the routes the 1.x
// client also uses answer exactly 200, deletes answer the deleted object.
import { fail, isDomainError } from '../../domain/errors.js';
import { addMember, createWorkspace, deleteWorkspace, getWorkspace, listMembers, removeMember } from '../../domain/workspaces.js';
import { check, rules } from '../../domain/validation.js';
import { caller } from '../auth.js';
import { presentV1User, presentWorkspace } from '../presenters.js';
import { IdParams, Items, problems, Ref, V1AddMemberBody, V1CreateWorkspaceBody, V1MemberParams } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const v1WorkspaceRoutes: RouteModule = async (app, { database }) => {
  app.post(
    '/api/v1/workspaces',
    {
      schema: {
        tags: ['v1'],
        summary: 'Create a workspace; a given id is kept, null ids and times are ignored',
        body: V1CreateWorkspaceBody,
        response: { 201: Ref.Workspace, ...problems(403, 409) },
      },
    },
    async (request, reply) => {
      const workspace = await createWorkspace(database, caller(request).actor, request.body.name, request.body.id);
      void reply.code(201);
      return presentWorkspace(workspace);
    },
  );

  app.get(
    '/api/v1/workspaces/:id',
    {
      schema: { tags: ['v1'], summary: 'One workspace (owners, admins and its members; 404 to anyone else)', params: IdParams, response: { 200: Ref.Workspace, ...problems(404) } },
    },
    async (request) => presentWorkspace(await getWorkspace(database, caller(request).actor, request.params.id)),
  );

  app.delete(
    '/api/v1/workspaces/:id',
    {
      schema: {
        tags: ['v1'],
        summary: 'Delete a workspace without datasets (409 while it holds some); answers the deleted workspace',
        params: IdParams,
        response: { 200: Ref.Workspace, ...problems(403, 404, 409) },
      },
    },
    async (request) => presentWorkspace(await deleteWorkspace(database, caller(request).actor, request.params.id)),
  );

  app.get(
    '/api/v1/workspaces/:id/users',
    {
      schema: { tags: ['v1'], summary: 'Every member of a workspace, by membership time', params: IdParams, response: { 200: Items(Ref.V1User), ...problems(403, 404) } },
    },
    async (request) => ({ items: (await listMembers(database, caller(request).actor, request.params.id)).map((user) => presentV1User(user)) }),
  );

  app.post(
    '/api/v1/workspaces/:id/users',
    {
      schema: {
        tags: ['v1'],
        summary: 'Add a user to a workspace; an unknown user id is a 422 (it is part of the body). Answers the user',
        params: IdParams,
        body: V1AddMemberBody,
        response: { 201: Ref.V1User, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { user_id: userId } = request.body;
      check([['user_id', rules.givenId, userId]]);
      try {
        const user = await addMember(database, caller(request).actor, request.params.id, userId);
        void reply.code(201);
        return presentV1User(user);
      } catch (error) {
        if (isDomainError(error) && error.code === 'user_not_found') throw fail.validation([{ field: 'user_id', message: 'no user has this id' }]);
        throw error;
      }
    },
  );

  app.delete(
    '/api/v1/workspaces/:id/users/:user_id',
    {
      schema: { tags: ['v1'], summary: 'Remove a user from a workspace; answers the user', params: V1MemberParams, response: { 200: Ref.V1User, ...problems(403, 404) } },
    },
    async (request) => presentV1User(await removeMember(database, caller(request).actor, request.params.id, request.params.user_id)),
  );
};

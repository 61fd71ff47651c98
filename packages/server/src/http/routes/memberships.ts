// Who belongs to a workspace (admin).
import { Type } from 'typebox';
import { addMember, listMembersPage, removeMember } from '../../domain/workspaces.js';
import { caller } from '../auth.js';
import { presentUser } from '../presenters.js';
import { IdParams, MemberParams, Paging, problems, Ref } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const membershipRoutes: RouteModule = async (app, { database }) => {
  app.get(
    '/api/workspaces/:id/users',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Members of a workspace, by membership time (admin). The total is in X-Total-Count',
        params: IdParams,
        querystring: Type.Object(Paging),
        response: { 200: Type.Array(Ref.User), ...problems(403, 404) },
      },
    },
    async (request, reply) => {
      const { items, total } = await listMembersPage(database, caller(request).actor, request.params.id, request.query);
      void reply.header('x-total-count', total);
      return items.map((u) => presentUser(u));
    },
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
};

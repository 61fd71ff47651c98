// User accounts (admin).
import { Type } from 'typebox';
import { unlockUser } from '../../domain/auth.js';
import { authorize } from '../../domain/policies.js';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../../domain/users.js';
import { caller } from '../auth.js';
import { sendPage } from '../pages.js';
import { presentUser } from '../presenters.js';
import { CreateUserBody, IdParams, NameText, Paging, problems, Ref, roleType, UpdateUserBody, Uuid } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const userRoutes: RouteModule = async (app, { database }) => {
  const renderedPages = database.caches.get('users_pages');

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Users in creation order (admin). The total is in X-Total-Count',
        querystring: Type.Object({
          role: Type.Optional(roleType()),
          workspace: Type.Optional(NameText('only members of this workspace')),
          q: Type.Optional(Type.String({ description: 'search in username, names and email' })),
          ...Paging,
        }),
        response: { 200: Type.Array(Ref.User), ...problems(403) },
      },
    },
    (request, reply) => {
      const { actor } = caller(request);
      authorize(actor, 'users.read', 'list users');
      const { role, workspace, q, limit, offset } = request.query;
      const key = JSON.stringify([role, workspace, q, limit, offset]);
      return sendPage(reply, renderedPages, key, () => listUsers(database, actor, request.query), (u) => presentUser(u));
    },
  );

  app.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (admin); the response holds its new API key in full, this once',
        body: CreateUserBody,
        response: { 200: Ref.User, ...problems(403, 409) },
      },
    },
    async (request) => {
      const { first_name, last_name, username, email, role, password, workspaces } = request.body;
      const input = { first_name, last_name, username, email, role, password, workspaces };
      const { user, apiKey } = await createUser(database, caller(request).actor, input);
      return presentUser(user, apiKey);
    },
  );

  app.get(
    '/api/users/:id',
    {
      schema: { tags: ['users'], summary: 'One user (admin)', params: IdParams, response: { 200: Ref.User, ...problems(403, 404) } },
    },
    async (request) => presentUser(await getUser(database, caller(request).actor, request.params.id)),
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: "Change a user's names, email, role, password or disabled state (admin)",
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: Ref.User, ...problems(403, 404, 409) },
      },
    },
    async (request) => {
      const { first_name, last_name, email, role, password, disabled } = request.body;
      const changes = { first_name, last_name, email, role, password, disabled };
      for (const key of Object.keys(changes) as Array<keyof typeof changes>) if (changes[key] === undefined) delete changes[key];
      return presentUser(await updateUser(database, caller(request).actor, request.params.id, changes));
    },
  );

  app.post(
    '/api/users/:id/unlock',
    {
      schema: {
        tags: ['users'],
        summary: "Lift a user's login locks (admin): forgets its failed logins from every address; answers how many",
        params: IdParams,
        response: {
          200: Type.Object({ id: Uuid, username: Type.String(), cleared_failures: Type.Integer({ minimum: 0, description: 'failed logins forgotten' }) }),
          ...problems(403, 404),
        },
      },
    },
    async (request) => unlockUser(database, caller(request).actor, request.params.id),
  );

  app.delete(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Delete a user (admin); refused for the last enabled admin',
        params: IdParams,
        response: { 200: Ref.User, ...problems(403, 404, 409) },
      },
    },
    async (request) => presentUser(await deleteUser(database, caller(request).actor, request.params.id)),
  );
};

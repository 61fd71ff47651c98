// User accounts under /api/v1 (owners and admins), as the 2.x SDK manages them; the 1.13+ client
// reads a user's workspaces here. The same domain calls as /api/users, presented the v1 way.
import { fail } from '../../domain/errors.js';
import { eachUser, createUser, deleteUser, getUser, updateUser } from '../../domain/users.js';
import { listWorkspacesOfUser } from '../../domain/workspaces.js';
import { caller } from '../auth.js';
import { presentV1User, presentWorkspace } from '../presenters.js';
import { IdParams, Items, problems, Ref, V1CreateUserBody, V1UpdateUserBody } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const v1UserRoutes: RouteModule = async (app, { database }) => {
  app.get(
    '/api/v1/users',
    {
      schema: { tags: ['v1'], summary: 'Every user, in creation order (clients find a user by name in this list)', response: { 200: Items(Ref.V1User), ...problems(403) } },
    },
    async (request) => {
      const items = [];
      for await (const user of eachUser(database, caller(request).actor)) items.push(presentV1User(user));
      return { items };
    },
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        tags: ['v1'],
        summary: 'Create a user; a given id is kept, null ids and times are ignored. The answer holds its API key in full, this once',
        body: V1CreateUserBody,
        response: { 201: Ref.V1User, ...problems(403, 409) },
      },
    },
    async (request, reply) => {
      const { id, username, first_name, last_name, email, role, password } = request.body;
      const { user, apiKey } = await createUser(database, caller(request).actor, { id, username, first_name, last_name, email, role, password });
      void reply.code(201);
      return presentV1User(user, apiKey);
    },
  );

  app.get(
    '/api/v1/users/:id',
    { schema: { tags: ['v1'], summary: 'One user', params: IdParams, response: { 200: Ref.V1User, ...problems(403, 404) } } },
    async (request) => presentV1User(await getUser(database, caller(request).actor, request.params.id)),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['v1'],
        summary: "Change a user's names, email, role or password; the username may be sent but not changed",
        params: IdParams,
        body: V1UpdateUserBody,
        response: { 200: Ref.V1User, ...problems(403, 404, 409) },
      },
    },
    async (request) => {
      const { actor } = caller(request);
      const { username, first_name, last_name, email, role, password } = request.body;
      if (username !== undefined) {
        const current = await getUser(database, actor, request.params.id);
        if (username !== current.username) {
          throw fail.validation([{ field: 'username', message: `cannot be changed (it is '${current.username}'): create a new user instead` }]);
        }
      }
      const changes = { first_name, last_name, email, role, password };
      for (const key of Object.keys(changes) as Array<keyof typeof changes>) if (changes[key] === undefined) delete changes[key];
      return presentV1User(await updateUser(database, actor, request.params.id, changes));
    },
  );

  app.delete(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['v1'],
        summary: 'Delete a user; refused for the last enabled owner or admin. Answers the deleted user',
        params: IdParams,
        response: { 200: Ref.V1User, ...problems(403, 404, 409) },
      },
    },
    async (request) => presentV1User(await deleteUser(database, caller(request).actor, request.params.id)),
  );

  app.get(
    '/api/v1/users/:id/workspaces',
    {
      schema: {
        tags: ['v1'],
        summary: "The workspaces a user sees (every workspace for owners and admins, its memberships otherwise), in creation order",
        params: IdParams,
        response: { 200: Items(Ref.Workspace), ...problems(403, 404) },
      },
    },
    async (request) => ({ items: (await listWorkspacesOfUser(database, caller(request).actor, request.params.id)).map(presentWorkspace) }),
  );
};

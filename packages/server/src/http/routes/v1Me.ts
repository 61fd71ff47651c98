// The caller's own account, workspaces and datasets, as Argilla's later clients ask for them
// (the 2.x SDK connects with GET /api/v1/me; the 1.13+ client lists workspaces here).
import { describeMe } from '../../domain/auth.js';
import { listVisibleDatasets } from '../../domain/datasets.js';
import { listAllWorkspaces } from '../../domain/workspaces.js';
import { caller } from '../auth.js';
import { presentV1Dataset, presentV1User, presentWorkspace } from '../presenters.js';
import { Items, problems, Ref } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const v1MeRoutes: RouteModule = async (app, { database }) => {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['v1'],
        summary: 'The caller; the api_key echoes the key used to authenticate',
        response: { 200: Ref.V1User, ...problems() },
      },
    },
    async (request) => {
      const auth = caller(request);
      return presentV1User(await describeMe(database, auth), auth.via === 'api_key' ? auth.secret : undefined);
    },
  );

  app.get(
    '/api/v1/me/workspaces',
    {
      schema: {
        tags: ['v1'],
        summary: 'Every workspace the caller sees, in creation order: all of them for owners and admins, its own for anyone else',
        response: { 200: Items(Ref.Workspace), ...problems() },
      },
    },
    async (request) => ({ items: (await listAllWorkspaces(database, caller(request).actor)).map(presentWorkspace) }),
  );

  app.get(
    '/api/v1/me/datasets',
    {
      schema: {
        tags: ['v1'],
        summary: 'Every dataset in the workspaces the caller sees, with its workspace id',
        response: { 200: Items(Ref.V1Dataset), ...problems(403) },
      },
    },
    async (request) => ({ items: (await listVisibleDatasets(database, caller(request).actor)).map(presentV1Dataset) }),
  );
};

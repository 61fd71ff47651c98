import { describeCaller } from '../../domain/views.js';
import type { App, AppDeps } from '../app.js';
import { caller } from '../auth.js';
import { presentUser } from '../presenters.js';
import { problems, Ref } from '../schemas.js';

export function registerMeRoutes(app: App, { database }: AppDeps): void {
  app.get(
    '/api/me',
    {
      schema: {
        tags: ['users'],
        summary: 'The caller. Admins see every workspace; the api_key echoes the key used to authenticate',
        response: { 200: Ref.User, ...problems() },
      },
    },
    async (request) => {
      const auth = caller(request);
      const byKey = auth.via === 'api_key';
      return presentUser(await describeCaller(database.db, auth.user, !byKey), byKey ? auth.secret : undefined);
    },
  );
}

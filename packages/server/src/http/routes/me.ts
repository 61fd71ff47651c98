import { describeMe } from '../../domain/auth.js';
import { defaultCredentialsInUse } from '../../domain/defaultUser.js';
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
      const body = presentUser(await describeMe(database, auth), auth.via === 'api_key' ? auth.secret : undefined);
      if (auth.user.role === 'admin') {
        const inUse = await database.cache.get('default-credentials', () => defaultCredentialsInUse(database));
        body.default_credentials_in_use = inUse.password || inUse.apiKey;
      }
      return body;
    },
  );
}

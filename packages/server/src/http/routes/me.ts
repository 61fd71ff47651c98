import { describeMe } from '../../domain/auth.js';
import { defaultCredentialsInUse } from '../../domain/defaultUser.js';
import type { App, AppDeps } from '../app.js';
import { caller } from '../auth.js';
import { presentUser } from '../presenters.js';
import { problems, Ref } from '../schemas.js';
import type { User } from '../../domain/views.js';

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
    // Answered without a promise when the cache holds the caller (most calls of a busy client).
    (request, reply) => {
      const auth = caller(request);
      const render = (me: User, inUse: { password: boolean; apiKey: boolean } | null) => {
        const body = presentUser(me, auth.via === 'api_key' ? auth.secret : undefined);
        if (inUse) body.default_credentials_in_use = inUse.password || inUse.apiKey;
        return body;
      };
      const me = describeMe(database, auth);
      const inUse = auth.user.role === 'admin' ? database.cache.read('default-credentials', () => defaultCredentialsInUse(database)) : null;
      if (me instanceof Promise || inUse instanceof Promise) return Promise.all([me, inUse]).then(([m, i]) => render(m, i));
      return reply.send(render(me, inUse));
    },
  );
}

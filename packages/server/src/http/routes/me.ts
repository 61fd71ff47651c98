// The caller's own account.
import { describeMe } from '../../domain/auth.js';
import { defaultCredentialsInUse } from '../../domain/defaultUser.js';
import { can, permissionsOf } from '../../domain/policies.js';
import type { User } from '../../domain/views.js';
import { caller } from '../auth.js';
import { presentUser } from '../presenters.js';
import { problems, Ref } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const meRoutes: RouteModule = async (app, { database }) => {
  const defaultCredentials = database.caches.get('default_credentials');
  app.get(
    '/api/me',
    {
      schema: {
        tags: ['users'],
        summary: "The caller, with its role's permissions. Admins see every workspace; the api_key echoes the key used to authenticate",
        response: { 200: Ref.User, ...problems() },
      },
    },
    // Not async: answered without a promise when the cache holds the caller (most calls of a busy client).
    (request, reply) => {
      const auth = caller(request);
      const render = (me: User, inUse: { password: boolean; apiKey: boolean } | null) => {
        const body = presentUser(me, auth.via === 'api_key' ? auth.secret : undefined);
        body.permissions = [...permissionsOf(me.role)];
        if (inUse) body.default_credentials_in_use = inUse.password || inUse.apiKey;
        return body;
      };
      const me = describeMe(database, auth);
      // Only those who can change the credentials are told whether the default ones still work.
      const inUse = can(auth.actor, 'users.manage') ? defaultCredentials.read('in-use', () => defaultCredentialsInUse(database)) : null;
      if (me instanceof Promise || inUse instanceof Promise) return Promise.all([me, inUse]).then(([m, i]) => render(m, i));
      return reply.send(render(me, inUse));
    },
  );
};

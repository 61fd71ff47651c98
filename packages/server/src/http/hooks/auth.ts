// Authentication of every route but the public ones (`config: { auth: false }`), the docs and
// unknown paths (which answer 404 whoever asks). The hook takes a callback rather than returning a
// promise: most requests are answered from the authentication cache, and then no promise or extra
// tick is spent on them.
import type { Database } from '../../db/connect.js';
import { fail } from '../../domain/errors.js';
import { authenticate } from '../auth.js';
import { appWide } from './appWide.js';

export const authentication = appWide<{ database: Database }>('authentication', (app, { database }, done) => {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', (request, _reply, next) => {
    const route = request.routeOptions;
    if (route.url === undefined || route.config.auth === false || route.url.startsWith('/api/docs')) return next();
    authenticate(database, request, (error, auth) => {
      if (error || !auth) return next(error ?? fail.unauthorized());
      // The actor carries where the request came from, for the audit log (a copy: `auth` may be cached).
      const { actor } = auth;
      request.auth = {
        actor: {
          kind: actor.kind,
          id: actor.id,
          username: actor.username,
          role: actor.role,
          ip: request.ip,
          requestId: request.id as string,
          clientRequestId: request.clientRequestId,
        },
        user: auth.user,
        via: auth.via,
        secret: auth.secret,
        keyId: auth.keyId,
      };
      next();
    });
  });
  done();
});

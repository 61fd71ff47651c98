// One log line per request, written when its answer is sent (Fastify's own two lines are turned
// off in app.ts). Lines carry no headers or bodies, so no secret reaches them.
import type { Logger } from 'pino';
import { appWide } from './appWide.js';

export const requestLog = appWide<{ logger: Logger }>('request-log', (app, { logger }, done) => {
  app.addHook('onResponse', (request, reply, next) => {
    if (logger.isLevelEnabled('info')) {
      request.log.info(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          user: request.auth?.user.username,
          ip: request.ip,
          // the X-Request-Id the client sent, when kept (reqId is the server's own)
          client_request_id: request.clientRequestId ?? undefined,
        },
        'request',
      );
    }
    next();
  });
  done();
});

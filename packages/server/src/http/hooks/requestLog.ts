// One log line per request, written when its answer is sent (Fastify's own two lines are turned
// off in app.ts). Lines carry no headers or bodies, and secrets in a URL's query (the sign-in
// callback's code and state) are redacted, so no secret reaches them.
import type { Logger } from 'pino';
import { appWide } from './appWide.js';

/** Query parameters that carry one-time secrets (a sign-in's authorization code and state, tokens). */
const SECRET_PARAMS = new Set(['code', 'state', 'token', 'sso_token', 'id_token', 'access_token', 'refresh_token']);

/** The URL as logged: the values of SECRET_PARAMS replaced, everything else as sent. */
export function loggedUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const parts = url
    .slice(query + 1)
    .split('&')
    .map((part) => {
      const name = part.split('=', 1)[0]!;
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // an undecodable name is kept as sent
      }
      return SECRET_PARAMS.has(decoded.toLowerCase()) ? `${name}=[redacted]` : part;
    });
  return `${url.slice(0, query)}?${parts.join('&')}`;
}

export const requestLog = appWide<{ logger: Logger }>('request-log', (app, { logger }, done) => {
  app.addHook('onResponse', (request, reply, next) => {
    if (logger.isLevelEnabled('info')) {
      request.log.info(
        {
          method: request.method,
          url: loggedUrl(request.url),
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

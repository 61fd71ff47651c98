// The request id: the client's X-Request-Id when it is a short safe token (so a client can follow
// its request through the log), else a fresh UUID. Every answer carries it back.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { appWide } from './appWide.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Fastify's `genReqId`. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export const requestIdHeaders = appWide('request-id', (app, _options, done) => {
  app.addHook('onRequest', (request, reply, next) => {
    reply.header('x-request-id', request.id);
    // API answers are personal (and some carry secrets shown once): never cached.
    reply.header('cache-control', 'no-store');
    next();
  });
  done();
});

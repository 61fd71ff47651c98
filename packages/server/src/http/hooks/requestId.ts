// Request ids. The server makes its own for every request (a UUID): it names the request in the
// answer's X-Request-Id, in problem bodies, in the request log and in the audit log, so a client
// cannot choose what the audit log says about its request (nor make two requests share an id).
// An X-Request-Id sent by the client, when it is a short safe token, is kept beside it as the
// request's `clientRequestId` (the request log's and the audit log's `client_request_id`), so a
// client can still follow its own requests. It is not echoed back: the answer carries the
// server's id only.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Origin } from '../../domain/policies.js';
import { appWide } from './appWide.js';

/** What a client's X-Request-Id must look like to be kept: printable ASCII letters, digits, `._-`, 1 to 64. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** the X-Request-Id the client sent, when short and printable; null otherwise */
    clientRequestId: string | null;
  }
}

/** Fastify's `genReqId`: always the server's own. */
export function requestIdOf(): string {
  return randomUUID();
}

/** The client's X-Request-Id when it is one short safe token; null when absent, repeated or not. */
export function clientRequestIdOf(header: string | string[] | undefined): string | null {
  return typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : null;
}

/** Where a request came from, for the audit log of a route that acts without a signed-in caller. */
export function originOf(request: FastifyRequest): Origin {
  return { ip: request.ip, requestId: String(request.id), clientRequestId: request.clientRequestId };
}

export const requestIdHeaders = appWide('request-id', (app, _options, done) => {
  app.decorateRequest('clientRequestId', null);
  app.addHook('onRequest', (request, reply, next) => {
    request.clientRequestId = clientRequestIdOf(request.headers['x-request-id']);
    reply.header('x-request-id', request.id);
    // API answers are personal (and some carry secrets shown once): never cached.
    reply.header('cache-control', 'no-store');
    next();
  });
  done();
});

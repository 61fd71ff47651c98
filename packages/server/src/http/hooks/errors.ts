// Every error answers an RFC 9457 problem (problems.ts): thrown ones, unknown routes, and the
// URLs Fastify cannot route at all.
import type { Socket } from 'node:net';
import type { FastifyHttpOptions, RawServerDefault } from 'fastify';
import { problem, problemOf, sendProblem, toProblem } from '../problems.js';
import { appWide } from './appWide.js';
import { requestIdOf } from './requestId.js';

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses before there is a request
 * (headers and URL beyond its limit, bytes that are not HTTP) still gets a problem body, with a
 * request id of its own, and the connection closes.
 */
export function clientErrors(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problemOf(requestIdOf(), 'headers_too_large', 'The URL and headers are too long: shorten the URL (its path or query).')
      : problemOf(requestIdOf(), 'bad_request', 'The request is not valid HTTP.');
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${body.status} ${body.title}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nX-Request-Id: ${body.request_id}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** Fastify's `frameworkErrors`: undecodable URLs and over-long path parameters. */
export const frameworkErrors: FastifyHttpOptions<RawServerDefault>['frameworkErrors'] = (error, request, reply) => {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const path = request.url.split('?')[0];
  return sendProblem(
    reply,
    tooLong
      ? problem(request, 'uri_too_long', 'A part of the path is too long: check the id in it.', { path })
      : problem(request, 'bad_url', 'The path is not a valid URL (check its %-encoding).', { path }),
  );
};

export const errorAnswers = appWide('error-answers', (app, _options, done) => {
  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(error, request);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    if (body.status === 503) reply.header('retry-after', '5');
    return sendProblem(reply, body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return sendProblem(
      reply,
      problem(request, 'route_not_found', `No route ${request.method} ${path}: see /api/docs for the API.`, { method: request.method, path }),
    );
  });
  done();
});

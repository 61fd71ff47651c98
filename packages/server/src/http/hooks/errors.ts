// Every error answers an RFC 9457 problem (problems.ts): thrown ones, unknown routes, and the
// URLs Fastify cannot route at all.
import type { FastifyHttpOptions, RawServerDefault } from 'fastify';
import { problem, sendProblem, toProblem } from '../problems.js';
import { appWide } from './appWide.js';

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

// Every failure leaves as an RFC 9457 problem: type, title, status, detail, plus our stable `code`,
// its `params`, the broken rules (`errors`, for 422) and the request id to quote in a bug report.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isForeignKeyViolation, isTransientConflict, isUniqueViolation } from '../db/connect.js';
import { DomainError, type ErrorKind } from '../domain/errors.js';
import { UUID_PATTERN } from './schemas.js';

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  validation: 422,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  params: Record<string, unknown>;
  errors?: Array<{ pointer: string; message: string }>;
  request_id: string;
}

export function problem(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  params: Record<string, unknown> = {},
  errors?: Problem['errors'],
): Problem {
  const body: Problem = {
    type: `urn:argilla:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    params,
    request_id: String(request.id),
  };
  if (errors) body.errors = errors;
  return body;
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (body.status === 401) reply.header('www-authenticate', 'Bearer');
  if (body.status === 429 && typeof body.params.retry_after === 'number') reply.header('retry-after', String(body.params.retry_after));
  // Also set here for errors raised before the request hooks ran (bad URLs).
  reply.header('x-request-id', body.request_id);
  return reply.code(body.status).type('application/problem+json').send(body);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function pointerOf(part: string | undefined, error: AjvError): string {
  let path = error.instancePath;
  if (error.keyword === 'required') path += `/${String(error.params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') path += `/${String(error.params.additionalProperty)}`;
  if (part === 'body' || part === undefined) return path || '/';
  return `/${part === 'querystring' ? 'query' : part === 'params' ? 'path' : part}${path}`;
}

function messageOf(error: AjvError): string {
  if (error.keyword === 'required') return 'required';
  if (error.keyword === 'pattern' && error.params.pattern === UUID_PATTERN) return 'must be a UUID';
  return error.message ?? 'invalid value';
}

/** True for failures of the database connection itself (server down, restarting, unreachable). */
export function isDatabaseDown(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '08006', '08001', 'SQLITE_BUSY'].includes(e.code ?? '')) {
    return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}

function invalidValues(errors: Array<{ pointer: string; message: string }>): string {
  return `The request has invalid values: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}.`;
}

/** Maps any error thrown while handling a request to a problem body. */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  if (error instanceof DomainError) {
    if (error.kind === 'validation' && error.errors.length > 0) {
      const errors = error.errors.map((e) => ({ pointer: `/${e.field}`.replace(/^\/\//, '/'), message: e.message }));
      return problem(request, 422, error.code, invalidValues(errors), error.params, errors);
    }
    return problem(request, STATUS_OF_KIND[error.kind], error.code, error.message, error.params);
  }
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fastifyError.validation) {
    const errors = fastifyError.validation.map((e) => ({ pointer: pointerOf(fastifyError.validationContext, e), message: messageOf(e) }));
    return problem(request, 422, 'validation_error', invalidValues(errors), {}, errors);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(request, 413, 'payload_too_large', 'The request body is larger than the 1 MiB limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(
        request,
        415,
        'unsupported_media_type',
        `Content type '${request.headers['content-type'] ?? ''}' is not accepted: send application/json.`,
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(request, 422, 'malformed_json', 'The request body is not valid JSON.', {}, [
        { pointer: '/', message: 'not valid JSON' },
      ]);
    default:
  }
  if (fastifyError instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return problem(request, 422, 'malformed_json', 'The request body could not be read as JSON.', {}, [{ pointer: '/', message: 'not valid JSON' }]);
  }
  if (isDatabaseDown(error)) {
    return problem(request, 503, 'database_unavailable', 'The database is not reachable right now; try again in a few seconds.');
  }
  // A write that lost a race the use case did not foresee: what it refers to was deleted, or what
  // it creates was created, by another request at the same moment.
  if (isForeignKeyViolation(error) || isUniqueViolation(error)) {
    return problem(request, 409, 'concurrent_change', 'Another request changed the same data at the same moment: reload it and try again.');
  }
  if (isTransientConflict(error)) {
    return problem(request, 503, 'database_busy', 'The database could not complete this request at this moment; try again.');
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    return problem(request, status, 'bad_request', fastifyError.message);
  }
  return problem(request, 500, 'internal_error', 'Something went wrong on the server; quote the request id when reporting it.');
}

// Every failure leaves as an RFC 9457 problem: type, title, status, detail, plus our stable `code`,
// its `params`, the broken rules (`errors`, for 422) and the request id to quote in a bug report.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseDown, isForeignKeyViolation, isTransientConflict, isUniqueViolation } from '../db/connect.js';
import { DomainError, ERROR_CODES, type ErrorCode } from '../domain/errors.js';
import { LIMITS } from '../domain/limits.js';
import { atMostCharacters, atMostItems } from '../domain/validation.js';
import { UUID_PATTERN } from './schemas.js';

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
  431: 'Request Header Fields Too Large',
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

/** A problem body for one of the catalogue's codes; its status comes from the catalogue. */
export function problem(
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  params: Record<string, unknown> = {},
  errors?: Problem['errors'],
): Problem {
  return problemOf(String(request.id), code, detail, params, errors);
}

/** A problem body under a given request id (for failures met before there is a request). */
export function problemOf(
  requestId: string,
  code: ErrorCode,
  detail: string,
  params: Record<string, unknown> = {},
  errors?: Problem['errors'],
): Problem {
  const status = ERROR_CODES[code];
  const body: Problem = {
    type: `urn:argilla:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    params,
    request_id: requestId,
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
  // The same words as the domain's checks of the same limits (domain/validation.ts).
  if (error.keyword === 'maxLength') return atMostCharacters(Number(error.params.limit));
  if (error.keyword === 'maxItems') return atMostItems(Number(error.params.limit));
  return error.message ?? 'invalid value';
}

function invalidValues(errors: Array<{ pointer: string; message: string }>): string {
  return `The request has invalid values: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}.`;
}

/** Maps any error thrown while handling a request to a problem body. */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  if (error instanceof DomainError) {
    if (error.kind === 'validation' && error.errors.length > 0) {
      const errors = error.errors.map((e) => ({ pointer: `/${e.field}`.replace(/^\/\//, '/'), message: e.message }));
      return problem(request, error.code, invalidValues(errors), error.params, errors);
    }
    return problem(request, error.code, error.message, error.params);
  }
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fastifyError.validation) {
    // No body at all (or an empty one, see hooks/jsonBody.ts) on a route that needs one.
    if (fastifyError.validationContext === 'body' && request.body === undefined) {
      return problem(request, 'validation_error', 'The request body is required: send a JSON object.', {}, [
        { pointer: '/', message: 'required: send a JSON object' },
      ]);
    }
    const errors = fastifyError.validation.map((e) => ({ pointer: pointerOf(fastifyError.validationContext, e), message: messageOf(e) }));
    return problem(request, 'validation_error', invalidValues(errors), {}, errors);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(request, 'payload_too_large', `The request body is larger than the ${LIMITS.body_limit_bytes / 1024 / 1024} MiB limit.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(
        request,
        'unsupported_media_type',
        `Content type '${request.headers['content-type'] ?? ''}' is not accepted: send application/json.`,
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(request, 'malformed_json', 'The request body is not valid JSON.', {}, [
        { pointer: '/', message: 'not valid JSON' },
      ]);
    default:
  }
  if (fastifyError instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return problem(request, 'malformed_json', 'The request body could not be read as JSON.', {}, [{ pointer: '/', message: 'not valid JSON' }]);
  }
  if (isDatabaseDown(error)) {
    return problem(request, 'database_unavailable', 'The database is not reachable right now; try again in a few seconds.');
  }
  // A write that lost a race the use case did not foresee: what it refers to was deleted, or what
  // it creates was created, by another request at the same moment.
  if (isForeignKeyViolation(error) || isUniqueViolation(error)) {
    return problem(request, 'concurrent_change', 'Another request changed the same data at the same moment: reload it and try again.');
  }
  if (isTransientConflict(error)) {
    return problem(request, 'database_busy', 'The database could not complete this request at this moment; try again.');
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    // Fastify's own refusals we have no code for: keep their status, under the generic code.
    return { ...problem(request, 'bad_request', fastifyError.message), status, title: TITLES[status] ?? 'Error' };
  }
  return problem(request, 'internal_error', 'Something went wrong on the server; quote the request id when reporting it.');
}

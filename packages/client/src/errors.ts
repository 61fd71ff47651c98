// Every failure the client reports is an ArgillaError. HTTP error answers become an ApiError
// subclass chosen by status, carrying the server's RFC 9457 problem details; failures to reach
// the server at all become a NetworkError (or its TimeoutError) carrying the URL.
import type { Problem as ServerProblem } from './generated/api.js';

/**
 * The RFC 9457 body of an error answer. `code` is text rather than the server's `ErrorCode` (see
 * ERROR_CODES): a newer server may answer a code this client does not know, and an answer that is
 * not a problem at all (a proxy's error page) gets `http_<status>`.
 */
export type Problem = Omit<ServerProblem, 'code'> & { code: string };

/** The request an error answer belongs to. */
export interface ErrorRequest {
  method: string;
  url: string;
  retryAfterSeconds?: number;
}

/** One broken rule of a 422 answer: a JSON pointer into the request and a message. */
export type ProblemFieldError = NonNullable<Problem['errors']>[number];

/**
 * Base class of every error this library throws.
 *
 * @example
 * try { await client.createUser({ username: 'ann', first_name: 'Ann', password: 'short' }); }
 * catch (error) { if (error instanceof ArgillaError) console.error(error.code, error.message); }
 */
export class ArgillaError extends Error {
  /** a stable machine-readable code: the server's problem `code`, or one of the client's own */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * An error answer from the server (any 4xx or 5xx). `status` is the HTTP status and `problem`
 * the RFC 9457 body; its fields are also copied onto the error for convenience.
 *
 * @example
 * catch (error) { if (error instanceof ApiError && error.status === 413) shrinkTheRequest(); }
 */
export class ApiError extends ArgillaError {
  readonly status: number;
  readonly problem: Problem;
  readonly detail: string;
  readonly params: Record<string, unknown>;
  /** the broken rules, for 422 answers (empty otherwise) */
  readonly errors: ProblemFieldError[];
  /** the server's request id: quote it when reporting a problem */
  readonly requestId: string;
  readonly method: string;
  readonly url: string;
  /** seconds to wait before trying again, from a `Retry-After` header (429 throttled logins, 503) */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: Problem, request: ErrorRequest) {
    super(`${problem.detail} (${problem.status} ${problem.code}, ${request.method} ${request.url})`, problem.code);
    this.status = problem.status;
    this.problem = problem;
    this.detail = problem.detail;
    this.params = problem.params;
    this.errors = problem.errors ?? [];
    this.requestId = problem.request_id;
    this.method = request.method;
    this.url = request.url;
    this.retryAfterSeconds = request.retryAfterSeconds;
  }

  /** The problem body's `request_id`, under its wire name. */
  get request_id(): string {
    return this.requestId;
  }
}

/** 401: no valid credentials (wrong or revoked key, expired or logged-out token, disabled user). */
export class UnauthorizedError extends ApiError {}

/** 403: the caller's role may not do this (e.g. an annotator calling an admin route). */
export class ForbiddenError extends ApiError {}

/** 404: the user, workspace, membership or route does not exist (or is not visible to the caller). */
export class NotFoundError extends ApiError {}

/**
 * 409: a conflict. Mostly "already exists" (`user_already_exists`, `workspace_already_exists`,
 * an existing membership); check `code` for the others (e.g. deleting or demoting the last admin).
 * Also exported as `ConflictError`.
 */
export class AlreadyExistsError extends ApiError {}

/** 422: the request broke a rule; `errors` lists each broken rule with a JSON pointer. */
export class ValidationError extends ApiError {}

/** 5xx: the server failed (503 while its database is unreachable). Quote `requestId`. */
export class ServerError extends ApiError {}

export { AlreadyExistsError as ConflictError };

/**
 * The server could not be reached, or the connection failed before a whole answer arrived.
 * Idempotent requests (GET, PUT, DELETE) have already been retried when this is thrown.
 *
 * @example
 * catch (error) { if (error instanceof NetworkError) console.error(`is the server up at ${error.url}?`); }
 */
export class NetworkError extends ArgillaError {
  readonly method: string;
  readonly url: string;
  /** how many times the request was sent */
  readonly attempts: number;

  constructor(message: string, request: { method: string; url: string; attempts: number }, options?: { cause?: unknown; code?: string }) {
    super(message, options?.code ?? 'network_error', options);
    this.method = request.method;
    this.url = request.url;
    this.attempts = request.attempts;
  }
}

/** No answer within the client's `timeoutMs` (the request was aborted). Never retried. */
export class TimeoutError extends NetworkError {
  readonly timeoutMs: number;

  constructor(request: { method: string; url: string; attempts: number }, timeoutMs: number) {
    super(`${request.method} ${request.url} got no answer within ${timeoutMs} ms`, request, { code: 'timeout' });
    this.timeoutMs = timeoutMs;
  }
}

/** The codes of a `WorkspaceError`. */
export type WorkspaceErrorCode = 'invalid_workspace_name' | 'workspace_not_accessible' | 'workspace_required';

/**
 * A workspace was refused or missing, always before any request about it: `code` is
 * `invalid_workspace_name` (the name breaks the naming rule), `workspace_not_accessible` (from
 * `setWorkspace` or `init`: it does not exist, or the user is not a member of it) or
 * `workspace_required` (a dataset call with no `{ workspace }` on a client that has no current
 * workspace; `workspace` is then `''`).
 *
 * @example
 * catch (error) { if (error instanceof WorkspaceError) console.error(error.workspace, error.code); }
 */
export class WorkspaceError extends ArgillaError {
  readonly workspace: string;
  declare readonly code: WorkspaceErrorCode;

  constructor(message: string, code: WorkspaceErrorCode, workspace: string) {
    super(message, code);
    this.workspace = workspace;
  }
}

/** Maps an error answer to its class by status. */
export function errorForProblem(problem: Problem, request: ErrorRequest): ApiError {
  switch (problem.status) {
    case 401:
      return new UnauthorizedError(problem, request);
    case 403:
      return new ForbiddenError(problem, request);
    case 404:
      return new NotFoundError(problem, request);
    case 409:
      return new AlreadyExistsError(problem, request);
    case 422:
      return new ValidationError(problem, request);
    default:
      return problem.status >= 500 ? new ServerError(problem, request) : new ApiError(problem, request);
  }
}

// The closed catalogue of failures: every problem `code` the server can answer, each with the one
// HTTP status it always carries. Domain code raises them through `fail`; the HTTP layer and the
// command line read the status (or its kind) from here, and the OpenAPI document publishes the
// list as the `ErrorCode` enum. A code that is not in this table does not compile.

export const ERROR_CODES = {
  // 400: the request cannot be acted on as sent
  bad_request: 400,
  bad_url: 400,
  workspace_required: 400,
  // a record logged through another task's route than its dataset's
  wrong_task: 400,
  not_a_login_token: 400,
  // 401, 403
  unauthorized: 401,
  forbidden: 403,
  // password login is turned off (single sign-on only) and the username is not a break-glass account
  password_login_disabled: 403,
  // 404: what the request names does not exist (or is not visible to the caller)
  route_not_found: 404,
  user_not_found: 404,
  workspace_not_found: 404,
  dataset_not_found: 404,
  record_not_found: 404,
  api_key_not_found: 404,
  membership_not_found: 404,
  // 409: the request conflicts with the data as it is
  user_already_exists: 409,
  api_key_already_exists: 409,
  workspace_already_exists: 409,
  dataset_already_exists: 409,
  membership_already_exists: 409,
  last_admin: 409,
  workspace_not_empty: 409,
  api_key_already_rotated: 409,
  api_key_expired: 409,
  // a user already holds LIMITS.active_api_keys_max working keys: revoke one first
  api_key_limit_reached: 409,
  conflict: 409,
  concurrent_change: 409,
  // a dataset's label that annotations still carry, or several labels where one is asked for
  label_in_use: 409,
  // limits of the request itself
  payload_too_large: 413,
  uri_too_long: 414,
  // the request line and headers together exceed what the HTTP server reads (an over-long URL, most often)
  headers_too_large: 431,
  unsupported_media_type: 415,
  // 422: invalid values
  validation_error: 422,
  malformed_json: 422,
  invalid_users_file: 422,
  // 429
  login_throttled: 429,
  // the server's side
  internal_error: 500,
  database_unavailable: 503,
  database_busy: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

export type ErrorKind = 'validation' | 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_many_requests' | 'other';

const KIND_OF_STATUS: Record<number, ErrorKind> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'validation',
  429: 'too_many_requests',
};

/** One broken rule: `field` is the input's property name (nested ones joined by '/'), e.g. `password`. */
export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly params: Record<string, unknown> = {},
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  /** The family of the failure, for callers that branch on it (the CLI's exit codes and messages). */
  get kind(): ErrorKind {
    return KIND_OF_STATUS[this.status] ?? 'other';
  }
}

/** What a missing or duplicate thing is called, with the codes it fails with. */
const SUBJECTS = {
  user: { label: 'User', notFound: 'user_not_found', exists: 'user_already_exists' },
  workspace: { label: 'Workspace', notFound: 'workspace_not_found', exists: 'workspace_already_exists' },
  dataset: { label: 'Dataset', notFound: 'dataset_not_found', exists: 'dataset_already_exists' },
  record: { label: 'Record', notFound: 'record_not_found', exists: 'conflict' },
  api_key: { label: 'API key', notFound: 'api_key_not_found', exists: 'api_key_already_exists' },
} as const satisfies Record<string, { label: string; notFound: ErrorCode; exists: ErrorCode }>;

export type Subject = keyof typeof SUBJECTS;

export const fail = {
  validation: (errors: FieldError[]) =>
    new DomainError('validation_error', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {}, errors),
  badRequest: (code: ErrorCode, message: string, params: Record<string, unknown> = {}) => new DomainError(code, message, params),
  unauthorized: () => new DomainError('unauthorized', 'Could not validate credentials: log in again or use a valid API key.'),
  forbidden: (action: string) => new DomainError('forbidden', `Your role is not allowed to ${action}.`, { action }),
  notFound: (subject: Subject, name: string) => {
    const { label, notFound } = SUBJECTS[subject];
    return new DomainError(notFound, `${label} '${name}' does not exist.`, { type: label, name });
  },
  alreadyExists: (subject: Subject, name: string) => {
    const { label, exists } = SUBJECTS[subject];
    return new DomainError(exists, `${label} '${name}' already exists.`, { type: label, name });
  },
  throttled: (retryAfterSeconds: number) =>
    new DomainError('login_throttled', `Too many failed logins: try again in ${retryAfterSeconds} seconds.`, {
      retry_after: retryAfterSeconds,
    }),
  conflict: (code: ErrorCode, message: string, params: Record<string, unknown> = {}) => new DomainError(code, message, params),
  passwordLoginDisabled: () =>
    new DomainError('password_login_disabled', 'Password login is turned off on this server: log in through single sign-on.'),
};

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

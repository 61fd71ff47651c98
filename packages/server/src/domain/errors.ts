// The closed set of expected failures. Each carries a stable code, the values it is about (params)
// and a sentence a person can act on; the HTTP layer maps `kind` to a status, the CLI to an exit code.

export type ErrorKind = 'validation' | 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_many_requests';

/** One broken rule: `field` is the input's property name (nested ones joined by '/'), e.g. `password`. */
export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly params: Record<string, unknown> = {},
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export const fail = {
  validation: (errors: FieldError[]) =>
    new DomainError(
      'validation',
      'validation_error',
      errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      {},
      errors,
    ),
  badRequest: (code: string, message: string, params: Record<string, unknown> = {}) =>
    new DomainError('bad_request', code, message, params),
  unauthorized: () =>
    new DomainError('unauthorized', 'unauthorized', 'Could not validate credentials: log in again or use a valid API key.'),
  forbidden: (action: string) =>
    new DomainError('forbidden', 'forbidden', `Your role is not allowed to ${action}.`, { action }),
  notFound: (type: string, name: string) =>
    new DomainError('not_found', `${type.toLowerCase()}_not_found`, `${type} '${name}' does not exist.`, { type, name }),
  alreadyExists: (type: string, name: string) =>
    new DomainError(
      'conflict',
      `${type.toLowerCase().replace(/ /g, '_')}_already_exists`,
      `${type} '${name}' already exists.`,
      { type, name },
    ),
  throttled: (retryAfterSeconds: number) =>
    new DomainError(
      'too_many_requests',
      'login_throttled',
      `Too many failed logins: try again in ${retryAfterSeconds} seconds.`,
      { retry_after: retryAfterSeconds },
    ),
  conflict: (code: string, message: string, params: Record<string, unknown> = {}) =>
    new DomainError('conflict', code, message, params),
};

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

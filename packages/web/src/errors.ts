// Turns what the client library throws into words for a person: a message per form field (from the
// problem details' `errors[].pointer`, or from the conflict codes that concern one field), and a
// general message for the rest.
import {
  AlreadyExistsError,
  ApiError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
} from '@argilla-ts/client';

export interface Described {
  /** messages for form fields, by field name (the first segment of the JSON pointer) */
  fields: Record<string, string>;
  /** what concerns no field, or a summary */
  message?: string;
}

/** Which form field a conflict or lookup code concerns, per form. */
export type CodeFields = Record<string, { field: string; message?: string }>;

function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const first = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** Ajv's wording ("must be string") into plainer words; the server's own rules are already plain. */
function plain(message: string): string {
  if (message === 'required') return 'Required.';
  if (/^must NOT have fewer than/.test(message)) return 'Required.';
  if (/^must be (string|integer|number|boolean)/.test(message)) return 'Not a valid value.';
  return sentence(message);
}

/** A message the page itself words for one field (thrown inside a form's action). */
export class FieldMessage extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function describeError(error: unknown, codeFields: CodeFields = {}): Described {
  const fields: Record<string, string> = {};
  if (error instanceof FieldMessage) return { fields: { [error.field]: error.message } };
  if (error instanceof ValidationError) {
    const loose: string[] = [];
    for (const broken of error.errors) {
      // "/username" → username; "/workspaces/0" → workspaces; "/" or "/query/..." → no field.
      const field = broken.pointer.split('/')[1] ?? '';
      if (field === '' || field === 'query' || field === 'path') loose.push(plain(broken.message));
      else fields[field] ??= plain(broken.message);
    }
    const message = loose.length > 0 ? loose.join(' ') : Object.keys(fields).length > 0 ? 'Please correct the marked fields.' : sentence(error.detail);
    return { fields, message };
  }
  if (error instanceof ApiError) {
    const mapped = codeFields[error.code];
    if (mapped) return { fields: { [mapped.field]: mapped.message ?? sentence(error.detail) } };
    if (error instanceof UnauthorizedError) return { fields, message: 'Your session has ended: log in again.' };
    // The server names what the role may not do ("Your role is not allowed to create users.").
    if (error instanceof ForbiddenError) return { fields, message: error.detail ? sentence(error.detail) : 'Your role does not allow this.' };
    if (error instanceof NotFoundError || error instanceof AlreadyExistsError) return { fields, message: sentence(error.detail) };
    if (error instanceof ServerError) {
      return { fields, message: `${sentence(error.detail)} If it keeps happening, quote request id ${error.requestId}.` };
    }
    return { fields, message: sentence(error.detail) };
  }
  if (error instanceof TimeoutError) return { fields, message: 'The server took too long to answer. Try again.' };
  if (error instanceof NetworkError) return { fields, message: 'Cannot reach the server. Check your connection and try again.' };
  return { fields, message: error instanceof Error ? sentence(error.message) : 'Something went wrong.' };
}

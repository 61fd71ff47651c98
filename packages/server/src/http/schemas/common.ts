// Shapes every resource shares: ids and times, the problem body, the closed catalogues, paging,
// and the schemas a route publishes without validating them.
import { Type, type TSchema, type TUnsafe } from 'typebox';
import { AUDIT_TYPES } from '../../domain/audit.js';
import { ERROR_CODE_LIST } from '../../domain/errors.js';
import { LIMITS } from '../../domain/limits.js';
import { PERMISSIONS, ROLES } from '../../domain/policies.js';

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const Uuid = Type.String({ pattern: UUID_PATTERN, description: 'a UUID' });
export const Timestamp = Type.String({ description: 'ISO-8601 UTC time' });
export const NullableTime = Type.Union([Timestamp, Type.Null()]);

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.Ref('ErrorCode'),
    params: Type.Record(Type.String(), Type.Unknown()),
    errors: Type.Optional(
      Type.Array(Type.Object({ pointer: Type.String({ description: 'JSON pointer into the request' }), message: Type.String() })),
    ),
    request_id: Type.String(),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

// The closed catalogues, published as enums so that clients generate them instead of copying.
/** A role, inline (query strings); `Ref.Role` in bodies and answers. */
export const roleType = () => Type.Enum(ROLES);
export const RoleSchema = Type.Enum(ROLES, { $id: 'Role', type: 'string', description: 'a role (see the role table)' });
export const PermissionSchema = Type.Enum(PERMISSIONS, { $id: 'Permission', type: 'string' });
export const ErrorCodeSchema = Type.Enum(ERROR_CODE_LIST, {
  $id: 'ErrorCode',
  type: 'string',
  description: 'every problem code the server answers; each always comes with the same status',
});
export const AuditEventTypeSchema = Type.Enum(AUDIT_TYPES, { $id: 'AuditEventType', type: 'string' });

export const Ref = {
  Role: Type.Ref('Role'),
  User: Type.Ref('User'),
  Workspace: Type.Ref('Workspace'),
  Problem: Type.Ref('Problem'),
  ApiKey: Type.Ref('ApiKey'),
  Dataset: Type.Ref('Dataset'),
  Record: Type.Ref('DatasetRecord'),
  Settings: Type.Ref('DatasetSettings'),
  SettingsInput: Type.Ref('DatasetSettingsInput'),
  RecordInput: Type.Ref('DatasetRecordInput'),
  V1User: Type.Ref('V1User'),
  V1Dataset: Type.Ref('V1Dataset'),
};

/** An error response as sent: RFC 9457 problem details, under their own media type. */
export const ProblemResponse = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: Ref.Problem } },
};

/** Error responses every authenticated route can give, for the OpenAPI document. */
export function problems(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries([401, 422, ...statuses].map((status) => [status, ProblemResponse]));
}

const MAX_OFFSET = LIMITS.offset_max;
const PAGE_MAX = LIMITS.page_size_max;
export const PASSWORD_RULE = `${LIMITS.password_min_length} to ${LIMITS.password_max_length} characters`;

export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_MAX, description: `page size (default and most ${PAGE_MAX})` })),
  // Bounded: PostgreSQL refuses an OFFSET past its 64-bit range, and 1e309 arrives as Infinity.
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: `rows to skip (at most ${MAX_OFFSET})` })),
};

export const IdParams = Type.Object({ id: Uuid });

// Some request parts are checked by the domain, whose 422 messages and pointers (or per-item
// errors in a 200) are part of the API: an ajv error there would replace them. Such a part is
// still published precisely, but the validator sees "anything" in its place.
const CHECKED_BY_DOMAIN = Symbol('checked by the domain');

/** `schema` in the OpenAPI document; not validated (typed `unknown` for the handler). */
export function checkedByDomain(schema: TSchema): TUnsafe<unknown> {
  return Object.assign(Type.Unsafe<unknown>({ ...schema }), { [CHECKED_BY_DOMAIN]: true });
}

/** The schema the validator compiles: parts marked `checkedByDomain` accept anything. */
export function validatedPart<T>(schema: T): T {
  if (typeof schema !== 'object' || schema === null) return schema;
  if (CHECKED_BY_DOMAIN in schema) return {} as T;
  let changed = false;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(schema) ? [] : {};
  for (const [key, value] of Object.entries(schema)) {
    const part = validatedPart(value);
    changed ||= part !== value;
    (copy as Record<string, unknown>)[key] = part;
  }
  // Unchanged schemas stay the same object, which ajv compiles once.
  return changed ? (copy as T) : schema;
}

// The wire shapes: one TypeBox schema each, giving request validation, response serialisation
// (fields not listed here never leave the server) and the OpenAPI document.
import { Type, type Static } from 'typebox';

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const Uuid = Type.String({ pattern: UUID_PATTERN, description: 'a UUID' });
const Timestamp = Type.String({ description: 'ISO-8601 UTC time' });

export const UserSchema = Type.Object(
  {
    id: Uuid,
    first_name: Type.String(),
    last_name: Type.Optional(Type.String()),
    full_name: Type.String({ description: 'first and last name joined by a space, or the first name alone' }),
    username: Type.String(),
    email: Type.Optional(Type.String()),
    role: Type.Union([Type.Literal('admin'), Type.Literal('annotator')]),
    disabled: Type.Boolean(),
    workspaces: Type.Array(Type.String(), { description: 'workspace names, by membership time' }),
    api_key: Type.Union([Type.String(), Type.Null()], {
      description: 'in full only when just created (and on /api/me, the key the caller used); otherwise a masked preview',
    }),
    inserted_at: Timestamp,
    updated_at: Timestamp,
    default_credentials_in_use: Type.Optional(
      Type.Boolean({ description: "GET /api/me, admins only: whether the default admin's password or API key still works" }),
    ),
  },
  { $id: 'User' },
);
export type UserBody = Static<typeof UserSchema>;

export const WorkspaceSchema = Type.Object(
  { id: Uuid, name: Type.String(), inserted_at: Timestamp, updated_at: Timestamp },
  { $id: 'Workspace' },
);

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'stable machine-readable code, e.g. user_already_exists' }),
    params: Type.Record(Type.String(), Type.Unknown()),
    errors: Type.Optional(
      Type.Array(Type.Object({ pointer: Type.String({ description: 'JSON pointer into the request' }), message: Type.String() })),
    ),
    request_id: Type.String(),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const Ref = {
  User: Type.Ref('User'),
  Workspace: Type.Ref('Workspace'),
  Problem: Type.Ref('Problem'),
  ApiKey: Type.Ref('ApiKey'),
  Dataset: Type.Ref('Dataset'),
  Record: Type.Ref('DatasetRecord'),
  Settings: Type.Ref('DatasetSettings'),
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

/** The largest offset a list accepts: more than any list here will hold. */
export const MAX_OFFSET = 2_147_483_647;

export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'page size (default and most 1000)' })),
  // Bounded: PostgreSQL refuses an OFFSET past its 64-bit range, and 1e309 arrives as Infinity.
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: `rows to skip (at most ${MAX_OFFSET})` })),
};

export const IdParams = Type.Object({ id: Uuid });
export const MemberParams = Type.Object({ id: Uuid, user_id: Uuid });

export const CreateUserBody = Type.Object({
  first_name: Type.String(),
  last_name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  username: Type.String(),
  email: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  role: Type.Optional(Type.String({ description: 'admin or annotator (default)' })),
  password: Type.String({ description: '8 to 100 characters' }),
  workspaces: Type.Optional(Type.Array(Type.String(), { description: 'workspace names; missing ones are created' })),
});

export const UpdateUserBody = Type.Object({
  first_name: Type.Optional(Type.String()),
  last_name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  email: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  role: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  disabled: Type.Optional(Type.Boolean()),
});

export const CreateWorkspaceBody = Type.Object({ name: Type.String() });

export const LoginBody = Type.Object({
  username: Type.String(),
  password: Type.String(),
  grant_type: Type.Optional(Type.String()),
});

export const TokenResponse = Type.Object({ access_token: Type.String(), token_type: Type.Literal('bearer') });

const NullableTime = Type.Union([Timestamp, Type.Null()]);

export const ApiKeySchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    preview: Type.String({ description: 'a masked preview, e.g. argilla_Ab12…xY9z' }),
    created_at: Timestamp,
    last_used_at: Type.Union([Timestamp, Type.Null()], { description: 'updated at most once a minute' }),
    expires_at: NullableTime,
  },
  { $id: 'ApiKey' },
);

export const CreatedApiKeySchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  preview: Type.String(),
  created_at: Timestamp,
  last_used_at: NullableTime,
  expires_at: NullableTime,
  api_key: Type.String({ description: 'the secret, shown in this response only' }),
});

export const NewApiKeyBody = Type.Object({
  name: Type.String({ description: '1 to 100 characters' }),
  expires_at: Type.Optional(Type.Union([Type.String({ description: 'ISO-8601 time in the future' }), Type.Null()])),
});

export const ChangePasswordBody = Type.Object({ current_password: Type.String(), new_password: Type.String({ description: '8 to 100 characters' }) });

export const AuditEventSchema = Type.Object({
  id: Uuid,
  type: Type.String(),
  actor_id: Type.Union([Type.String(), Type.Null()]),
  actor_username: Type.Union([Type.String(), Type.Null()]),
  target_type: Type.Union([Type.String(), Type.Null()]),
  target_id: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  request_id: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  created_at: Timestamp,
});

export const SettingsSchema = Type.Object(
  {
    task: Type.Literal('text_classification'),
    labels: Type.Array(Type.String()),
    multi_label: Type.Boolean(),
  },
  { $id: 'DatasetSettings', description: 'the labelling schema' },
);

export const DatasetSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    workspace: Type.String(),
    settings: Type.Ref('DatasetSettings'),
    created_by: Type.Union([Type.String(), Type.Null()], { description: 'username of the creator' }),
    inserted_at: Timestamp,
    updated_at: Timestamp,
    records: Type.Optional(Type.Integer({ description: 'number of records' })),
    annotated: Type.Optional(Type.Integer({ description: 'records with at least one annotation' })),
  },
  { $id: 'Dataset' },
);

export const AnnotationSchema = Type.Object({
  user_id: Type.Union([Uuid, Type.Null()], { description: 'empty once the user is deleted; the username stays' }),
  username: Type.String(),
  value: Type.Object({ labels: Type.Array(Type.String()) }),
  status: Type.Union([Type.Literal('submitted'), Type.Literal('discarded')]),
  updated_at: Timestamp,
});

export const RecordSchema = Type.Object(
  {
    id: Type.String(),
    fields: Type.Record(Type.String(), Type.Unknown()),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    annotations: Type.Array(AnnotationSchema),
    inserted_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'DatasetRecord' },
);

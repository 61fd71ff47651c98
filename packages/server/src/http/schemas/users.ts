// Users, workspaces and memberships on the wire.
import { Type, type Static } from 'typebox';
import { LIMITS } from '../../domain/limits.js';
import { DEFAULT_ROLE, ROLES } from '../../domain/policies.js';
import { PASSWORD_RULE, Timestamp, Uuid } from './common.js';

export const UserSchema = Type.Object(
  {
    id: Uuid,
    first_name: Type.String(),
    last_name: Type.Optional(Type.String()),
    full_name: Type.String({ description: 'first and last name joined by a space, or the first name alone' }),
    username: Type.String(),
    email: Type.Optional(Type.String()),
    role: Type.Ref('Role'),
    permissions: Type.Optional(
      Type.Array(Type.Ref('Permission'), { description: "GET /api/me: what the caller's role allows (see the Permission enum)" }),
    ),
    disabled: Type.Boolean(),
    workspaces: Type.Array(Type.String(), { description: 'workspace names, by membership time' }),
    api_key: Type.String({
      description:
        'in full only when just created (and on /api/me, the key the caller used); otherwise a masked preview, or empty when the user has no working key',
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

export const MemberParams = Type.Object({ id: Uuid, user_id: Uuid });

// Maximum lengths are also published here (and checked first by the schema); the domain checks
// them again for the doors without a schema (command line, users files).
/** A username, workspace or dataset name in a request. */
export const NameText = (description?: string) => Type.String({ maxLength: LIMITS.name_max_length, ...(description ? { description } : {}) });
export const FirstName = Type.String({ maxLength: LIMITS.person_name_max_length });
export const LastName = Type.Union([Type.String({ maxLength: LIMITS.person_name_max_length }), Type.Null()]);
export const Email = Type.Union([Type.String({ maxLength: LIMITS.email_max_length }), Type.Null()]);

export const CreateUserBody = Type.Object({
  first_name: FirstName,
  last_name: Type.Optional(LastName),
  username: NameText(),
  email: Type.Optional(Email),
  role: Type.Optional(Type.String({ description: `one of the roles (${ROLES.join(', ')}); default ${DEFAULT_ROLE}` })),
  password: Type.String({ description: PASSWORD_RULE }),
  workspaces: Type.Optional(
    Type.Array(NameText(), { maxItems: LIMITS.user_workspaces_max, description: 'workspace names; missing ones are created' }),
  ),
});

export const UpdateUserBody = Type.Object({
  first_name: Type.Optional(FirstName),
  last_name: Type.Optional(LastName),
  email: Type.Optional(Email),
  role: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  disabled: Type.Optional(Type.Boolean()),
});

export const CreateWorkspaceBody = Type.Object({ name: NameText() });

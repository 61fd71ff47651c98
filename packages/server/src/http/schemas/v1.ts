// The /api/v1 shapes, as Argilla's later clients (the 1.13+ client and the 2.x SDK) parse them:
// lists under `items`, users without the 1.6 extras, ids and times the clients may send back.
import { Type } from 'typebox';
import { DEFAULT_ROLE, ROLES } from '../../domain/policies.js';
import { PASSWORD_RULE, Timestamp, Uuid } from './common.js';
import { Email, FirstName, LastName, NameText } from './users.js';

export const V1UserSchema = Type.Object(
  {
    id: Uuid,
    username: Type.String(),
    first_name: Type.String(),
    last_name: Type.Union([Type.String(), Type.Null()]),
    role: Type.Ref('Role'),
    api_key: Type.String({
      description: 'in full only when just created (and on /api/v1/me, the key the caller used); otherwise a masked preview, or empty',
    }),
    inserted_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'V1User', description: 'a user as the /api/v1 routes show it' },
);

/** A list answer of the /api/v1 routes. */
export const Items = <T extends ReturnType<typeof Type.Ref>>(item: T) => Type.Object({ items: Type.Array(item) });

/** An id the client chose (honoured), or null: the server makes one. Checked by the domain (422 on a non-UUID). */
const GivenId = Type.Optional(Type.Union([Type.String({ description: 'a UUID' }), Type.Null()]));
/** Sent back by clients that dump their whole model; ignored. */
const EchoedTime = Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'ignored' }));

export const V1CreateUserBody = Type.Object({
  id: GivenId,
  username: NameText(),
  first_name: FirstName,
  last_name: Type.Optional(LastName),
  email: Type.Optional(Email),
  role: Type.Optional(Type.String({ description: `one of the roles (${ROLES.join(', ')}); default ${DEFAULT_ROLE}` })),
  password: Type.String({ description: PASSWORD_RULE }),
  inserted_at: EchoedTime,
  updated_at: EchoedTime,
});

export const V1UpdateUserBody = Type.Object({
  username: Type.Optional(Type.String({ description: 'must be the current username: usernames cannot be changed' })),
  first_name: Type.Optional(FirstName),
  last_name: Type.Optional(LastName),
  email: Type.Optional(Email),
  role: Type.Optional(Type.String()),
  password: Type.Optional(Type.String({ description: PASSWORD_RULE })),
  id: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'ignored' })),
  inserted_at: EchoedTime,
  updated_at: EchoedTime,
});

export const V1CreateWorkspaceBody = Type.Object({ id: GivenId, name: NameText(), inserted_at: EchoedTime, updated_at: EchoedTime });

export const V1AddMemberBody = Type.Object({ user_id: Type.String({ description: 'the id of the user to add' }) });

export const V1DatasetSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    status: Type.Literal('ready'),
    guidelines: Type.Null(),
    allow_extra_metadata: Type.Boolean(),
    workspace_id: Uuid,
    workspace: Type.String({ description: "the workspace's name" }),
    task: Type.String(),
    last_activity_at: Timestamp,
    inserted_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'V1Dataset', description: 'a dataset as the /api/v1 routes list it' },
);

export const V1MemberParams = Type.Object({ id: Uuid, user_id: Uuid });

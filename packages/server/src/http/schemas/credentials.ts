// Logins, passwords, API keys and the audit log on the wire.
import { Type } from 'typebox';
import { LIMITS } from '../../domain/limits.js';
import { checkedByDomain, NullableTime, PASSWORD_RULE, Timestamp, Uuid } from './common.js';

export const LoginBody = Type.Object({
  username: Type.String(),
  password: Type.String(),
  grant_type: Type.Optional(Type.String()),
});

export const TokenResponse = Type.Object({ access_token: Type.String(), token_type: Type.Literal('bearer') });

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
  name: Type.String({ maxLength: LIMITS.api_key_name_max_length, description: `1 to ${LIMITS.api_key_name_max_length} characters` }),
  // Checked by the domain (a strict RFC 3339 parse, in the future), whose 422 gives an example.
  expires_at: Type.Optional(
    checkedByDomain(
      Type.Union([
        Type.String({ format: 'date-time', description: 'RFC 3339 time with a zone (Z or ±hh:mm), in the future, year 9999 at the latest; stored in UTC' }),
        Type.Null(),
      ]),
    ),
  ),
});

export const ChangePasswordBody = Type.Object({ current_password: Type.String(), new_password: Type.String({ description: PASSWORD_RULE }) });

export const AuditEventSchema = Type.Object({
  id: Uuid,
  type: Type.Ref('AuditEventType'),
  actor_id: Type.Union([Type.String(), Type.Null()]),
  actor_username: Type.Union([Type.String(), Type.Null()]),
  target_type: Type.Union([Type.String(), Type.Null()]),
  target_id: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  request_id: Type.Union([Type.String(), Type.Null()]),
  client_request_id: Type.Union([Type.String(), Type.Null()], { description: "the X-Request-Id the client sent, when short and printable (request_id is the server's own)" }),
  data: Type.Record(Type.String(), Type.Unknown()),
  created_at: Timestamp,
});

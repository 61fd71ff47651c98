// Passwords, API keys (for oneself, or for anyone as an admin) and the audit log.
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { changeOwnPassword, createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '../../domain/apiKeys.js';
import { listAuditEvents } from '../../domain/audit.js';
import type { App, AppDeps } from '../app.js';
import { caller } from '../auth.js';
import { presentUser } from '../presenters.js';
import { AuditEventSchema, ChangePasswordBody, CreatedApiKeySchema, NewApiKeyBody, problems, Ref, Uuid } from '../schemas.js';

export function registerCredentialRoutes(app: App, { database, config }: AppDeps): void {
  app.patch(
    '/api/me/password',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Change your password (the current one is required); ends all your login sessions',
        body: ChangePasswordBody,
        response: { 200: Ref.User, ...problems() },
      },
    },
    async (request) => presentUser(await changeOwnPassword(database, caller(request).actor, request.body)),
  );

  // The same key routes for oneself (/api/me/api-keys) and, for admins, anyone (/api/users/{id}/api-keys).
  const owners: Array<{ prefix: string; whose: string; params: Record<string, typeof Uuid>; userId: (request: FastifyRequest) => string }> = [
    { prefix: '/api/me/api-keys', whose: 'your', params: {}, userId: (request: FastifyRequest) => caller(request).user.id },
    {
      prefix: '/api/users/:id/api-keys',
      whose: "a user's (admin)",
      params: { id: Uuid },
      userId: (request: FastifyRequest) => (request.params as { id: string }).id,
    },
  ];
  for (const owner of owners) {
    const statuses = owner === owners[0] ? [404] : [403, 404];
    app.get(
      owner.prefix,
      {
        schema: {
          tags: ['credentials'],
          summary: `List ${owner.whose} API keys (revoked ones are not listed)`,
          params: Type.Object(owner.params),
          response: { 200: Type.Array(Ref.ApiKey), ...problems(...statuses) },
        },
      },
      async (request) => listApiKeys(database, caller(request).actor, owner.userId(request)),
    );
    app.post(
      owner.prefix,
      {
        schema: {
          tags: ['credentials'],
          summary: `Create one of ${owner.whose} API keys; the secret is in this response only`,
          params: Type.Object(owner.params),
          body: NewApiKeyBody,
          response: { 200: CreatedApiKeySchema, ...problems(...statuses) },
        },
      },
      async (request) => {
        const { key, apiKey } = await createApiKey(database, caller(request).actor, owner.userId(request), request.body);
        return { ...key, api_key: apiKey };
      },
    );
    app.post(
      `${owner.prefix}/:key_id/rotate`,
      {
        schema: {
          tags: ['credentials'],
          summary: `Rotate one of ${owner.whose} API keys: a new secret now, the old one stops after the grace period`,
          params: Type.Object({ ...owner.params, key_id: Uuid }),
          // 409: the key was already rotated, or has expired.
          response: { 200: CreatedApiKeySchema, ...problems(...statuses, 409) },
        },
      },
      async (request) => {
        const keyId = (request.params as { key_id: string }).key_id;
        const { key, apiKey } = await rotateApiKey(database, caller(request).actor, owner.userId(request), keyId, config.apiKeyRotationGraceSeconds);
        return { ...key, api_key: apiKey };
      },
    );
    app.delete(
      `${owner.prefix}/:key_id`,
      {
        schema: {
          tags: ['credentials'],
          summary: `Revoke one of ${owner.whose} API keys (it stops working at once)`,
          params: Type.Object({ ...owner.params, key_id: Uuid }),
          response: { 200: Ref.ApiKey, ...problems(...statuses) },
        },
      },
      async (request) =>
        revokeApiKey(database, caller(request).actor, owner.userId(request), (request.params as { key_id: string }).key_id),
    );
  }

  app.get(
    '/api/audit-events',
    {
      schema: {
        tags: ['audit'],
        summary: 'Security events, newest first (admin). Follow next_cursor for older ones',
        querystring: Type.Object({
          actor: Type.Optional(Type.String({ description: 'actor id or username' })),
          target: Type.Optional(Type.String({ description: 'target id' })),
          type: Type.Optional(Type.String({ description: 'an event type, or a prefix such as user' })),
          since: Type.Optional(Type.String({ description: 'ISO-8601 time, inclusive' })),
          until: Type.Optional(Type.String({ description: 'ISO-8601 time, exclusive' })),
          cursor: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(AuditEventSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(403),
        },
      },
    },
    async (request) => listAuditEvents(database, caller(request).actor, request.query),
  );
}

// Passwords and API keys: one's own, or (for admins) anyone's.
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { changeOwnPassword, createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '../../domain/apiKeys.js';
import { caller } from '../auth.js';
import { presentUser } from '../presenters.js';
import { ChangePasswordBody, CreatedApiKeySchema, NewApiKeyBody, ProblemResponse, problems, Ref, Uuid } from '../schemas.js';
import type { RouteModule } from '../types.js';

// The same key routes for oneself (/api/me/api-keys) and, for admins, anyone (/api/users/{id}/api-keys).
const OWNERS: Array<{ prefix: string; whose: string; params: Record<string, typeof Uuid>; statuses: number[]; userId: (request: FastifyRequest) => string }> = [
  { prefix: '/api/me/api-keys', whose: 'your', params: {}, statuses: [404], userId: (request) => caller(request).user.id },
  {
    prefix: '/api/users/:id/api-keys',
    whose: "a user's (admin)",
    params: { id: Uuid },
    statuses: [403, 404],
    userId: (request) => (request.params as { id: string }).id,
  },
];

export const credentialRoutes: RouteModule = async (app, { database, config }) => {
  app.patch(
    '/api/me/password',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Change your password (the current one is required); ends all your login sessions',
        body: ChangePasswordBody,
        // 429: the user's logins are locked from this address (wrong current passwords count as failed logins)
        response: { 200: Ref.User, 429: ProblemResponse, ...problems() },
      },
    },
    async (request) => presentUser(await changeOwnPassword(database, caller(request).actor, request.body)),
  );

  for (const { prefix, whose, params, statuses, userId } of OWNERS) {
    app.get(
      prefix,
      {
        schema: {
          tags: ['credentials'],
          summary: `List ${whose} API keys (revoked ones are not listed)`,
          params: Type.Object(params),
          response: { 200: Type.Array(Ref.ApiKey), ...problems(...statuses) },
        },
      },
      async (request) => listApiKeys(database, caller(request).actor, userId(request)),
    );
    app.post(
      prefix,
      {
        schema: {
          tags: ['credentials'],
          summary: `Create one of ${whose} API keys; the secret is in this response only`,
          params: Type.Object(params),
          body: NewApiKeyBody,
          response: { 200: CreatedApiKeySchema, ...problems(...statuses) },
        },
      },
      async (request) => {
        const { key, apiKey } = await createApiKey(database, caller(request).actor, userId(request), request.body);
        return { ...key, api_key: apiKey };
      },
    );
    app.post(
      `${prefix}/:key_id/rotate`,
      {
        schema: {
          tags: ['credentials'],
          summary: `Rotate one of ${whose} API keys: a new secret now, the old one stops after the grace period`,
          params: Type.Object({ ...params, key_id: Uuid }),
          // 409: the key was already rotated, or has expired.
          response: { 200: CreatedApiKeySchema, ...problems(...statuses, 409) },
        },
      },
      async (request) => {
        const { key_id: keyId } = request.params;
        const { key, apiKey } = await rotateApiKey(database, caller(request).actor, userId(request), keyId, config.apiKeyRotationGraceSeconds);
        return { ...key, api_key: apiKey };
      },
    );
    app.delete(
      `${prefix}/:key_id`,
      {
        schema: {
          tags: ['credentials'],
          summary: `Revoke one of ${whose} API keys (it stops working at once)`,
          params: Type.Object({ ...params, key_id: Uuid }),
          response: { 200: Ref.ApiKey, ...problems(...statuses) },
        },
      },
      async (request) => revokeApiKey(database, caller(request).actor, userId(request), request.params.key_id),
    );
  }
};

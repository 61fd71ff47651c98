// The OpenAPI document, built by @fastify/swagger from the routes' schemas, and its UI at /api/docs.
// Registered before the routes: the document lists the routes registered after it.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { App } from './types.js';
import { LIMITS } from '../domain/limits.js';

type OpenApiInfo = Parameters<typeof swagger>[1] extends { openapi?: infer O } ? O : never;

export async function registerOpenApi(app: App, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Argilla user and workspace management API',
        version,
        description: 'Users, workspaces, memberships, API keys and login tokens. Errors are RFC 9457 problem details.',
      },
      components: {
        securitySchemes: {
          ApiKey: { type: 'apiKey', in: 'header', name: 'X-Argilla-Api-Key' },
          Bearer: { type: 'http', scheme: 'bearer', description: 'a login token from /api/security/token, or an API key' },
        },
      },
      security: [{ ApiKey: [] }, { Bearer: [] }],
      // Every limit the server enforces, for clients to read instead of copying numbers (the type
      // of the swagger options has no room for a root extension).
      'x-argilla-limits': LIMITS,
    } as OpenApiInfo,
    // Components keep their $id as their name (User, Problem...).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
}

// The OpenAPI document, built by @fastify/swagger from the routes' schemas, and its UI at /api/docs.
// Registered before the routes: the document lists the routes registered after it.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { App } from './types.js';
import { LIMITS } from '../domain/limits.js';
import { WEB_SECURITY_HEADERS } from './web.js';

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
  // The docs share the web UI's origin, where the UI keeps its login token: they get the UI's own
  // security headers (no inline code, nothing from another origin, no framing), in a scope of
  // their own so that the API's answers are left as they are.
  await app.register(async (docs) => {
    docs.addHook('onSend', (_request, reply, payload, done) => {
      for (const [name, value] of Object.entries(WEB_SECURITY_HEADERS)) reply.header(name, value);
      done(null, payload);
    });
    await docs.register(swaggerUi, {
      routePrefix: '/api/docs',
      // The headers come from the hook above, the same on the page, its files and the document.
      staticCSP: false,
      // Without the top bar: its logo is an inline SVG holding a <style> element, which the
      // policy blocks (and its box to load any other document is of no use here).
      uiConfig: { layout: 'BaseLayout' },
    });
  });
}

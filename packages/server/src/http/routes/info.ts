// The public routes about the server itself: its version, its health and its OpenAPI document.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { pingDatabase, type Database } from '../../db/connect.js';
import { can, type Permission } from '../../domain/policies.js';
import { authenticate } from '../auth.js';
import type { RouteModule } from '../types.js';
import { ARGILLA_API_VERSION, SERVER_NAME } from '../../version.js';

const Health = Type.Union([Type.Literal('ok'), Type.Literal('degraded')]);

// Anyone: whether the server can serve (the HTTP status says it too) and its version. With
// `status.read` (admins): the detail, which names where the database is and what failed.
const Status = Type.Object(
  {
    version: Type.String(),
    status: Health,
    database: Type.Optional(
      Type.Object({ dialect: Type.String(), healthy: Type.Boolean(), latency_ms: Type.Number(), error: Type.Optional(Type.String()) }),
    ),
    memory: Type.Optional(Type.Object({ pid: Type.Integer(), rss_bytes: Type.Integer(), heap_used_bytes: Type.Integer() })),
  },
  { description: 'status and version for anyone; database and memory only for callers holding status.read' },
);

/** Whether the request's credentials, if any, hold `permission`; false when they cannot be checked. */
function holds(database: Database, request: FastifyRequest, permission: Permission): Promise<boolean> {
  if (!request.headers['x-argilla-api-key'] && !request.headers.authorization) return Promise.resolve(false);
  return new Promise((resolve) => {
    // A wrong key, or a database too far gone to check one, is no detail; never an error here.
    authenticate(database, request, (error, auth) => resolve(!error && !!auth && can(auth.actor, permission)));
  });
}

export const infoRoutes: RouteModule = async (app, { database, version }) => {
  app.get(
    '/api/_info',
    {
      config: { auth: false },
      schema: {
        tags: ['info'],
        summary: 'The Argilla API version this server follows (what Argilla clients check), and the server itself',
        security: [],
        response: {
          200: Type.Object({
            version: Type.String({ description: 'the Argilla API version this server follows (PEP 440)' }),
            server_name: Type.String(),
            server_version: Type.String({ description: "this server's own version" }),
          }),
        },
      },
    },
    async () => ({ version: ARGILLA_API_VERSION, server_name: SERVER_NAME, server_version: version }),
  );

  app.get(
    '/api/_status',
    {
      config: { auth: false },
      schema: {
        tags: ['info'],
        summary: 'Health: 200 while the database answers, 503 while it does not (for load balancers)',
        description:
          'Anyone gets `status` and `version`. A caller whose role holds `status.read` (admins) also gets the database ' +
          '(dialect, latency, the error while it is down) and the process (id, memory). Credentials that cannot be ' +
          'checked (wrong, or the database is down) get the short answer, never an error.',
        security: [],
        response: { 200: Status, 503: Status },
      },
    },
    async (request, reply) => {
      const started = performance.now();
      let error: string | undefined;
      try {
        await pingDatabase(database.db);
      } catch (e) {
        error = (e as Error).message.split('\n')[0];
      }
      const latency = Math.round((performance.now() - started) * 100) / 100;
      const status = error ? ('degraded' as const) : ('ok' as const);
      reply.code(error ? 503 : 200);
      if (!(await holds(database, request, 'status.read'))) return { status, version };
      const memory = process.memoryUsage();
      return {
        version,
        status,
        database: { dialect: database.dialect, healthy: !error, latency_ms: latency, error },
        memory: { pid: process.pid, rss_bytes: memory.rss, heap_used_bytes: memory.heapUsed },
      };
    },
  );

  app.get('/api/openapi.json', { config: { auth: false }, schema: { hide: true } }, async () => app.swagger());
};

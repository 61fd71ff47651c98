// The public routes about the server itself: its version, its health and its OpenAPI document.
import { pingDatabase } from '../../db/connect.js';
import { Type } from 'typebox';
import type { RouteModule } from '../types.js';

const Status = Type.Object({
  version: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Object({ dialect: Type.String(), healthy: Type.Boolean(), latency_ms: Type.Number(), error: Type.Optional(Type.String()) }),
  memory: Type.Object({ pid: Type.Integer(), rss_bytes: Type.Integer(), heap_used_bytes: Type.Integer() }),
});

export const infoRoutes: RouteModule = async (app, { database, version }) => {
  app.get(
    '/api/_info',
    {
      config: { auth: false },
      schema: { tags: ['info'], summary: 'Server version', security: [], response: { 200: Type.Object({ version: Type.String() }) } },
    },
    async () => ({ version }),
  );

  app.get(
    '/api/_status',
    {
      config: { auth: false },
      schema: {
        tags: ['info'],
        summary: 'Health: database reachability and memory. 503 while the database is down (for load balancers).',
        security: [],
        response: { 200: Status, 503: Status },
      },
    },
    async (_request, reply) => {
      const started = performance.now();
      let error: string | undefined;
      try {
        await pingDatabase(database.db);
      } catch (e) {
        error = (e as Error).message.split('\n')[0];
      }
      const memory = process.memoryUsage();
      const body = {
        version,
        status: error ? ('degraded' as const) : ('ok' as const),
        database: { dialect: database.dialect, healthy: !error, latency_ms: Math.round((performance.now() - started) * 100) / 100, error },
        memory: { pid: process.pid, rss_bytes: memory.rss, heap_used_bytes: memory.heapUsed },
      };
      return reply.code(error ? 503 : 200).send(body);
    },
  );

  app.get('/api/openapi.json', { config: { auth: false }, schema: { hide: true } }, async () => app.swagger());
};

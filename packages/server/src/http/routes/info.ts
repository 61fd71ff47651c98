import { sql } from 'kysely';
import { Type } from 'typebox';
import type { App, AppDeps } from '../app.js';

export function registerInfoRoutes(app: App, { database, version }: AppDeps): void {
  app.get(
    '/api/_info',
    {
      config: { auth: false },
      schema: { tags: ['info'], summary: 'Server version', security: [], response: { 200: Type.Object({ version: Type.String() }) } },
    },
    async () => ({ version }),
  );

  const Status = Type.Object({
    version: Type.String(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
    database: Type.Object({ dialect: Type.String(), healthy: Type.Boolean(), latency_ms: Type.Number(), error: Type.Optional(Type.String()) }),
    memory: Type.Object({ pid: Type.Integer(), rss_bytes: Type.Integer(), heap_used_bytes: Type.Integer() }),
  });

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
        await sql`select 1`.execute(database.db);
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
}

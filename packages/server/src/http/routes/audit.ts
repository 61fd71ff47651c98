// The audit log of security events (admin).
import { Type } from 'typebox';
import { listAuditEvents } from '../../domain/audit.js';
import { LIMITS } from '../../domain/limits.js';
import { caller } from '../auth.js';
import { AuditEventSchema, problems } from '../schemas.js';
import type { RouteModule } from '../types.js';

export const auditRoutes: RouteModule = async (app, { database }) => {
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
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.page_size_max })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(AuditEventSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(403),
        },
      },
    },
    async (request) => listAuditEvents(database, caller(request).actor, request.query),
  );
};

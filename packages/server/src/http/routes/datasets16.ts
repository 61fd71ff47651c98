// The dataset routes of the Argilla 1.6 Python client (rg.log, rg.load, rg.copy), over this
// server's datasets. `GET` and `DELETE /api/datasets/{name}` are the project's own routes
// (routes/datasets.ts), whose answers the client also reads. Errors here answer the body the
// 1.6 client parses: `{"detail": {"code": "argilla.api.errors::<Name>", "params": {...}}}`; its
// ValidationApiError needs `detail.params` (with `errors[].loc`) on a 422.
import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { copy16, logBulk16, scan16, TASKS_16, type TaskName16 } from '../../domain/datasets16.js';
import { LIMITS } from '../../domain/limits.js';
import { caller } from '../auth.js';
import { NameParams, WorkspaceQuery, workspaceOf } from '../datasetRequests.js';
import { toProblem, type Problem } from '../problems.js';
import { Bulk16Answer, Bulk16Body, Copy16Body, Dataset16Schema, Problem16Schema, Scan16Answer, Scan16Body } from '../schemas/datasets16.js';
import type { RouteModule } from '../types.js';

/** The 1.6 error names, by the project's problem codes (families by status otherwise). */
function errorName(problem: Problem): string {
  if (problem.code.endsWith('_not_found')) return 'EntityNotFoundError';
  if (problem.code.endsWith('_already_exists')) return 'EntityAlreadyExistsError';
  switch (problem.code) {
    case 'workspace_required':
      return 'MissingInputParamError';
    case 'wrong_task':
      return 'WrongTaskError';
    case 'unauthorized':
      return 'UnauthorizedError';
    case 'forbidden':
      return 'ForbiddenOperationError';
    default:
  }
  if (problem.status === 422) return 'ValidationError';
  if (problem.status === 400) return 'BadRequestError';
  return problem.status >= 500 ? 'GenericServerError' : 'GenericApiError';
}

/** A JSON pointer as a 1.6 error location: ['body', 'records', 3, 'id']. */
function locOf(pointer: string): Array<string | number> {
  const parts = pointer.split('/').slice(1).filter((p) => p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (parts[0] === 'query' || parts[0] === 'path') return parts;
  return ['body', ...parts];
}

function paramsOf(problem: Problem): Record<string, unknown> {
  const name = errorName(problem);
  if (name === 'ValidationError') {
    const errors = (problem.errors ?? [{ pointer: '/', message: problem.detail }]).map((e) => ({ loc: locOf(e.pointer), msg: e.message, type: 'value_error' }));
    return { model: 'Request', errors };
  }
  if (name === 'EntityNotFoundError' || name === 'EntityAlreadyExistsError') return { ...problem.params };
  if (name === 'ForbiddenOperationError' || name === 'UnauthorizedError') return { detail: problem.detail };
  return { ...problem.params, message: problem.detail };
}

function send16(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const problem = toProblem(error, request);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
  if (problem.status === 503) reply.header('retry-after', '5');
  reply.header('x-request-id', problem.request_id);
  const body = {
    detail: { code: `argilla.api.errors::${errorName(problem)}`, params: paramsOf(problem) },
    code: problem.code,
    message: problem.detail,
    request_id: problem.request_id,
  };
  return reply.code(problem.status).type('application/json').send(body);
}

const errors16 = (...statuses: number[]) => Object.fromEntries([400, 401, 404, 422, ...statuses].map((status) => [status, Problem16Schema]));

export const datasets16Routes: RouteModule = async (app, { database }) => {
  app.setErrorHandler((error, request, reply) => send16(request, reply, error));

  for (const task of TASKS_16) {
    app.post(
      `/api/datasets/:name/${task}::bulk`,
      {
        schema: {
          tags: ['python 1.6'],
          summary: `rg.log of ${task} records: creates the dataset on its first batch (admin), replaces records by id`,
          params: NameParams,
          querystring: Type.Object(WorkspaceQuery),
          body: Bulk16Body,
          response: { 200: Bulk16Answer, ...errors16(403) },
        },
      },
      async (request) => logBulk16(database, caller(request).actor, workspaceOf(request), request.params.name, task as TaskName16, request.body),
    );
  }

  app.post(
    '/api/datasets/:name/records/::search',
    {
      schema: {
        tags: ['python 1.6'],
        summary: 'rg.load: records in id order, exactly `limit` a page while more remain (send next_idx back)',
        params: NameParams,
        querystring: Type.Object({
          ...WorkspaceQuery,
          limit: Type.Optional(
            Type.Integer({ minimum: 0, maximum: LIMITS.page_size_max, description: `records in this page (default ${LIMITS.records_page_default})` }),
          ),
        }),
        body: Type.Optional(Scan16Body),
        response: { 200: Scan16Answer, ...errors16(403) },
      },
    },
    async (request) =>
      scan16(database, caller(request).actor, workspaceOf(request), request.params.name, request.query.limit ?? LIMITS.records_page_default, request.body ?? {}),
  );

  app.put(
    '/api/datasets/:name(^[a-z0-9_-]+)::copy',
    {
      schema: {
        tags: ['python 1.6'],
        summary: 'rg.copy: copy a dataset with its records and annotations, here or to target_workspace (admin)',
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        body: Copy16Body,
        response: { 200: Dataset16Schema, ...errors16(403, 409) },
      },
    },
    async (request) => copy16(database, caller(request).actor, workspaceOf(request), request.params.name, request.body),
  );
};

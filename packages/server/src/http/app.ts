// The Fastify application: plugins, hooks, error mapping and the routes. Every handler reads in
// the same order: authenticate (hook) → validate (schema) → authorise and act (one domain call)
// → present (allow-listed schema).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyHttpOptions, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import { pino } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { authenticate } from './auth.js';
import { fail } from '../domain/errors.js';
import { problem, sendProblem, toProblem } from './problems.js';
import { ApiKeySchema, DatasetSchema, ProblemSchema, RecordSchema, SettingsSchema, UserSchema, WorkspaceSchema } from './schemas.js';
import { registerDatasetRoutes } from './routes/datasets.js';
import { registerCredentialRoutes } from './routes/credentials.js';
import { registerInfoRoutes } from './routes/info.js';
import { registerSecurityRoutes } from './routes/security.js';
import { registerUserRoutes } from './routes/users.js';
import { registerWorkspaceRoutes } from './routes/workspaces.js';
import { registerMeRoutes } from './routes/me.js';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface AppDeps {
  database: Database;
  config: Pick<Config, 'tokenExpirationMinutes' | 'logLevel' | 'apiKeyRotationGraceSeconds'> & Partial<Pick<Config, 'trustedProxies'>>;
  version: string;
  /** where the request log goes (default: stdout) */
  logStream?: NodeJS.WritableStream;
}

export const BODY_LIMIT = 1024 * 1024;

// Text the databases cannot store as given: NUL (PostgreSQL refuses it) and lone UTF-16 surrogates
// (JSON can escape them, "\ud800"; stored as UTF-8 they would become U+FFFD, so what was saved
// would differ from what was sent and answered).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorableReason(text: string): string {
  return text.includes('\u0000') ? 'must not contain NUL characters (\\u0000)' : 'must not contain a lone UTF-16 surrogate (\\ud800-\\udfff without its pair)';
}

/** The first text (value or key) of a body that cannot be stored as given: its JSON pointer and why; or null. */
function findUnstorable(value: unknown, pointer: string): { pointer: string; reason: string } | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? { pointer, reason: unstorableReason(value) } : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${pointer}/${i}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) return { pointer: `${pointer}/${key.replace(/[\u0000\uD800-\uDFFF]/g, '')}`, reason: unstorableReason(key) };
      const found = findUnstorable(item, `${pointer}/${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

// Bodies are validated without type coercion (a number is not a name); query strings and path
// parameters arrive as text, so there numbers and booleans are coerced.
// removeAdditional: 'all' makes each body schema an allow-list: fields it does not name are dropped
// before the handler sees them (unknown fields are ignored, and internal ones cannot be smuggled in).
const bodyAjv = new Ajv({ coerceTypes: false, useDefaults: true, allErrors: true, strict: false, removeAdditional: 'all' });
const paramAjv = new Ajv({ coerceTypes: 'array', useDefaults: true, allErrors: true, strict: false });
const SHARED_SCHEMAS = [UserSchema, WorkspaceSchema, ProblemSchema, ApiKeySchema, SettingsSchema, DatasetSchema, RecordSchema];
for (const schema of SHARED_SCHEMAS) {
  bodyAjv.addSchema(schema);
  paramAjv.addSchema(schema);
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const logger = pino(
    {
      level: deps.config.logLevel,
      // Secrets never reach the log, whatever a future log line includes (request lines carry no
      // headers or bodies, but an error's context might).
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-argilla-api-key"]', 'req.headers.cookie', 'req.body.password', 'err.config'],
        censor: '[redacted]',
      },
    },
    // Asynchronous writes: a line per request must not cost a blocking write() each.
    deps.logStream ?? pino.destination({ dest: 1, sync: false }),
  );
  const proxies = deps.config.trustedProxies ?? null;
  // A number of proxies: the hops nearest the server are trusted, whatever their addresses.
  const trustProxy: FastifyHttpOptions<RawServerDefault>['trustProxy'] =
    typeof proxies === 'number' ? (_address: string, hop: number) => hop < proxies : proxies ?? false;
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    requestIdHeader: false,
    // request.ip: the connection's address, or behind trusted proxies the client they name in
    // X-Forwarded-For (the throttling of logins and the audit log count by it).
    trustProxy,
    // Undecodable URLs and over-long path parameters answer problems too, like every other error.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const path = request.url.split('?')[0];
      return sendProblem(
        reply,
        tooLong
          ? problem(request, 414, 'uri_too_long', 'A part of the path is too long: check the id in it.', { path })
          : problem(request, 400, 'bad_url', 'The path is not a valid URL (check its %-encoding).', { path }),
      );
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    loggerInstance: logger as FastifyBaseLogger,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema));
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  app.decorateRequest('auth', null);

  // Route handlers still running, counted for a graceful stop (see main.ts): a handler runs on after
  // its client disconnects, so open connections alone do not tell. Synchronous answers are counted
  // without a promise.
  let handlersInFlight = 0;
  app.decorate('handlersInFlight', () => handlersInFlight);
  app.addHook('onRoute', (route) => {
    const handler = route.handler as (this: unknown, ...args: unknown[]) => unknown;
    route.handler = function countedHandler(this: unknown, ...args: unknown[]) {
      handlersInFlight++;
      let result: unknown;
      try {
        result = handler.apply(this, args);
      } catch (error) {
        handlersInFlight--;
        throw error;
      }
      if (result instanceof Promise) return result.finally(() => handlersInFlight--);
      handlersInFlight--;
      return result;
    } as typeof route.handler;
  });

  // JSON is the only body format, but for the login route's form (registered in its own scope).
  app.removeContentTypeParser('text/plain');

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Argilla user and workspace management API',
        version: deps.version,
        description: 'Users, workspaces, memberships, API keys and login tokens. Errors are RFC 9457 problem details.',
      },
      components: {
        securitySchemes: {
          ApiKey: { type: 'apiKey', in: 'header', name: 'X-Argilla-Api-Key' },
          Bearer: { type: 'http', scheme: 'bearer', description: 'a login token from /api/security/token, or an API key' },
        },
      },
      security: [{ ApiKey: [] }, { Bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  // The hooks below take a callback rather than returning a promise: most requests are answered
  // from the authentication cache, and then no promise or extra tick is spent on them.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // API answers are personal (and some carry secrets shown once): never cached.
    reply.header('cache-control', 'no-store');
    const route = request.routeOptions;
    // Public routes, the docs, and unknown paths (which answer 404 whoever asks) need no credentials.
    if (route.url === undefined || route.config.auth === false || route.url.startsWith('/api/docs')) return done();
    authenticate(deps.database, request, (error, auth) => {
      if (error || !auth) return done(error ?? fail.unauthorized());
      // The actor carries where the request came from, for the audit log (a copy: `auth` may be cached).
      const { actor } = auth;
      request.auth = {
        actor: { kind: actor.kind, id: actor.id, username: actor.username, role: actor.role, ip: request.ip, requestId: request.id as string },
        user: auth.user,
        via: auth.via,
        secret: auth.secret,
        keyId: auth.keyId,
      };
      done();
    });
  });

  // PostgreSQL text cannot hold NUL characters (and no name or label needs one), and lone
  // surrogates would not be stored as sent: refuse them everywhere, on both databases, as invalid input.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.url.includes('%') && /%00/i.test(request.url)) return done(fail.validation([{ field: 'query', message: unstorableReason('\u0000') }]));
    const found = request.body === undefined ? null : findUnstorable(request.body, '');
    if (found === null) return done();
    done(fail.validation([{ field: found.pointer.slice(1) || 'body', message: found.reason }]));
  });

  app.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled('info')) {
      request.log.info(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          user: request.auth?.user.username,
          ip: request.ip,
        },
        'request',
      );
    }
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(error, request);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    if (body.status === 503) reply.header('retry-after', '5');
    return sendProblem(reply, body);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(request, 404, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0]}: see /api/docs for the API.`, {
        method: request.method,
        path: request.url.split('?')[0],
      }),
    ),
  );

  registerInfoRoutes(app, deps);
  registerSecurityRoutes(app, deps);
  registerMeRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerWorkspaceRoutes(app, deps);
  registerCredentialRoutes(app, deps);
  registerDatasetRoutes(app, deps);

  app.get('/api/openapi.json', { config: { auth: false }, schema: { hide: true } }, async () => app.swagger());
  return app;
}

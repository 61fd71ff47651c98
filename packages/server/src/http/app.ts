// The Fastify application: its set-up here, the hooks in hooks/, the routes in routes/ (one
// module per resource, listed in routes/index.ts). Every handler reads in the same order:
// authenticate (hook) → validate (schema) → authorise and act (one domain call) → present
// (allow-listed schema).
import Fastify, { LogController, type FastifyBaseLogger, type FastifyHttpOptions, type RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pino } from 'pino';
import { LIMITS } from '../domain/limits.js';
import { authentication } from './hooks/auth.js';
import { clientErrors, errorAnswers, frameworkErrors } from './hooks/errors.js';
import { handlersInFlight } from './hooks/handlersInFlight.js';
import { jsonBodies } from './hooks/jsonBody.js';
import { requestIdHeaders, requestIdOf } from './hooks/requestId.js';
import { requestLog } from './hooks/requestLog.js';
import { unstorableText } from './hooks/unstorableText.js';
import { registerOpenApi } from './openapi.js';
import { ROUTE_MODULES } from './routes/index.js';
import { COMPONENT_SCHEMAS } from './schemas.js';
import type { App, AppDeps } from './types.js';
import { validatorCompiler } from './validation.js';

export type { App, AppDeps } from './types.js';

export const BODY_LIMIT = LIMITS.body_limit_bytes;

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
    // Path parameters (dataset names, record ids) up to this length reach the routes, whose
    // schemas answer an over-long one with a 422 naming its limit; Fastify's default (100) was
    // shorter than the longest valid name.
    routerOptions: { maxParamLength: LIMITS.path_param_max_length },
    // One line per request, written by the requestLog hook, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    requestIdHeader: false,
    // request.ip: the connection's address, or behind trusted proxies the client they name in
    // X-Forwarded-For (the throttling of logins and the audit log count by it).
    trustProxy,
    // Undecodable URLs and over-long path parameters answer problems too, like every other error.
    frameworkErrors,
    // Requests Node refuses before they reach Fastify (an over-long URL) answer a problem too.
    clientErrorHandler: clientErrors,
    genReqId: requestIdOf,
    loggerInstance: logger as FastifyBaseLogger,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  for (const schema of COMPONENT_SCHEMAS) app.addSchema(schema);
  // JSON is the only body format, but for the login route's form (registered in its own scope).
  app.removeContentTypeParser('text/plain');
  await app.register(jsonBodies);

  // First, so that every route registered after it is counted (the docs' included).
  await app.register(handlersInFlight);
  await registerOpenApi(app, deps.version);
  // The hooks before the routes: a route module's scope inherits the app's hooks as they are when
  // the scope is created.
  await app.register(requestIdHeaders);
  await app.register(authentication, { database: deps.database });
  await app.register(unstorableText);
  await app.register(requestLog, { logger });
  await app.register(errorAnswers);

  const { database, config, version } = deps;
  for (const routes of ROUTE_MODULES) await app.register(routes, { database, config, version });
  return app;
}

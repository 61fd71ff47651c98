// The types the app's modules share, kept apart from app.ts so that no module imports the app
// that registers it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';

/** The Fastify instance, typed by the TypeBox schemas of its routes. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface AppDeps {
  database: Database;
  config: Pick<Config, 'tokenExpirationMinutes' | 'logLevel' | 'apiKeyRotationGraceSeconds'> & Partial<Pick<Config, 'trustedProxies' | 'sso'>>;
  version: string;
  /** where the request log goes (default: stdout) */
  logStream?: NodeJS.WritableStream;
}

/** What a route module is given as its plugin options. */
export type RouteDeps = Pick<AppDeps, 'database' | 'config' | 'version'>;

/** A resource's routes: a plugin in its own scope, with its dependencies as options. */
export type RouteModule = FastifyPluginAsyncTypebox<RouteDeps>;

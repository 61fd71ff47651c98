// Who is calling. `X-Argilla-Api-Key`, when present and non-empty, decides alone; otherwise
// `Authorization: Bearer` carries a login token or an API key.
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/connect.js';
import { authenticateApiKey, authenticateBearer, authenticateFromCache, type Authenticated } from '../domain/auth.js';
import { fail } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authenticated | null;
  }
  interface FastifyContextConfig {
    /** false for routes anyone may call */
    auth?: boolean;
  }
}

function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

type Credential = { secret: string; kind: 'api_key' | 'bearer' } | null;

function credentialOf(request: FastifyRequest): Credential {
  const apiKey = request.headers['x-argilla-api-key'];
  const key = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  if (key && key.trim() !== '') return { secret: key.trim(), kind: 'api_key' };
  const bearer = bearerOf(request.headers.authorization);
  return bearer ? { secret: bearer, kind: 'bearer' } : null;
}

/**
 * Authenticates a request, answering at once (without a promise) when the cache decides; the
 * callback gets an error (401) or the caller.
 */
export function authenticate(database: Database, request: FastifyRequest, done: (error: Error | null, auth?: Authenticated) => void): void {
  const credential = credentialOf(request);
  if (!credential) return done(fail.unauthorized());
  const cached = authenticateFromCache(database, credential.secret, credential.kind);
  if (cached !== undefined) return cached ? done(null, cached) : done(fail.unauthorized());
  const pending = credential.kind === 'api_key' ? authenticateApiKey(database, credential.secret) : authenticateBearer(database, credential.secret);
  pending.then(
    (result) => (result ? done(null, result) : done(fail.unauthorized())),
    (error: Error) => done(error),
  );
}

/** The authenticated caller of a route that requires one. */
export function caller(request: FastifyRequest): Authenticated {
  if (!request.auth) throw fail.unauthorized();
  return request.auth;
}

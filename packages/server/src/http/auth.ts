// Who is calling. `X-Argilla-Api-Key`, when present and non-empty, decides alone; otherwise
// `Authorization: Bearer` carries a login token or an API key.
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/connect.js';
import { authenticateApiKey, authenticateBearer, type Authenticated } from '../domain/auth.js';
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

export async function authenticate(database: Database, request: FastifyRequest): Promise<Authenticated> {
  const apiKey = request.headers['x-argilla-api-key'];
  const key = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  let result: Authenticated | null = null;
  if (key && key.trim() !== '') {
    result = await authenticateApiKey(database, key.trim());
  } else {
    const bearer = bearerOf(request.headers.authorization);
    if (bearer) result = await authenticateBearer(database, bearer);
  }
  if (!result) throw fail.unauthorized();
  return result;
}

/** The authenticated caller of a route that requires one. */
export function caller(request: FastifyRequest): Authenticated {
  if (!request.auth) throw fail.unauthorized();
  return request.auth;
}

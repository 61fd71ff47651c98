// Logging in (a login token for a username and password) and out.
import { originOf } from '../hooks/requestId.js';
import { Type } from 'typebox';
import { login, logout } from '../../domain/auth.js';
import { fail } from '../../domain/errors.js';
import { caller } from '../auth.js';
import { LoginBody, ProblemResponse, problems, TokenResponse } from '../schemas.js';
import type { RouteModule } from '../types.js';

// In a scope of its own: only this route accepts the OAuth2 password form, as Argilla 1.6 clients send it.
const loginRoute: RouteModule = async (app, { database, config }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.post(
    '/api/security/token',
    {
      config: { auth: false },
      schema: {
        tags: ['security'],
        summary: 'Log in with username and password (OAuth2 password form); returns a login token',
        security: [],
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: LoginBody,
        response: { 200: TokenResponse, 403: ProblemResponse, 429: ProblemResponse, ...problems() },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const result = await login(database, username, password, config.tokenExpirationMinutes, originOf(request), config.sso?.passwordLogin);
      return { access_token: result.token, token_type: 'bearer' as const };
    },
  );
};

export const securityRoutes: RouteModule = async (app, deps) => {
  await app.register(loginRoute, deps);
  const { database } = deps;

  app.post(
    '/api/security/logout',
    {
      schema: {
        tags: ['security'],
        summary: 'End the login session of the bearer token used',
        response: { 200: Type.Object({ detail: Type.String() }), 400: ProblemResponse, ...problems() },
      },
    },
    async (request) => {
      const auth = caller(request);
      if (auth.via !== 'token') {
        throw fail.badRequest('not_a_login_token', 'Logout ends a login token; this request was authenticated with an API key.');
      }
      await logout(database, auth);
      return { detail: 'Logged out.' };
    },
  );
};

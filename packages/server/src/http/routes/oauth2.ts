// Single sign-on through OpenID Connect: the providers for the login page, and the browser's trip
// to a provider and back. The authorize, callback and logout routes answer redirects, for browsers
// only (no other API route redirects): a failure ends on the web UI's login page with a sentence,
// never a problem document or a stack trace.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { SsoConfig, SsoProvider } from '../../configSso.js';
import { NO_SSO } from '../../configSso.js';
import { clientSettings, finishSignIn, safeNextPage, SIGN_IN_LIFETIME_SECONDS, SsoRefusal, startSignIn } from '../../domain/sso.js';
import { endSessionUrl, OidcFailure } from '../../lib/oidc.js';
import { originOf } from '../hooks/requestId.js';
import type { RouteModule } from '../types.js';
import { LIMITS } from '../../domain/limits.js';

/** The cookie holding the sign-in in progress (sealed: see domain/sso.ts), sent back to the callback only. */
const COOKIE = 'argilla_sso';
const COOKIE_PATH = '/api/oauth2/';

const Provider = Type.Object({
  name: Type.String({ description: 'the name in the URLs below' }),
  display_name: Type.String({ description: "the login button's text" }),
  authorize_url: Type.String({ description: 'where the login button sends the browser (add ?next=/page to come back to that page of the web UI)' }),
  logout_url: Type.String({ description: "ends the session at the provider too, where it supports it (RP-initiated logout); back to the web UI otherwise" }),
});

const Providers = Type.Object({
  items: Type.Array(Provider),
  password_login: Type.Boolean({ description: 'false: password login is turned off but for break-glass accounts' }),
});

const Redirect = Type.Null({ description: 'a redirect (Location header), for browsers' });
const NameParams = Type.Object({ name: Type.String({ maxLength: LIMITS.provider_name_max_length }) });

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The server's address as the browser reaches it: the configured public URL, else the request's. */
function baseUrl(sso: SsoConfig, request: FastifyRequest): string {
  return sso.publicUrl ?? `${request.protocol}://${request.host}`;
}

function callbackUrl(sso: SsoConfig, request: FastifyRequest, provider: SsoProvider): string {
  return `${baseUrl(sso, request)}/api/oauth2/providers/${provider.name}/callback`;
}

/**
 * A page of the web UI (hash routing). The login token travels in the fragment, which browsers
 * never send to a server (so no request log or proxy sees it); the page takes it out at once.
 */
function uiPage(sso: SsoConfig, params: Record<string, string>): string {
  const base = sso.publicUrl ?? '';
  return `${base}/#/login?${new URLSearchParams(params).toString()}`;
}

function cookieHeader(value: string, maxAge: number, secure: boolean): string {
  return `${COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

function redirect(reply: FastifyReply, location: string): FastifyReply {
  // Never cached, never shown inside a frame; no referrer carries the code or state onwards.
  return reply.header('referrer-policy', 'no-referrer').redirect(location, 302);
}

export const oauth2Routes: RouteModule = async (app, { database, config }) => {
  const sso = config.sso ?? NO_SSO;
  const byName = new Map(sso.providers.map((provider) => [provider.name, provider]));

  const failPage = (reply: FastifyReply, message: string, next?: string) =>
    redirect(reply, uiPage(sso, { sso_error: message, ...(next && next !== '/home' ? { next } : {}) }));

  app.get(
    '/api/oauth2/providers',
    {
      config: { auth: false },
      schema: {
        tags: ['security'],
        summary: 'The single sign-on providers (for the login page), and whether password login is on',
        security: [],
        response: { 200: Providers },
      },
    },
    async () => ({
      items: sso.providers.map((provider) => ({
        name: provider.name,
        display_name: provider.displayName,
        authorize_url: `/api/oauth2/providers/${provider.name}/authorize`,
        logout_url: `/api/oauth2/providers/${provider.name}/logout`,
      })),
      password_login: sso.passwordLogin.enabled,
    }),
  );

  app.get(
    '/api/oauth2/providers/:name/authorize',
    {
      config: { auth: false },
      schema: {
        tags: ['security'],
        summary: "Start a sign-in: redirects the browser to the provider's login page (PKCE, state and nonce)",
        security: [],
        params: NameParams,
        querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: LIMITS.return_page_max_length, description: 'the web UI page to return to, e.g. /users' })) }),
        response: { 302: Redirect },
      },
    },
    async (request, reply) => {
      const provider = byName.get(request.params.name);
      const next = safeNextPage(request.query.next);
      if (!provider) return failPage(reply, `There is no single sign-on provider named '${request.params.name}' on this server.`, next);
      const redirectUri = callbackUrl(sso, request, provider);
      try {
        const { url, sealed } = await startSignIn(database, provider, redirectUri, next);
        reply.header('set-cookie', cookieHeader(sealed, SIGN_IN_LIFETIME_SECONDS, redirectUri.startsWith('https:')));
        return redirect(reply, url);
      } catch (error) {
        if (error instanceof OidcFailure) {
          request.log.warn({ provider: provider.name, reason: error.reason, detail: error.detail }, 'single sign-on could not start');
          return failPage(reply, error.message, next);
        }
        throw error;
      }
    },
  );

  app.get(
    '/api/oauth2/providers/:name/callback',
    {
      config: { auth: false },
      schema: {
        tags: ['security'],
        summary: "The provider's return: verifies the sign-in, then redirects to the web UI with a login token (in the URL fragment) or a sentence saying what went wrong",
        security: [],
        params: NameParams,
        response: { 302: Redirect },
      },
    },
    async (request, reply) => {
      const provider = byName.get(request.params.name);
      if (!provider) return failPage(reply, `There is no single sign-on provider named '${request.params.name}' on this server.`);
      const redirectUri = callbackUrl(sso, request, provider);
      // The sign-in in progress is over, whatever happens now.
      reply.header('set-cookie', cookieHeader('', 0, redirectUri.startsWith('https:')));
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      try {
        const { token, next } = await finishSignIn(
          database,
          provider,
          { callbackUrl: new URL(redirectUri + query), sealed: cookieOf(request, COOKIE), expirationMinutes: config.tokenExpirationMinutes },
          originOf(request),
        );
        return redirect(reply, uiPage(sso, { next, sso_token: token }));
      } catch (error) {
        if (error instanceof SsoRefusal) {
          request.log.info({ provider: provider.name, reason: error.reason }, 'single sign-on refused');
          return failPage(reply, error.message, (error as SsoRefusal & { next?: string }).next);
        }
        throw error;
      }
    },
  );

  app.get(
    '/api/oauth2/providers/:name/logout',
    {
      config: { auth: false },
      schema: {
        tags: ['security'],
        summary:
          "After logging out of this server (POST /api/security/logout): redirects to the provider's logout page where it has one (RP-initiated logout), else back to the web UI",
        security: [],
        params: NameParams,
        response: { 302: Redirect },
      },
    },
    async (request, reply) => {
      const provider = byName.get(request.params.name);
      const back = `${baseUrl(sso, request)}/`;
      if (!provider) return redirect(reply, back);
      try {
        return redirect(reply, (await endSessionUrl(clientSettings(provider), back)) ?? back);
      } catch (error) {
        if (error instanceof OidcFailure) return failPage(reply, error.message);
        throw error;
      }
    },
  );
};

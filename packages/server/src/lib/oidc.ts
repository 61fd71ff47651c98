// The OpenID Connect relying party: every call to openid-client is here. Discovery (cached per
// provider), the authorization URL with PKCE, state and nonce, and the code exchange, which checks
// the ID token's signature, issuer, audience, expiry and nonce. Failures come out as OidcFailure,
// each with a short reason (for the audit log) and a sentence for the person signing in.
import * as client from 'openid-client';

export interface OidcClientSettings {
  /** a name for messages (the provider's display name) */
  label: string;
  issuer: string;
  clientId: string;
  /** null: a public client, authenticated by PKCE alone */
  clientSecret: string | null;
  /** permit http:// (localhost, or a provider an operator marked so) */
  allowInsecureHttp: boolean;
}

export type OidcFailureReason =
  | 'provider_unreachable'
  | 'provider_error'
  | 'state_mismatch'
  | 'code_rejected'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'nonce_mismatch'
  | 'token_expired'
  | 'invalid_response';

export class OidcFailure extends Error {
  constructor(
    readonly reason: OidcFailureReason,
    message: string,
    /** the library's own words, for the audit log (never shown to the person) */
    readonly detail: string = message,
  ) {
    super(message);
  }
}

// Discovered configurations, by provider; a failed discovery is not kept, and a good one is
// refreshed after an hour (openid-client fetches the signing keys again by itself when they rotate).
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const DISCOVERY_TIMEOUT_S = 10;
const discovered = new Map<string, { at: number; config: Promise<client.Configuration> }>();

function cacheKey(settings: OidcClientSettings): string {
  return JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret, settings.allowInsecureHttp]);
}

function insecureAllowed(settings: OidcClientSettings): boolean {
  return settings.allowInsecureHttp || new URL(settings.issuer).protocol === 'http:';
}

async function discover(settings: OidcClientSettings): Promise<client.Configuration> {
  const clientAuth = settings.clientSecret === null ? client.None() : client.ClientSecretBasic(settings.clientSecret);
  const options: client.DiscoveryRequestOptions = { timeout: DISCOVERY_TIMEOUT_S };
  if (insecureAllowed(settings)) options.execute = [client.allowInsecureRequests];
  try {
    return await client.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret ?? undefined, clientAuth, options);
  } catch (error) {
    const detail = describe(error);
    if (/issuer/i.test(detail) && /unexpected|mismatch/i.test(detail)) {
      throw new OidcFailure(
        'issuer_mismatch',
        `The identity provider ${settings.label} describes itself under another issuer than the one configured: the server's settings must name its exact issuer.`,
        detail,
      );
    }
    throw new OidcFailure('provider_unreachable', `Could not reach the identity provider ${settings.label}: try again later, or tell an administrator.`, detail);
  }
}

export function configurationOf(settings: OidcClientSettings): Promise<client.Configuration> {
  const key = cacheKey(settings);
  const hit = discovered.get(key);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
  const config = discover(settings);
  discovered.set(key, { at: Date.now(), config });
  config.catch(() => {
    if (discovered.get(key)?.config === config) discovered.delete(key);
  });
  return config;
}

/** What the callback must check, kept by the server between the redirect and the callback. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export async function authorizationRequest(
  settings: OidcClientSettings,
  redirectUri: string,
  scopes: string[],
): Promise<{ url: string; checks: AuthorizationChecks }> {
  const config = await configurationOf(settings);
  const checks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: scopes.join(' '),
    response_type: 'code',
    state: checks.state,
    nonce: checks.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, checks };
}

export interface SignedIn {
  /** the ID token's claims, completed by the UserInfo endpoint's where the provider has one */
  claims: Record<string, unknown>;
  issuer: string;
  subject: string;
  idToken: string;
}

/**
 * Completes the authorization: checks the callback (state, the provider's `iss` when it sends
 * one), exchanges the code with the PKCE verifier, and validates the ID token (signature, issuer,
 * audience, expiry, nonce). `callbackUrl` is the callback as the provider sent the browser to it.
 */
export async function completeAuthorization(settings: OidcClientSettings, callbackUrl: URL, checks: AuthorizationChecks): Promise<SignedIn> {
  const config = await configurationOf(settings);
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    throw classify(settings, error);
  }
  const idClaims = tokens.claims();
  if (!idClaims || tokens.id_token === undefined) throw new OidcFailure('invalid_response', `The identity provider ${settings.label} sent no ID token.`);
  let claims: Record<string, unknown> = { ...idClaims };
  if (config.serverMetadata().userinfo_endpoint && tokens.access_token) {
    try {
      const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      // The ID token's own claims win: they are signed.
      claims = { ...info, ...idClaims };
    } catch (error) {
      throw classify(settings, error);
    }
  }
  return { claims, issuer: idClaims.iss, subject: idClaims.sub, idToken: tokens.id_token };
}

/** The provider's logout page for RP-initiated logout, or null when it has none. */
export async function endSessionUrl(settings: OidcClientSettings, postLogoutRedirectUri: string, idTokenHint?: string): Promise<string | null> {
  const config = await configurationOf(settings);
  if (!config.serverMetadata().end_session_endpoint) return null;
  const parameters: Record<string, string> = { client_id: settings.clientId, post_logout_redirect_uri: postLogoutRedirectUri };
  if (idTokenHint) parameters.id_token_hint = idTokenHint;
  return client.buildEndSessionUrl(config, parameters).href;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** Turns the library's errors into a reason and a sentence for the person. */
function classify(settings: OidcClientSettings, error: unknown): OidcFailure {
  if (error instanceof OidcFailure) return error;
  const detail = describe(error);
  const who = `The identity provider ${settings.label}`;
  if (error instanceof client.AuthorizationResponseError) {
    const said = error.error_description ?? error.error;
    return new OidcFailure('provider_error', `${who} did not sign you in (${said}).`, detail);
  }
  if (error instanceof client.ResponseBodyError) {
    if (error.error === 'invalid_grant') {
      return new OidcFailure('code_rejected', `${who} did not accept this sign-in (its code was already used, has expired, or was issued to another application): start again.`, detail);
    }
    return new OidcFailure('provider_error', `${who} refused to complete the sign-in (${error.error_description ?? error.error}).`, detail);
  }
  const cause = (error as { cause?: { message?: string; cause?: { claim?: string } } }).cause;
  const claim = cause?.cause?.claim;
  const code = (error as { code?: string }).code;
  const message = cause?.message ?? (error as Error).message ?? '';
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
    return new OidcFailure('token_expired', `${who} sent a token that has expired or is not valid yet: check that the clocks of both servers are right, then try again.`, detail);
  }
  if (/"state"/.test(message)) return new OidcFailure('state_mismatch', 'This sign-in could not be matched with the one you started: start again from the login page.', detail);
  if (claim === 'iss' || /"iss" \(issuer\)/.test(message)) {
    return new OidcFailure('issuer_mismatch', `The answer did not come from the identity provider ${settings.label} (unexpected issuer): start again from the login page.`, detail);
  }
  if (claim === 'aud' || claim === 'azp' || /"aud"|"azp"/.test(message)) {
    return new OidcFailure('audience_mismatch', `${who} sent a token meant for another application: sign-in refused.`, detail);
  }
  if (claim === 'nonce' || /nonce/.test(message)) {
    return new OidcFailure('nonce_mismatch', 'This sign-in could not be matched with the one you started (its nonce differs): start again from the login page.', detail);
  }
  if (error instanceof TypeError || /fetch failed|ECONNREFUSED|timeout/i.test(detail)) {
    return new OidcFailure('provider_unreachable', `Could not reach the identity provider ${settings.label}: try again later, or tell an administrator.`, detail);
  }
  return new OidcFailure('invalid_response', `${who} sent an answer that could not be verified: sign-in refused.`, detail);
}

// Single sign-on settings (OpenID Connect providers) and the password-login switch, read from the
// environment or a YAML file and validated once at start with config.ts. A bad value names its
// variable, or for the YAML file the variable, the provider and the key.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config.js';
import { LIMITS } from './domain/limits.js';
import { DEFAULT_ROLE, isRole, ROLES, type Role } from './domain/policies.js';

export interface SsoProvider {
  /** the provider's name in URLs (/api/oauth2/providers/{name}/...): lowercase letters, digits, '-' and '_' */
  name: string;
  /** the login button's text */
  displayName: string;
  /** the issuer identifier; discovery reads {issuer}/.well-known/openid-configuration */
  issuer: string;
  clientId: string;
  /** null: a public client (PKCE only, no client authentication) */
  clientSecret: string | null;
  scopes: string[];
  /** the claim the username comes from (a dot path) */
  usernameClaim: string;
  /** the claim whose values map to a role (a dot path such as realm_access.roles); null: roles are not taken from claims */
  roleClaim: string | null;
  /** claim value → role */
  roleMapping: Map<string, Role>;
  /** the role when no value maps to one; null: such a login is refused */
  defaultRole: Role | null;
  /** the claim whose values map to workspaces (default: the role claim) */
  workspaceClaim: string | null;
  /** claim value → workspace name */
  workspaceMapping: Map<string, string>;
  /** claim values starting with this name a workspace: the rest of the value */
  workspacePrefix: string | null;
  /** create the workspaces claims name when they do not exist (otherwise they are skipped) */
  createWorkspaces: boolean;
  /** link a local user with the same username at its first single sign-on (an admin's choice; off by default) */
  linkExistingUsers: boolean;
  /** allow http:// for this issuer (always allowed for localhost) */
  allowInsecureHttp: boolean;
}

export interface PasswordLogin {
  /** false: only the users in `allowedUsers` may log in with a password (API keys keep working) */
  enabled: boolean;
  /** the break-glass accounts that keep password login while it is off */
  allowedUsers: string[];
}

export interface SsoConfig {
  providers: SsoProvider[];
  /** the server's address as browsers reach it (for the callback URL); null: taken from each request */
  publicUrl: string | null;
  passwordLogin: PasswordLogin;
}

type Env = Record<string, string | undefined>;

const NAME = new RegExp(LIMITS.name_pattern);
const CLAIM_PATH = /^[A-Za-z0-9_:$@/-]+(\.[A-Za-z0-9_:$@/-]+)*$/;
const DEFAULT_SCOPES = ['openid', 'profile', 'email'];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function flag(value: unknown, where: string, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const word = String(value).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(word)) return true;
  if (['0', 'false', 'no', 'off'].includes(word)) return false;
  throw new ConfigError(where, 'must be true or false');
}

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/** A provider's settings as given (from variables or one entry of the YAML file), before checking. */
interface RawProvider {
  name?: unknown;
  display_name?: unknown;
  issuer?: unknown;
  client_id?: unknown;
  client_secret?: unknown;
  scopes?: unknown;
  username_claim?: unknown;
  role_claim?: unknown;
  roles?: unknown;
  default_role?: unknown;
  workspace_claim?: unknown;
  workspaces?: unknown;
  workspace_prefix?: unknown;
  create_workspaces?: unknown;
  link_existing_users?: unknown;
  allow_insecure_http?: unknown;
}

/** Where each setting of a provider came from, for the messages: a variable's name or a YAML key. */
type Namer = (key: keyof RawProvider) => string;

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new ConfigError(where, 'must be text');
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

function requiredString(value: unknown, where: string): string {
  const found = optionalString(value, where);
  if (found === undefined) throw new ConfigError(where, 'required');
  return found;
}

function claimPath(value: unknown, where: string): string | undefined {
  const path = optionalString(value, where);
  if (path !== undefined && !CLAIM_PATH.test(path)) {
    throw new ConfigError(where, `'${path}' is not a claim name or a dot path of claim names (such as groups or realm_access.roles)`);
  }
  return path;
}

/** `a=b,c=d` (variables) or a mapping (YAML), into pairs. */
function pairs(value: unknown, where: string): Array<[string, string]> {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => {
        const at = entry.lastIndexOf('=');
        const key = entry.slice(0, at).trim();
        const target = entry.slice(at + 1).trim();
        if (at < 0 || key === '' || target === '') throw new ConfigError(where, `'${entry}' is not claim-value=target (pairs separated by commas)`);
        return [key, target] as [string, string];
      });
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).map(([key, target]) => {
      if (typeof target !== 'string' || target.trim() === '') throw new ConfigError(`${where}.${key}`, 'must be text');
      return [key, target.trim()];
    });
  }
  throw new ConfigError(where, 'must be a mapping of claim values to targets');
}

function roleOf(value: string, where: string): Role {
  const role = value.toLowerCase();
  if (!isRole(role)) throw new ConfigError(where, `'${value}' is not a role: use ${ROLES.join(', ')}`);
  return role;
}

function scopesOf(value: unknown, where: string): string[] {
  if (value === undefined || value === null || value === '') return DEFAULT_SCOPES;
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[\s,]+/) : null;
  if (!list) throw new ConfigError(where, 'must be a list of scopes');
  const scopes = [...new Set(list.map((scope) => scope.trim()).filter((scope) => scope !== ''))];
  if (!scopes.includes('openid')) throw new ConfigError(where, "must include 'openid'");
  if (scopes.some((scope) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) throw new ConfigError(where, 'scopes are printable ASCII without quotes or backslashes');
  return scopes;
}

function checkProvider(raw: RawProvider, at: Namer): SsoProvider {
  const name = optionalString(raw.name, at('name')) ?? 'oidc';
  if (!NAME.test(name) || name.length > LIMITS.provider_name_max_length) {
    throw new ConfigError(at('name'), `lowercase letters, digits, '-' and '_' only (at most ${LIMITS.provider_name_max_length}), not starting with '-' or '_'`);
  }
  const issuer = requiredString(raw.issuer, at('issuer'));
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw new ConfigError(at('issuer'), `'${issuer}' is not a URL (such as https://keycloak.example.com/realms/main)`);
  }
  const allowInsecureHttp = flag(raw.allow_insecure_http, at('allow_insecure_http'), false);
  if (issuerUrl.protocol !== 'https:' && !(issuerUrl.protocol === 'http:' && (isLoopback(issuerUrl) || allowInsecureHttp))) {
    throw new ConfigError(at('issuer'), 'must be an https:// URL (http:// only for localhost, or with allow_insecure_http)');
  }
  if (issuerUrl.search !== '' || issuerUrl.hash !== '') throw new ConfigError(at('issuer'), 'must not have a query or a fragment');
  const clientId = requiredString(raw.client_id, at('client_id'));
  const clientSecret = optionalString(raw.client_secret, at('client_secret')) ?? null;
  const roleClaim = claimPath(raw.role_claim, at('role_claim')) ?? null;
  const roleMapping = new Map(pairs(raw.roles, at('roles')).map(([value, role]) => [value, roleOf(role, at('roles'))]));
  if (roleMapping.size > 0 && roleClaim === null) throw new ConfigError(at('role_claim'), 'required when roles are mapped from claims');
  const defaultText = optionalString(raw.default_role, at('default_role'));
  const defaultRole = defaultText === undefined ? DEFAULT_ROLE : defaultText.toLowerCase() === 'none' ? null : roleOf(defaultText, at('default_role'));
  const workspaceMapping = new Map(pairs(raw.workspaces, at('workspaces')));
  for (const workspace of workspaceMapping.values()) {
    if (!NAME.test(workspace) || workspace.length > LIMITS.name_max_length) {
      throw new ConfigError(at('workspaces'), `'${workspace}' is not a workspace name (lowercase letters, digits, '-' and '_', not starting with '-' or '_')`);
    }
  }
  const workspacePrefix = optionalString(raw.workspace_prefix, at('workspace_prefix')) ?? null;
  const workspaceClaim = claimPath(raw.workspace_claim, at('workspace_claim')) ?? roleClaim;
  if ((workspaceMapping.size > 0 || workspacePrefix !== null) && workspaceClaim === null) {
    throw new ConfigError(at('workspace_claim'), 'required when workspaces are mapped from claims (or set the role claim)');
  }
  return {
    name,
    displayName: optionalString(raw.display_name, at('display_name')) ?? 'Single sign-on',
    issuer,
    clientId,
    clientSecret,
    scopes: scopesOf(raw.scopes, at('scopes')),
    usernameClaim: claimPath(raw.username_claim, at('username_claim')) ?? 'preferred_username',
    roleClaim,
    roleMapping,
    defaultRole,
    workspaceClaim,
    workspaceMapping,
    workspacePrefix,
    createWorkspaces: flag(raw.create_workspaces, at('create_workspaces'), false),
    linkExistingUsers: flag(raw.link_existing_users, at('link_existing_users'), false),
    allowInsecureHttp,
  };
}

/** The variable of each setting of the single provider configured through the environment. */
const VARIABLES: Record<keyof RawProvider, string> = {
  name: 'ARGILLA_OIDC_NAME',
  display_name: 'ARGILLA_OIDC_DISPLAY_NAME',
  issuer: 'ARGILLA_OIDC_ISSUER',
  client_id: 'ARGILLA_OIDC_CLIENT_ID',
  client_secret: 'ARGILLA_OIDC_CLIENT_SECRET',
  scopes: 'ARGILLA_OIDC_SCOPES',
  username_claim: 'ARGILLA_OIDC_USERNAME_CLAIM',
  role_claim: 'ARGILLA_OIDC_ROLE_CLAIM',
  roles: 'ARGILLA_OIDC_ROLE_MAPPING',
  default_role: 'ARGILLA_OIDC_DEFAULT_ROLE',
  workspace_claim: 'ARGILLA_OIDC_WORKSPACE_CLAIM',
  workspaces: 'ARGILLA_OIDC_WORKSPACE_MAPPING',
  workspace_prefix: 'ARGILLA_OIDC_WORKSPACE_PREFIX',
  create_workspaces: 'ARGILLA_OIDC_CREATE_WORKSPACES',
  link_existing_users: 'ARGILLA_OIDC_LINK_EXISTING_USERS',
  allow_insecure_http: 'ARGILLA_OIDC_ALLOW_INSECURE_HTTP',
};

function providerFromEnv(env: Env): SsoProvider | null {
  const raw = Object.fromEntries(Object.entries(VARIABLES).map(([key, variable]) => [key, text(env, variable)])) as RawProvider;
  const given = Object.entries(VARIABLES).filter(([, variable]) => text(env, variable) !== undefined);
  if (given.length === 0) return null;
  if (raw.issuer === undefined) throw new ConfigError('ARGILLA_OIDC_ISSUER', `required when ${given.map(([, variable]) => variable).join(', ')} ${given.length > 1 ? 'are' : 'is'} set`);
  return checkProvider(raw, (key) => VARIABLES[key]);
}

const PROVIDER_KEYS = new Set(Object.keys(VARIABLES));

function providersFromFile(path: string): SsoProvider[] {
  const variable = 'ARGILLA_OIDC_CONFIG';
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(variable, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(content, { maxAliasCount: 0 });
  } catch (error) {
    throw new ConfigError(variable, `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const list = (document as { providers?: unknown } | null)?.providers;
  if (!Array.isArray(list) || list.length === 0) throw new ConfigError(variable, `${path} must hold a 'providers' list with at least one provider`);
  const providers = list.map((entry, i) => {
    const where = `${variable} (${path}): providers[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new ConfigError(where, 'must be a mapping of settings');
    for (const key of Object.keys(entry)) {
      if (!PROVIDER_KEYS.has(key)) throw new ConfigError(`${where}.${key}`, `unknown setting; the settings are ${[...PROVIDER_KEYS].join(', ')}`);
    }
    return checkProvider(entry as RawProvider, (key) => `${where}.${key}`);
  });
  const seen = new Set<string>();
  providers.forEach((provider, i) => {
    if (seen.has(provider.name)) throw new ConfigError(`${variable} (${path}): providers[${i}].name`, `'${provider.name}' names two providers`);
    seen.add(provider.name);
  });
  return providers;
}

function publicUrlOf(env: Env): string | null {
  const variable = 'ARGILLA_PUBLIC_URL';
  const value = text(env, variable);
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, `'${value}' is not a URL (such as https://argilla.example.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(variable, 'must be an http:// or https:// URL');
  if (url.search !== '' || url.hash !== '') throw new ConfigError(variable, 'must not have a query or a fragment');
  return value.replace(/\/+$/, '');
}

function passwordLoginOf(env: Env): PasswordLogin {
  const enabled = flag(text(env, 'ARGILLA_PASSWORD_LOGIN'), 'ARGILLA_PASSWORD_LOGIN', true);
  const names = (text(env, 'ARGILLA_PASSWORD_LOGIN_ALLOWED_USERS') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!NAME.test(name)) throw new ConfigError('ARGILLA_PASSWORD_LOGIN_ALLOWED_USERS', `'${name}' is not a username`);
  }
  return { enabled, allowedUsers: names };
}

export function loadSsoConfig(env: Env): SsoConfig {
  const file = text(env, 'ARGILLA_OIDC_CONFIG');
  const single = providerFromEnv(env);
  if (file !== undefined && single !== null) {
    throw new ConfigError('ARGILLA_OIDC_CONFIG', 'set either ARGILLA_OIDC_CONFIG (several providers) or the ARGILLA_OIDC_* variables of one provider, not both');
  }
  const providers = file !== undefined ? providersFromFile(file) : single ? [single] : [];
  const passwordLogin = passwordLoginOf(env);
  if (!passwordLogin.enabled && providers.length === 0 && passwordLogin.allowedUsers.length === 0) {
    throw new ConfigError('ARGILLA_PASSWORD_LOGIN', 'false would leave no way to log in: configure a single sign-on provider or name a break-glass user in ARGILLA_PASSWORD_LOGIN_ALLOWED_USERS');
  }
  return { providers, publicUrl: publicUrlOf(env), passwordLogin };
}

/** No providers, password login on: what a server without these settings has. */
export const NO_SSO: SsoConfig = { providers: [], publicUrl: null, passwordLogin: { enabled: true, allowedUsers: [] } };

/** Whether a username may log in with a password under these settings. */
export function passwordLoginAllowed(policy: PasswordLogin, username: string): boolean {
  return policy.enabled || policy.allowedUsers.includes(username);
}

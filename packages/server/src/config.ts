// The environment, read and validated once. Nothing else in the server reads process.env.
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_USER_ROLE, MANAGER_ROLES, type Role } from './domain/policies.js';
import { loadSsoConfig, type SsoConfig } from './configSso.js';

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

export interface Config {
  homePath: string;
  database: DatabaseTarget;
  host: string;
  port: number;
  usersDbFile: string;
  defaultUser: { enabled: boolean; password: string; apiKey: string; role: Role };
  tokenExpirationMinutes: number;
  /** how long a rotated API key keeps working beside its replacement */
  apiKeyRotationGraceSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  env: 'development' | 'production';
  dbPoolSize: number;
  /** server processes for `server start` (Node cluster) */
  workers: number;
  /**
   * Proxies in front of the server whose X-Forwarded-For is believed: addresses or CIDR ranges
   * (with the names loopback, linklocal, uniquelocal), or a number of hops; null: none.
   */
  trustedProxies: string[] | number | null;
  /** single sign-on providers and the password-login switch (configSso.ts) */
  sso: SsoConfig;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, rule: string) {
    super(`${variable}: ${rule}`);
  }
}

export const DEFAULT_USERNAME = 'argilla';
export const DEFAULT_PASSWORD = '1234';
export const DEFAULT_API_KEY = 'argilla.apikey';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, 'must be true or false');
}

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** ARGILLA_TRUSTED_PROXIES: a comma-separated list of addresses and CIDR ranges, or a number of hops. */
function trustedProxies(env: Env): string[] | number | null {
  const name = 'ARGILLA_TRUSTED_PROXIES';
  const value = text(env, name);
  if (value === undefined) return null;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 10) throw new ConfigError(name, 'a number of proxies must be from 1 to 10');
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    if (NAMED_RANGES.includes(entry)) continue;
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (family === 0 || extra !== undefined || !prefixOk) {
      throw new ConfigError(name, `'${entry}' is not an address, a CIDR range (such as 10.0.0.0/8) or one of ${NAMED_RANGES.join(', ')}; or give the number of proxies`);
    }
  }
  return entries;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

export function parseDatabaseUrl(url: string, variable = 'ARGILLA_DATABASE_URL'): DatabaseTarget {
  if (url.startsWith('sqlite:///')) {
    const path = url.slice('sqlite://'.length);
    if (path.length < 2) throw new ConfigError(variable, 'sqlite:/// must be followed by a file path');
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError(variable, 'is not a valid postgresql:// URL');
    }
    return { kind: 'postgres', url };
  }
  throw new ConfigError(variable, 'must start with sqlite:/// or postgresql://');
}

export function loadConfig(env: Env = process.env): Config {
  const homePath = resolve(text(env, 'ARGILLA_HOME_PATH') ?? join(homedir(), '.argilla'));
  const dbUrl = text(env, 'ARGILLA_DATABASE_URL');
  const database = dbUrl ? parseDatabaseUrl(dbUrl) : { kind: 'sqlite' as const, path: join(homePath, 'argilla.db') };
  const logLevel = (text(env, 'ARGILLA_LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('ARGILLA_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const environment = (text(env, 'ARGILLA_ENV') ?? 'development').toLowerCase();
  if (environment !== 'development' && environment !== 'production') {
    throw new ConfigError('ARGILLA_ENV', 'must be development or production');
  }
  const password = env.ARGILLA_DEFAULT_USER_PASSWORD ?? DEFAULT_PASSWORD;
  const apiKey = env.ARGILLA_DEFAULT_USER_API_KEY ?? DEFAULT_API_KEY;
  if (password.length < 1) throw new ConfigError('ARGILLA_DEFAULT_USER_PASSWORD', 'must not be empty');
  if (apiKey.length < 8) throw new ConfigError('ARGILLA_DEFAULT_USER_API_KEY', 'at least 8 characters');
  // Only a role that manages users: the default user is the one who can create the others.
  const role = (text(env, 'ARGILLA_DEFAULT_USER_ROLE') ?? DEFAULT_USER_ROLE).toLowerCase();
  if (!(MANAGER_ROLES as string[]).includes(role)) throw new ConfigError('ARGILLA_DEFAULT_USER_ROLE', `must be ${MANAGER_ROLES.join(' or ')}`);
  return {
    homePath,
    database,
    host: text(env, 'ARGILLA_HOST') ?? '0.0.0.0',
    port: int(env, 'ARGILLA_PORT', 6900, 0, 65535),
    usersDbFile: text(env, 'ARGILLA_LOCAL_AUTH_USERS_DB_FILE') ?? '.users.yml',
    defaultUser: { enabled: bool(env, 'ARGILLA_DEFAULT_USER_ENABLED', true), password, apiKey, role: role as Role },
    tokenExpirationMinutes: int(env, 'ARGILLA_AUTH_TOKEN_EXPIRATION_MINUTES', 24 * 60, 1, 525_600),
    apiKeyRotationGraceSeconds: int(env, 'ARGILLA_API_KEY_ROTATION_GRACE_SECONDS', 3600, 0, 30 * 86_400),
    logLevel: logLevel as Config['logLevel'],
    env: environment,
    dbPoolSize: int(env, 'ARGILLA_DATABASE_POOL_SIZE', 10, 1, 1000),
    workers: int(env, 'ARGILLA_WORKERS', 1, 1, 256),
    trustedProxies: trustedProxies(env),
    sso: loadSsoConfig(env),
  };
}

// Single sign-on through OpenID Connect providers: starting a sign-in (the provider's URL and the
// checks kept for the callback), and finishing it: the provider's answer verified (lib/oidc.ts),
// then the user found by issuer and subject, created or linked, its role and workspaces brought in
// line with the provider's claims, and a login token issued, the same kind a password login gets.
// Every refusal is a sentence for the person and a reason in the audit log.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import { isUniqueViolation } from '../db/connect.js';
import type { Db, UserRow, WorkspaceRow } from '../db/schema.js';
import { findIdentity, hasIdentity, insertIdentity, touchIdentity } from '../db/repos/identities.js';
import { installationSecret } from './installationSecrets.js';
import { findUserById, findUserByUsername } from '../db/repos/users.js';
import { deleteMembership, ensureWorkspaces, findWorkspaceByName, insertMemberships, listWorkspaceRows } from '../db/repos/workspaces.js';
import type { SsoProvider } from '../configSso.js';
import { newId } from '../lib/ids.js';
import { authorizationRequest, completeAuthorization, OidcFailure, type OidcClientSettings, type SignedIn } from '../lib/oidc.js';
import { generateApiKey } from '../lib/secrets.js';
import { nowIso } from '../lib/time.js';
import { recordEvent } from './audit.js';
import { openSession } from './auth.js';
import { isDomainError } from './errors.js';
import { LIMITS } from './limits.js';
import { highestRole, type Actor, type Origin, type Role } from './policies.js';
import { insertUserWithKey, writeUserChanges, type UserRowChanges } from './users.js';
import { rules } from './validation.js';

/**
 * The password hash stored for a user made by single sign-on: not a hash at all, so no password
 * verifies against it (a login with a password fails like a wrong one, with the same work) until
 * an admin sets a password.
 */
export const NO_PASSWORD = '!sso:no-password';

/** How long a started sign-in may take before its callback is refused. */
export const SIGN_IN_LIFETIME_SECONDS = 600;

/** A sign-in refused: `reason` for the audit log, the message for the person. */
export class SsoRefusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly detail?: string,
    readonly username?: string,
  ) {
    super(message);
  }
}

export function clientSettings(provider: SsoProvider): OidcClientSettings {
  return {
    label: provider.displayName,
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    allowInsecureHttp: provider.allowInsecureHttp,
  };
}

// ---- the sign-in in progress, sealed in a cookie -------------------------------------------------

const STATE_KEY_NAME = 'sso_state_key';

/** The installation's key for sealing sign-ins in progress (made once per database, shared by every process). */
async function stateKey(database: Database): Promise<Buffer> {
  return Buffer.from(await installationSecret(database, STATE_KEY_NAME, () => randomBytes(32).toString('base64url')), 'base64url');
}

export interface PendingSignIn {
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** the web UI's page to return to */
  next: string;
  /** milliseconds since the epoch */
  expiresAt: number;
}

/** AES-256-GCM: the browser keeps the sign-in in progress but can neither read nor change it. */
async function seal(database: Database, pending: PendingSignIn): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await stateKey(database), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(pending), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

async function unseal(database: Database, sealed: string): Promise<PendingSignIn | null> {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 29) return null;
    const decipher = createDecipheriv('aes-256-gcm', await stateKey(database), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as PendingSignIn;
  } catch {
    return null;
  }
}

const NEXT_PAGE = /^\/[A-Za-z0-9/_-]*$/;

/** The web UI's page to come back to: a path of the UI's own, else its home page. */
export function safeNextPage(next: unknown): string {
  const ok = typeof next === 'string' && next.length <= LIMITS.return_page_max_length && NEXT_PAGE.test(next) && next !== '/login';
  return ok ? (next as string) : '/home';
}

/** Starts a sign-in: the provider's authorization URL, and the sealed checks the callback needs. */
export async function startSignIn(database: Database, provider: SsoProvider, redirectUri: string, next: string): Promise<{ url: string; sealed: string }> {
  const { url, checks } = await authorizationRequest(clientSettings(provider), redirectUri, provider.scopes);
  const sealed = await seal(database, {
    provider: provider.name,
    ...checks,
    next: safeNextPage(next),
    expiresAt: Date.now() + SIGN_IN_LIFETIME_SECONDS * 1000,
  });
  return { url, sealed };
}

export interface FinishedSignIn {
  token: string;
  user: UserRow;
  next: string;
}

/**
 * Finishes a sign-in at the callback: the sealed checks, the provider's answer, then the user.
 * Throws SsoRefusal (recorded in the audit log) on any failure; `next` on the refusal is where the
 * person was going, when known.
 */
export async function finishSignIn(
  database: Database,
  provider: SsoProvider,
  input: { callbackUrl: URL; sealed: string | undefined; expirationMinutes: number },
  origin: Origin,
): Promise<FinishedSignIn> {
  let next = '/home';
  try {
    const pending = input.sealed === undefined ? null : await unseal(database, input.sealed);
    if (!pending || pending.provider !== provider.name) {
      throw new SsoRefusal('no_sign_in_started', 'No sign-in was started from this browser (or it was started for another provider): start again from the login page.');
    }
    next = safeNextPage(pending.next);
    if (pending.expiresAt <= Date.now()) throw new SsoRefusal('sign_in_expired', 'The sign-in took too long: start again from the login page.');
    const returned = input.callbackUrl.searchParams.get('state');
    if (returned !== pending.state) {
      throw new SsoRefusal('state_mismatch', 'This sign-in could not be matched with the one you started: start again from the login page.');
    }
    let signedIn: SignedIn;
    try {
      signedIn = await completeAuthorization(clientSettings(provider), input.callbackUrl, pending);
    } catch (error) {
      if (error instanceof OidcFailure) throw new SsoRefusal(error.reason, error.message, error.detail);
      throw error;
    }
    const { token, user } = await signInWithClaims(database, provider, signedIn, input.expirationMinutes, origin);
    return { token, user, next };
  } catch (error) {
    const refusal =
      error instanceof SsoRefusal
        ? error
        : new SsoRefusal('internal_error', 'The sign-in failed on this server: try again, or tell an administrator.', error instanceof Error ? error.message : String(error));
    const data: Record<string, unknown> = { provider: provider.name, reason: refusal.reason };
    if (refusal.detail) data.detail = refusal.detail.slice(0, 500);
    if (refusal.username) data.username = refusal.username;
    const user = refusal.username ? await findUserByUsername(database.db, refusal.username).catch(() => undefined) : undefined;
    await recordEvent(database.db, null, { type: 'auth.sso.failed', target_type: 'user', target_id: user?.id ?? null, data }, origin).catch(() => {});
    throw Object.assign(refusal, { next });
  }
}

// ---- claims ----------------------------------------------------------------------------------

/** The value at a dot path of the claims (`realm_access.roles`), or a claim whose name holds the dots. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A claim's values as text: a list's strings, or a single string. */
function valuesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

const NAME = new RegExp(LIMITS.name_pattern);

/**
 * A username from the provider's claim, brought to the username rule: lowercased, each run of other
 * characters made one '-', no leading '-' or '_', no trailing '-'. Null when nothing is left or it is too long.
 */
export function normaliseUsername(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = value
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .replace(/-+$/, '');
  return name !== '' && name.length <= LIMITS.name_max_length && NAME.test(name) ? name : null;
}

/** The role the claims give: the highest mapped one, else the default; null when roles do not come from claims. */
export function roleFromClaims(provider: SsoProvider, claims: Record<string, unknown>): { role: Role | null; managed: boolean } {
  if (provider.roleClaim === null) return { role: null, managed: false };
  const mapped = valuesOf(claimAt(claims, provider.roleClaim)).flatMap((value) => {
    const role = provider.roleMapping.get(value);
    return role ? [role] : [];
  });
  return { role: highestRole(mapped) ?? provider.defaultRole, managed: true };
}

/** The workspaces the claims name; null when workspaces do not come from claims. */
export function workspacesFromClaims(provider: SsoProvider, claims: Record<string, unknown>): string[] | null {
  if (provider.workspaceClaim === null || (provider.workspaceMapping.size === 0 && provider.workspacePrefix === null)) return null;
  const names = new Set<string>();
  for (const value of valuesOf(claimAt(claims, provider.workspaceClaim))) {
    const mapped = provider.workspaceMapping.get(value);
    if (mapped) names.add(mapped);
    const prefix = provider.workspacePrefix;
    if (prefix !== null && value.startsWith(prefix)) {
      const name = value.slice(prefix.length);
      if (rules.name(name) === null) names.add(name);
    }
  }
  return [...names];
}

function trimmedClaim(claims: Record<string, unknown>, name: string, max: number): string | null {
  const value = claims[name];
  if (typeof value !== 'string' || value.trim() === '') return null;
  return [...value.trim()].slice(0, max).join('');
}

/** First and last name and email from the standard claims (what fits the rules; the rest is left out). */
function personOf(claims: Record<string, unknown>, username: string): { first_name: string; last_name: string | null; email: string | null } {
  const max = LIMITS.person_name_max_length;
  const first = trimmedClaim(claims, 'given_name', max) ?? trimmedClaim(claims, 'name', max) ?? username;
  const last = trimmedClaim(claims, 'given_name', max) ? trimmedClaim(claims, 'family_name', max) : null;
  const email = trimmedClaim(claims, 'email', LIMITS.email_max_length);
  return { first_name: first, last_name: last, email: email !== null && rules.email(email) === null ? email : null };
}

// ---- the user --------------------------------------------------------------------------------

/** Who changes users from claims in the audit log: the server, on the provider's word, from the person's address. */
function ssoActor(origin: Origin): Actor {
  return { kind: 'system', ...origin };
}

/**
 * Finds (by issuer and subject), creates or links the user, brings its role, names and workspaces
 * in line with the claims, and opens a login session: all in one transaction, so a refusal changes
 * nothing.
 */
export async function signInWithClaims(
  database: Database,
  provider: SsoProvider,
  signedIn: SignedIn,
  expirationMinutes: number,
  origin: Origin,
): Promise<{ token: string; user: UserRow }> {
  const { claims, issuer, subject } = signedIn;
  const actor = ssoActor(origin);
  const { role, managed: rolesManaged } = roleFromClaims(provider, claims);
  const workspaces = workspacesFromClaims(provider, claims);
  const who = provider.displayName;
  try {
    return await inTransaction(database.db, async (trx) => {
      const now = nowIso();
      const found = await findIdentity(trx, issuer, subject);
      let user: UserRow;
      let identityId: string;
      let created = false;
      let linked = false;
      if (found) {
        user = found.user;
        identityId = found.identity.id;
        if (user.disabled === 1) throw new SsoRefusal('user_disabled', `Your account '${user.username}' is disabled on this server: ask an administrator.`, undefined, user.username);
      } else {
        const username = normaliseUsername(claimAt(claims, provider.usernameClaim));
        if (username === null) {
          throw new SsoRefusal(
            'no_username',
            `${who} gave no usable username (its claim '${provider.usernameClaim}' is missing, or has no letters or digits): ask an administrator.`,
          );
        }
        const existing = await findUserByUsername(trx, username);
        if (existing) {
          if (!provider.linkExistingUsers) {
            throw new SsoRefusal(
              'username_taken',
              `An account named '${username}' already exists on this server and is not linked to ${who}: an administrator must allow linking existing accounts, or rename one of them.`,
              undefined,
              username,
            );
          }
          if (await hasIdentity(trx, existing.id)) {
            throw new SsoRefusal(
              'username_taken',
              `The account '${username}' on this server belongs to another single sign-on identity: ask an administrator.`,
              undefined,
              username,
            );
          }
          if (existing.disabled === 1) throw new SsoRefusal('user_disabled', `Your account '${username}' is disabled on this server: ask an administrator.`, undefined, username);
          user = existing;
          linked = true;
        } else {
          const newRole = role ?? (rolesManaged ? null : provider.defaultRole);
          if (newRole === null) {
            throw new SsoRefusal('no_role', `${who} gives your account no role on this server (no group of yours is mapped to one): ask an administrator.`, undefined, username);
          }
          const person = personOf(claims, username);
          const id = await insertUserWithKey(trx, { username, ...person, role: newRole, workspaces: [] }, NO_PASSWORD, generateApiKey(), now);
          await recordEvent(trx, actor, {
            type: 'user.created',
            target_type: 'user',
            target_id: id,
            data: { username, role: newRole, workspaces: [], source: 'sso', provider: provider.name },
          });
          user = (await findUserById(trx, id))!;
          created = true;
        }
        identityId = newId();
        await insertIdentity(trx, { id: identityId, user_id: user.id, provider: provider.name, issuer, subject, created_at: now, last_login_at: null });
      }

      // The role, names and email, through the one write path for users (last-admin rule, audit events).
      if (!created) {
        if (rolesManaged && role === null) {
          throw new SsoRefusal('no_role', `${who} gives your account no role on this server (no group of yours is mapped to one): ask an administrator.`, undefined, user.username);
        }
        const changes: UserRowChanges = {};
        if (role !== null && role !== user.role) changes.role = role;
        if (found) {
          const person = personOf(claims, user.username);
          const namedFirst = trimmedClaim(claims, 'given_name', 1) !== null || trimmedClaim(claims, 'name', 1) !== null;
          if (namedFirst && person.first_name !== user.first_name) changes.first_name = person.first_name;
          if (person.last_name !== user.last_name && person.last_name !== null) changes.last_name = person.last_name;
          if (person.email !== user.email && person.email !== null) changes.email = person.email;
        }
        if (Object.keys(changes).length > 0) {
          try {
            await writeUserChanges(trx, actor, user, changes, 'sso');
          } catch (error) {
            if (isDomainError(error) && error.code === 'last_admin') {
              throw new SsoRefusal(
                'last_admin',
                `${who} no longer gives '${user.username}' an admin role, but it is the last enabled admin of this server: sign-in refused so that the server keeps one. Make another user admin first, or restore the group at ${who}.`,
                undefined,
                user.username,
              );
            }
            throw error;
          }
          user = (await findUserById(trx, user.id))!;
        }
      }
      const memberships = workspaces === null ? null : await syncWorkspaces(trx, actor, provider, user, workspaces);
      await touchIdentity(trx, identityId, now);
      const { token } = await openSession(trx, user.id, expirationMinutes, now);
      await recordEvent(trx, { kind: 'user', id: user.id, username: user.username, role: user.role as Role, ...origin }, {
        type: 'auth.sso.succeeded',
        target_type: 'user',
        target_id: user.id,
        data: {
          username: user.username,
          provider: provider.name,
          role: user.role,
          ...(created ? { created: true } : {}),
          ...(linked ? { linked: true } : {}),
          ...(memberships ? { workspaces: memberships.names, ...(memberships.skipped.length ? { skipped_workspaces: memberships.skipped } : {}) } : {}),
        },
      });
      return { token, user };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      // Two first sign-ins of the same person at once: the other one made the user.
      throw new SsoRefusal('concurrent_sign_in', 'Another sign-in of this account was being completed at the same moment: try again.');
    }
    throw error;
  }
}

const ALL_MEMBERSHIPS = LIMITS.page_size_max;

/**
 * Makes the user's memberships exactly the workspaces the claims name (created when missing if the
 * provider allows it, else skipped), with an audit event for each change.
 */
async function syncWorkspaces(
  trx: Db,
  actor: Actor,
  provider: SsoProvider,
  user: UserRow,
  names: string[],
): Promise<{ names: string[]; skipped: string[] }> {
  const wanted: WorkspaceRow[] = [];
  const skipped: string[] = [];
  if (provider.createWorkspaces) {
    const { rows, created } = await ensureWorkspaces(trx, names);
    wanted.push(...rows);
    for (const row of rows.filter((r) => created.includes(r.name))) {
      await recordEvent(trx, actor, { type: 'workspace.created', target_type: 'workspace', target_id: row.id, data: { name: row.name, source: 'sso', provider: provider.name } });
    }
  } else {
    for (const name of names) {
      const row = await findWorkspaceByName(trx, name);
      if (row) wanted.push(row);
      else skipped.push(name);
    }
  }
  const current: WorkspaceRow[] = [];
  for (let offset = 0; ; offset += ALL_MEMBERSHIPS) {
    const rows = await listWorkspaceRows(trx, ALL_MEMBERSHIPS, offset, user.id);
    current.push(...rows);
    if (rows.length < ALL_MEMBERSHIPS) break;
  }
  const currentIds = new Set(current.map((w) => w.id));
  const wantedIds = new Set(wanted.map((w) => w.id));
  const added = wanted.filter((w) => !currentIds.has(w.id));
  const removed = current.filter((w) => !wantedIds.has(w.id));
  await insertMemberships(trx, user.id, added.map((w) => w.id));
  for (const workspace of removed) await deleteMembership(trx, user.id, workspace.id);
  const event = (type: 'membership.added' | 'membership.removed', workspace: WorkspaceRow) =>
    recordEvent(trx, actor, {
      type,
      target_type: 'user',
      target_id: user.id,
      data: { username: user.username, workspace: workspace.name, workspace_id: workspace.id, source: 'sso', provider: provider.name },
    });
  for (const workspace of added) await event('membership.added', workspace);
  for (const workspace of removed) await event('membership.removed', workspace);
  return { names: wanted.map((w) => w.name), skipped };
}

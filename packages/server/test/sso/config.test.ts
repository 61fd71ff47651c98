// Single sign-on settings are checked at start like every other setting: a bad value stops the
// server with a message naming the variable, or for the providers file the provider and the key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';
import { tempDir } from '../helpers/databases.js';

const ISSUER = 'https://login.example.com/realms/main';

function refused(env: Record<string, string>, message: string): void {
  assert.throws(() => loadConfig(env), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

function file(content: string): string {
  const path = join(tempDir('argilla-sso-config-'), 'providers.yml');
  writeFileSync(path, content);
  return path;
}

describe('single sign-on settings', () => {
  it('reads one provider from the ARGILLA_OIDC_* variables, with the defaults', () => {
    const { sso } = loadConfig({
      ARGILLA_OIDC_ISSUER: ISSUER,
      ARGILLA_OIDC_CLIENT_ID: 'argilla',
      ARGILLA_OIDC_CLIENT_SECRET: 's3cret',
      ARGILLA_OIDC_ROLE_CLAIM: 'realm_access.roles',
      ARGILLA_OIDC_ROLE_MAPPING: 'argilla-admin=admin, argilla-owner=Owner',
      ARGILLA_OIDC_WORKSPACE_MAPPING: '/team-a=team-a',
    });
    assert.equal(sso.providers.length, 1);
    const [provider] = sso.providers;
    assert.equal(provider!.name, 'oidc');
    assert.equal(provider!.displayName, 'Single sign-on');
    assert.deepEqual(provider!.scopes, ['openid', 'profile', 'email']);
    assert.equal(provider!.usernameClaim, 'preferred_username');
    assert.deepEqual([...provider!.roleMapping], [['argilla-admin', 'admin'], ['argilla-owner', 'owner']]);
    assert.equal(provider!.defaultRole, 'annotator');
    assert.equal(provider!.workspaceClaim, 'realm_access.roles');
    assert.deepEqual([...provider!.workspaceMapping], [['/team-a', 'team-a']]);
    assert.equal(provider!.createWorkspaces, false);
    assert.equal(provider!.linkExistingUsers, false);
    assert.deepEqual(sso.passwordLogin, { enabled: true, allowedUsers: [] });
  });

  it('names the variable of a bad or missing value', () => {
    refused({ ARGILLA_OIDC_CLIENT_ID: 'argilla' }, 'ARGILLA_OIDC_ISSUER: required when ARGILLA_OIDC_CLIENT_ID is set');
    refused({ ARGILLA_OIDC_ISSUER: ISSUER }, 'ARGILLA_OIDC_CLIENT_ID: required');
    refused({ ARGILLA_OIDC_ISSUER: 'http://login.example.com', ARGILLA_OIDC_CLIENT_ID: 'a' }, 'ARGILLA_OIDC_ISSUER: must be an https:// URL (http:// only for localhost, or with allow_insecure_http)');
    refused({ ARGILLA_OIDC_ISSUER: ISSUER, ARGILLA_OIDC_CLIENT_ID: 'a', ARGILLA_OIDC_SCOPES: 'profile email' }, "ARGILLA_OIDC_SCOPES: must include 'openid'");
    refused({ ARGILLA_OIDC_ISSUER: ISSUER, ARGILLA_OIDC_CLIENT_ID: 'a', ARGILLA_OIDC_ROLE_MAPPING: 'admins=admin' }, 'ARGILLA_OIDC_ROLE_CLAIM: required when roles are mapped from claims');
    refused(
      { ARGILLA_OIDC_ISSUER: ISSUER, ARGILLA_OIDC_CLIENT_ID: 'a', ARGILLA_OIDC_ROLE_CLAIM: 'groups', ARGILLA_OIDC_ROLE_MAPPING: 'admins=boss' },
      "ARGILLA_OIDC_ROLE_MAPPING: 'boss' is not a role: use owner, admin, annotator",
    );
    refused({ ARGILLA_OIDC_ISSUER: ISSUER, ARGILLA_OIDC_CLIENT_ID: 'a', ARGILLA_OIDC_ROLE_CLAIM: 'groups', ARGILLA_OIDC_ROLE_MAPPING: 'admins' }, "ARGILLA_OIDC_ROLE_MAPPING: 'admins' is not claim-value=target (pairs separated by commas)");
    refused({ ARGILLA_OIDC_ISSUER: ISSUER, ARGILLA_OIDC_CLIENT_ID: 'a', ARGILLA_OIDC_DEFAULT_ROLE: 'root' }, "ARGILLA_OIDC_DEFAULT_ROLE: 'root' is not a role: use owner, admin, annotator");
    refused({ ARGILLA_OIDC_ISSUER: ISSUER, ARGILLA_OIDC_CLIENT_ID: 'a', ARGILLA_OIDC_WORKSPACE_CLAIM: 'groups', ARGILLA_OIDC_WORKSPACE_MAPPING: 'g=Team A' }, "ARGILLA_OIDC_WORKSPACE_MAPPING: 'Team A' is not a workspace name (lowercase letters, digits, '-' and '_', not starting with '-' or '_')");
    refused({ ARGILLA_OIDC_ISSUER: ISSUER, ARGILLA_OIDC_CLIENT_ID: 'a', ARGILLA_OIDC_CREATE_WORKSPACES: 'maybe' }, 'ARGILLA_OIDC_CREATE_WORKSPACES: must be true or false');
    refused({ ARGILLA_OIDC_ISSUER: ISSUER, ARGILLA_OIDC_CLIENT_ID: 'a', ARGILLA_OIDC_NAME: 'My IdP' }, "ARGILLA_OIDC_NAME: lowercase letters, digits, '-' and '_' only (at most 64), not starting with '-' or '_'");
    refused({ ARGILLA_PUBLIC_URL: 'argilla.example.com' }, "ARGILLA_PUBLIC_URL: 'argilla.example.com' is not a URL (such as https://argilla.example.com)");
  });

  it('refuses to turn password login off with no other way in, and checks the break-glass names', () => {
    refused({ ARGILLA_PASSWORD_LOGIN: 'false' }, 'ARGILLA_PASSWORD_LOGIN: false would leave no way to log in: configure a single sign-on provider or name a break-glass user in ARGILLA_PASSWORD_LOGIN_ALLOWED_USERS');
    refused({ ARGILLA_PASSWORD_LOGIN: 'nope' }, 'ARGILLA_PASSWORD_LOGIN: must be true or false');
    refused({ ARGILLA_PASSWORD_LOGIN: 'false', ARGILLA_PASSWORD_LOGIN_ALLOWED_USERS: 'Root Admin' }, "ARGILLA_PASSWORD_LOGIN_ALLOWED_USERS: 'Root Admin' is not a username");
    assert.deepEqual(loadConfig({ ARGILLA_PASSWORD_LOGIN: 'false', ARGILLA_PASSWORD_LOGIN_ALLOWED_USERS: 'argilla, rescue' }).sso.passwordLogin, {
      enabled: false,
      allowedUsers: ['argilla', 'rescue'],
    });
  });

  it('reads several providers from the YAML file, naming the provider and key of a bad value', () => {
    const good = file(`providers:\n  - name: keycloak\n    issuer: ${ISSUER}\n    client_id: argilla\n    roles: { admins: admin }\n    role_claim: groups\n  - name: dex\n    display_name: Dex\n    issuer: https://dex.example.com\n    client_id: argilla\n    default_role: none\n`);
    const { sso } = loadConfig({ ARGILLA_OIDC_CONFIG: good });
    assert.deepEqual(sso.providers.map((p) => [p.name, p.displayName, p.clientSecret, p.defaultRole]), [
      ['keycloak', 'Single sign-on', null, 'annotator'],
      ['dex', 'Dex', null, null],
    ]);
    const unknownKey = file(`providers:\n  - name: a\n    issuer: ${ISSUER}\n    client_id: x\n    client_scret: y\n`);
    assert.throws(() => loadConfig({ ARGILLA_OIDC_CONFIG: unknownKey }), (error: Error) => error.message.startsWith(`ARGILLA_OIDC_CONFIG (${unknownKey}): providers[0].client_scret: unknown setting;`));
    const missing = file(`providers:\n  - name: a\n    client_id: x\n`);
    refused({ ARGILLA_OIDC_CONFIG: missing }, `ARGILLA_OIDC_CONFIG (${missing}): providers[0].issuer: required`);
    const twice = file(`providers:\n  - { name: a, issuer: "${ISSUER}", client_id: x }\n  - { name: a, issuer: "${ISSUER}", client_id: y }\n`);
    refused({ ARGILLA_OIDC_CONFIG: twice }, `ARGILLA_OIDC_CONFIG (${twice}): providers[1].name: 'a' names two providers`);
    const empty = file('providers: []\n');
    refused({ ARGILLA_OIDC_CONFIG: empty }, `ARGILLA_OIDC_CONFIG: ${empty} must hold a 'providers' list with at least one provider`);
  });

  it('refuses both the file and the variables', () => {
    const path = file(`providers:\n  - { name: a, issuer: "${ISSUER}", client_id: x }\n`);
    refused(
      { ARGILLA_OIDC_CONFIG: path, ARGILLA_OIDC_ISSUER: ISSUER, ARGILLA_OIDC_CLIENT_ID: 'x' },
      'ARGILLA_OIDC_CONFIG: set either ARGILLA_OIDC_CONFIG (several providers) or the ARGILLA_OIDC_* variables of one provider, not both',
    );
    refused({ ARGILLA_OIDC_CONFIG: '/nonexistent/providers.yml' }, 'ARGILLA_OIDC_CONFIG: cannot read /nonexistent/providers.yml: ENOENT');
  });
});

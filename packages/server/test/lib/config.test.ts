// The environment as the server reads it: defaults, and a clear error naming the variable to fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { ARGILLA_HOME_PATH: '/tmp/argilla-config-test' };

function refusal(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail(`${JSON.stringify(env)} was accepted`);
}

describe('configuration from the environment', () => {
  it('defaults: SQLite in the home folder, port 6900, one worker, no trusted proxy', () => {
    const config = loadConfig(base);
    assert.deepEqual(config.database, { kind: 'sqlite', path: '/tmp/argilla-config-test/argilla.db' });
    assert.equal(config.port, 6900);
    assert.equal(config.workers, 1);
    assert.equal(config.dbPoolSize, 10);
    assert.equal(config.trustedProxies, null);
  });

  it('ARGILLA_TRUSTED_PROXIES takes addresses, CIDR ranges and named ranges, or a number of proxies', () => {
    const list = loadConfig({ ...base, ARGILLA_TRUSTED_PROXIES: ' 10.0.0.0/8, 192.168.1.5 ,loopback,::1, fd00::/8 ' }).trustedProxies;
    assert.deepEqual(list, ['10.0.0.0/8', '192.168.1.5', 'loopback', '::1', 'fd00::/8']);
    assert.equal(loadConfig({ ...base, ARGILLA_TRUSTED_PROXIES: '2' }).trustedProxies, 2);
    assert.equal(loadConfig({ ...base, ARGILLA_TRUSTED_PROXIES: '  ' }).trustedProxies, null);
  });

  it('refuses a trusted proxy that is not an address or range, naming the variable and the entry', () => {
    for (const [value, entry] of [
      ['10.0.0.0/8, proxy.example.com', 'proxy.example.com'],
      ['10.0.0.0/33', '10.0.0.0/33'],
      ['10.0.0.1/8/1', '10.0.0.1/8/1'],
      ['true', 'true'],
    ]) {
      const message = refusal({ ARGILLA_TRUSTED_PROXIES: value! });
      assert.match(message, /^ARGILLA_TRUSTED_PROXIES: /);
      assert.ok(message.includes(`'${entry}'`), message);
    }
    assert.match(refusal({ ARGILLA_TRUSTED_PROXIES: '0' }), /ARGILLA_TRUSTED_PROXIES: a number of proxies must be from 1 to 10/);
    assert.match(refusal({ ARGILLA_TRUSTED_PROXIES: '11' }), /from 1 to 10/);
  });

  it('ARGILLA_DEFAULT_USER_ROLE: admin by default, owner on request (any case), nothing else', () => {
    assert.equal(loadConfig(base).defaultUser.role, 'admin');
    assert.equal(loadConfig({ ...base, ARGILLA_DEFAULT_USER_ROLE: 'owner' }).defaultUser.role, 'owner');
    assert.equal(loadConfig({ ...base, ARGILLA_DEFAULT_USER_ROLE: ' Owner ' }).defaultUser.role, 'owner');
    assert.equal(refusal({ ARGILLA_DEFAULT_USER_ROLE: 'annotator' }), 'ARGILLA_DEFAULT_USER_ROLE: must be owner or admin');
    assert.equal(refusal({ ARGILLA_DEFAULT_USER_ROLE: 'root' }), 'ARGILLA_DEFAULT_USER_ROLE: must be owner or admin');
  });

  it('refuses out-of-range numbers with the variable and the allowed range', () => {
    assert.match(refusal({ ARGILLA_WORKERS: '0' }), /^ARGILLA_WORKERS: must be a whole number from 1 to 256$/);
    assert.match(refusal({ ARGILLA_DATABASE_POOL_SIZE: 'ten' }), /^ARGILLA_DATABASE_POOL_SIZE: /);
    assert.match(refusal({ ARGILLA_PORT: '70000' }), /^ARGILLA_PORT: /);
  });
});

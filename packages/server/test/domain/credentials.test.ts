import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, isBcryptHash, verifyPassword } from '../../src/lib/passwords.js';
import { digestSecret, generateApiKey, generateToken, previewSecret } from '../../src/lib/secrets.js';

// bcrypt of "1234" with PHP's $2y$ prefix, as in the guide's users file.
const BCRYPT_2Y = '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS';

describe('passwords', () => {
  it('hashes with argon2id at the OWASP parameters and verifies exactly', async () => {
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.deepEqual(await verifyPassword('correct horse', hash), { ok: true, needsRehash: false });
    assert.equal((await verifyPassword('correct hors', hash)).ok, false);
    assert.equal((await verifyPassword('correct horse ', hash)).ok, false);
  });

  it('verifies bcrypt $2y$, $2a$ and $2b$ hashes and asks for a re-hash', async () => {
    assert.ok(isBcryptHash(BCRYPT_2Y));
    for (const prefix of ['$2y$', '$2a$', '$2b$']) {
      const hash = prefix + BCRYPT_2Y.slice(4);
      assert.deepEqual(await verifyPassword('1234', hash), { ok: true, needsRehash: true });
      assert.equal((await verifyPassword('12345', hash)).ok, false);
    }
  });

  it('does not verify past bcrypt\'s 72 bytes: a longer password fails rather than being truncated', async () => {
    const bcrypt = (await import('bcrypt')).default;
    const long = 'a'.repeat(72);
    const hash = await bcrypt.hash(long, 4);
    assert.equal((await verifyPassword(long, hash)).ok, true);
    assert.equal((await verifyPassword(long + 'anything', hash)).ok, false);
  });

  it('rejects unknown hash formats', async () => {
    assert.equal((await verifyPassword('1234', 'plain-text')).ok, false);
    assert.equal(isBcryptHash('$2x$05$abc'), false);
  });
});

describe('secrets', () => {
  it('generates prefixed keys with 256 random bits and SHA-256 digests', () => {
    const key = generateApiKey();
    assert.match(key, /^argilla_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(generateApiKey(), key);
    assert.equal(Buffer.from(key.slice(8), 'base64url').length, 32);
    assert.match(generateToken(), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(digestSecret('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('previews a key without revealing it', () => {
    assert.equal(previewSecret('a14427ea-9197-11ec-b909-0242ac120002'), 'a144…0002');
    const key = generateApiKey();
    const preview = previewSecret(key);
    assert.ok(preview.startsWith('argilla_') && preview.length < 20);
    assert.equal(previewSecret('short-key'), '…ey');
  });
});

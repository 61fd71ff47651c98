// Password hashing. New hashes are argon2id with the OWASP minimum parameters; bcrypt hashes
// (imported from older systems) are verified and flagged for re-hashing. Both libraries run their
// work on the libuv thread pool, so a login never blocks the event loop.
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import bcrypt from 'bcrypt';

// 2 is Argon2id in @node-rs/argon2's Algorithm enum (a const enum, so it is not importable at runtime).
const ARGON2ID = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
// bcrypt only ever reads the first 72 bytes of a password.
const BCRYPT_MAX_BYTES = 72;

export function isBcryptHash(value: string): boolean {
  return BCRYPT_HASH.test(value);
}

export function isArgon2Hash(value: string): boolean {
  return value.startsWith('$argon2');
}

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2ID);
}

export interface PasswordCheck {
  ok: boolean;
  /** true when the stored hash should be replaced by a fresh argon2id hash of the same password */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, storedHash: string): Promise<PasswordCheck> {
  if (isArgon2Hash(storedHash)) {
    try {
      return { ok: await argon2Verify(storedHash, password), needsRehash: false };
    } catch {
      return { ok: false, needsRehash: false };
    }
  }
  if (isBcryptHash(storedHash)) {
    // A longer password would be silently truncated by bcrypt, so bytes past 72 could be anything:
    // refuse rather than accept a password that was never really checked.
    if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES) return { ok: false, needsRehash: false };
    // The native bcrypt binding knows $2a$ and $2b$; $2y$ is the same algorithm under PHP's prefix.
    const normalised = storedHash.startsWith('$2y$') ? `$2b$${storedHash.slice(4)}` : storedHash;
    const ok = await bcrypt.compare(password, normalised);
    return { ok, needsRehash: ok };
  }
  return { ok: false, needsRehash: false };
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends about the same time as a real check, for logins of unknown users, so response times do
 * not tell whether a username exists.
 */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-password-for-timing');
  await verifyPassword(password, await dummyHash);
}

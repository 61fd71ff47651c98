// Random secrets (API keys, login tokens) and the digests stored in their place.
import { createHmac, hash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'argilla_';

/** A new API key: a recognisable prefix and 256 random bits, URL-safe. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** A new opaque login token (256 random bits). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a secret, hex encoded: what the database keeps instead of the secret. */
export function digestSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** A short preview that lets a person recognise a key without revealing it, e.g. `a144…0002`. */
export function previewSecret(secret: string): string {
  const prefix = secret.startsWith(API_KEY_PREFIX) ? API_KEY_PREFIX : '';
  const body = secret.slice(prefix.length);
  // Short operator-chosen keys would be half revealed by eight characters; show two.
  if (body.length < 12) return `${prefix}…${body.slice(-2)}`;
  return `${prefix}${body.slice(0, 4)}…${body.slice(-4)}`;
}

/** A new secret key for keyedDigest (256 random bits, URL-safe text). */
export function generateDigestKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * HMAC-SHA256 of a text under a secret key, hex encoded and marked as such (`hmac-sha256:…`, which
 * no username can be): the same text gives the same digest under one key, so repeats can be
 * grouped, while the text cannot be read back without the key.
 */
export function keyedDigest(key: string, text: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(text, 'utf8').digest('hex')}`;
}

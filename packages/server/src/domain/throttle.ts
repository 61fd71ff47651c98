// Login throttling, with its state in the database so that it holds across every server process.
//
// Per username: after LIMIT failed logins within WINDOW, the account is locked for 1 minute after
// the latest failure; each further failure (possible only once a lock has passed) doubles the
// lock, up to 15 minutes. Attempts refused while locked are not failures (the password is not even
// checked), so they do not extend the lock: an attacker can keep an account locked only by
// guessing slowly, and a real user is never locked for longer than the window after the last
// failure. A successful login clears the account's failures. The same rule, with a higher limit,
// applies per source address, so one address cannot try many usernames.
//
// An attempt is recorded as a failure *before* its password is checked, and only then compared
// with the others: so concurrent guesses see each other, and a burst cannot check more passwords
// than the limit allows. A refused attempt removes its record; a successful one clears them all.
import type { Db } from '../db/schema.js';
import { failureTimes } from '../db/repos/loginFailures.js';

export const THROTTLE = {
  windowMs: 15 * 60_000,
  perUsername: 10,
  perAddress: 50,
  firstLockMs: 60_000,
  maxLockMs: 15 * 60_000,
} as const;

/** When the lock implied by these failure times (oldest first) ends, or 0 when there is none. */
export function lockedUntil(times: string[], limit: number): number {
  if (times.length < limit) return 0;
  const extra = times.length - limit;
  const lock = Math.min(THROTTLE.firstLockMs * 2 ** extra, THROTTLE.maxLockMs);
  return Date.parse(times[times.length - 1]!) + lock;
}

/**
 * Seconds to wait before a login for this username from this address may be tried, or 0.
 * `attempt`: the caller's own attempt, already recorded (not counted against itself).
 */
export async function loginRetryAfter(db: Db, username: string, ip: string, attempt?: string, now = Date.now()): Promise<number> {
  const since = new Date(now - THROTTLE.windowMs).toISOString();
  const [byUser, byAddress] = await Promise.all([
    failureTimes(db, 'username', username, since, attempt),
    failureTimes(db, 'ip', ip, since, attempt),
  ]);
  const until = Math.max(lockedUntil(byUser, THROTTLE.perUsername), lockedUntil(byAddress, THROTTLE.perAddress));
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

// Login throttling, with its state in the database so that it holds across every server process.
//
// Three counts of failed logins within WINDOW, each with its own limit:
// - per username AND client address (10): the username is locked from that address only, so that
//   whoever guesses wrong from one place cannot lock the real user out everywhere;
// - per username, from every address together (100): caps guessing spread over many addresses;
// - per address, across usernames (50): one address cannot try many usernames.
// When a count reaches its limit, what it counts is locked for 1 minute after the latest failure;
// each further failure (possible only once a lock has passed) doubles the lock, up to 15 minutes.
// Attempts refused while locked are not failures (the password is not even checked), so they do
// not extend the lock: an attacker can keep an account locked only by guessing slowly, and a real
// user is never locked for longer than the window after the last failure. A successful login
// clears the username's failures from its address (not those from elsewhere, which may be an
// attacker's). An admin's unlock (domain/auth.ts) clears them from every address.
//
// Concurrent attempts see each other: an attempt is admitted (recorded as being checked) in a
// transaction that first waits for every other admission to finish, and that counts failures and
// the attempts being checked against the limits. So a burst of concurrent guesses checks at most as
// many passwords as the limits allow (then the failures lock the account), while a burst of right
// passwords for one account (many scripts logging in at once) just waits a moment: each success
// clears the failures and frees its place. An attempt being checked for long (its process died)
// counts as a failure.
import type { Db } from '../db/schema.js';
import { attemptsOfAddressSince, attemptsOfUsernameSince, type AttemptRow } from '../db/repos/loginFailures.js';
import { isoOfMillis } from '../lib/time.js';

export const THROTTLE = {
  windowMs: 15 * 60_000,
  /** failures for one username from one address that lock the username from that address */
  perUsernameFromAddress: 10,
  /** failures for one username from all addresses together that lock it from everywhere */
  perUsername: 100,
  /** failures from one address, whatever the usernames, that lock the address */
  perAddress: 50,
  firstLockMs: 60_000,
  maxLockMs: 15 * 60_000,
  /** an attempt in flight for longer than this is taken for a failure */
  staleMs: 30_000,
  /** how long an attempt waits for a turn before it is refused (429) */
  maxWaitMs: 10_000,
} as const;

/** When the lock implied by these failure times (oldest first) ends, or 0 when there is none. */
export function lockedUntil(times: string[], limit: number): number {
  if (times.length < limit) return 0;
  const extra = times.length - limit;
  const lock = Math.min(THROTTLE.firstLockMs * 2 ** extra, THROTTLE.maxLockMs);
  return Date.parse(times[times.length - 1]!) + lock;
}

export interface Verdict {
  /** seconds the caller must wait (a lock), or 0 */
  retryAfter: number;
  /** not locked, but as many attempts are being checked as the limit allows */
  wait: boolean;
}

function judge(rows: AttemptRow[], limit: number, now: number): { until: number; wait: boolean } {
  const staleBefore = isoOfMillis(now - THROTTLE.staleMs);
  const failed: string[] = [];
  let checking = 0;
  for (const row of rows) {
    if (row.pending === 0 || row.created_at <= staleBefore) failed.push(row.created_at);
    else checking++;
  }
  // Past a lock (failures at the limit already) one attempt at a time: the next waits for it.
  return { until: lockedUntil(failed, limit), wait: checking > 0 && failed.length + checking >= limit };
}

/**
 * Whether a login for this username (as the throttle knows it: see domain/auth.ts) from this
 * address may be checked now.
 */
export async function loginVerdict(db: Db, username: string, ip: string, now = Date.now()): Promise<Verdict> {
  const since = isoOfMillis(now - THROTTLE.windowMs);
  const [byUser, byAddress] = await Promise.all([attemptsOfUsernameSince(db, username, since), attemptsOfAddressSince(db, ip, since)]);
  const verdicts = [
    judge(byUser.filter((row) => row.ip === ip), THROTTLE.perUsernameFromAddress, now),
    judge(byUser, THROTTLE.perUsername, now),
    judge(byAddress, THROTTLE.perAddress, now),
  ];
  const until = Math.max(...verdicts.map((v) => v.until));
  return { retryAfter: until > now ? Math.ceil((until - now) / 1000) : 0, wait: verdicts.some((v) => v.wait) };
}

/** Seconds to wait before a login for this username from this address may be tried, or 0. */
export async function loginRetryAfter(db: Db, username: string, ip: string, now = Date.now()): Promise<number> {
  const verdict = await loginVerdict(db, username, ip, now);
  return verdict.retryAfter || (verdict.wait ? 1 : 0);
}

// Timestamps: ISO-8601 UTC strings with microseconds and an explicit offset, e.g.
// 2026-11-29T20:02:16.795123+00:00, stored and sent alike. Every client parses this form (Python
// 3.9's datetime.fromisoformat, which older Argilla SDKs use, refuses a trailing Z). They sort as text, and within one process each call returns a strictly later time, so rows written
// in one go (an import of thousands of users) still list in the order they were written.

/** The zone every stored and sent time carries. */
export const UTC_OFFSET = '+00:00';

let lastMicros = 0;

function format(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const rest = String(micros - millis * 1000).padStart(3, '0');
  return `${new Date(millis).toISOString().slice(0, -1)}${rest}${UTC_OFFSET}`;
}

/** The current time, strictly increasing within this process. */
export function nowIso(): string {
  let micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  if (micros <= lastMicros) micros = lastMicros + 1;
  lastMicros = micros;
  return format(micros);
}

let lastMillis = -1;
let lastMillisText = '';

/**
 * A time given in milliseconds, as stored (microseconds zero). For comparing with stored times on
 * the request path: cheaper than nowIso(), which must also keep every call distinct.
 */
export function isoOfMillis(millis: number): string {
  if (millis !== lastMillis) {
    lastMillis = millis;
    lastMillisText = format(millis * 1000);
  }
  return lastMillisText;
}

export function addMinutes(iso: string, minutes: number): string {
  const fraction = /\.(\d+)(?:Z|[+-]\d{2}:\d{2})$/.exec(iso)?.[1] ?? '0';
  const micros = Math.floor(Date.parse(iso) / 1000) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
  return format(micros + minutes * 60_000_000);
}

// Times given from outside (an API key's expiry, the audit log's since and until): RFC 3339
// date-times with a zone, and nothing looser. Date.parse takes far more ('2030', 'Dec 25 2030
// GMT+1400', '2027-02-30' as March 2, years past 9999 that then sort wrongly as text).
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** What parseTime accepts, for messages: the form, with an example. */
export const TIME_RULE = 'must be an RFC 3339 date-time with a time zone, e.g. 2027-01-31T00:00:00Z or 2027-01-31T02:00:00+02:00 (a real calendar date, year 9999 at the latest)';

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A strict RFC 3339 date-time with a zone (Z or ±hh:mm), on a real calendar date, as stored: UTC
 * with microseconds (digits past the microsecond are dropped). Null for anything else, and for
 * times whose UTC year falls outside 0000–9999 (stored times must sort as text).
 */
export function parseTime(value: string): string | null {
  const match = RFC3339.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const [offsetHours, offsetRest] = [Number(match[10]), Number(match[11])];
    if (offsetHours > 23 || offsetRest > 59) return null;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const utcYear = date.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return null;
  const micros = Number((match[7] ?? '').slice(0, 6).padEnd(6, '0'));
  return format(date.getTime() * 1000 + micros);
}

/** An outside time as stored (see parseTime); null when it is not one. */
export function toStoredTime(value: string): string | null {
  return parseTime(value);
}

// Timestamps: ISO-8601 UTC strings with microseconds, e.g. 2026-11-29T20:02:16.795123Z. They
// sort as text, and within one process each call returns a strictly later time, so rows written
// in one go (an import of thousands of users) still list in the order they were written.

let lastMicros = 0;

function format(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const rest = String(micros - millis * 1000).padStart(3, '0');
  return `${new Date(millis).toISOString().slice(0, -1)}${rest}Z`;
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
  const fraction = /\.(\d+)Z$/.exec(iso)?.[1] ?? '0';
  const micros = Math.floor(Date.parse(iso) / 1000) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
  return format(micros + minutes * 60_000_000);
}

/**
 * An ISO-8601 time as stored (UTC, microseconds), keeping the fraction it was given beyond the
 * millisecond; null when it is not a time.
 */
export function toStoredTime(value: string): string | null {
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) return null;
  const fraction = /T[\d:]+\.(\d+)/.exec(value)?.[1] ?? '';
  const extraMicros = Number((fraction.slice(3, 6) || '0').padEnd(3, '0'));
  return format(millis * 1000 + extraMicros);
}

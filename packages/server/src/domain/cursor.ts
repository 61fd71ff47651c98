// Cursors for lists read in (time, id) order: records by when they were first logged, audit
// events newest first. A cursor is opaque to clients (base64url of the last row's position) and
// checked when it comes back, so a forged one is a 422, never a query on made-up text.
import { fail } from './errors.js';

export interface Position {
  time: string;
  id: string;
}

function encodeCursor(time: string, id: string): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

/** The position a cursor from a previous page names; a 422 for anything else. */
export function decodeCursor(cursor: string): Position {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string' && !part.includes('\u0000'))) {
      return { time: parsed[0] as string, id: parsed[1] as string };
    }
  } catch {
    // not base64url JSON: answered below
  }
  throw fail.validation([{ field: 'cursor', message: 'not a cursor from a previous page' }]);
}

/**
 * A page from rows read with one more than `limit` (that extra row tells whether a next page
 * exists), with the cursor of the next page, or null on the last one.
 */
export function pageOf<R>(rows: R[], limit: number, positionOf: (row: R) => Position): { page: R[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  if (rows.length <= limit || !last) return { page, next_cursor: null };
  const { time, id } = positionOf(last);
  return { page, next_cursor: encodeCursor(time, id) };
}

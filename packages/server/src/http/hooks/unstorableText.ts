// Text the databases cannot store as given: NUL (PostgreSQL refuses it, and no name or label needs
// one) and lone UTF-16 surrogates (JSON can escape them, "\ud800"; stored as UTF-8 they would
// become U+FFFD, so what was saved would differ from what was sent and answered). Refused
// everywhere, on both databases, as invalid input. The same walk bounds how deep a body may nest.
import { fail } from '../../domain/errors.js';
import { LIMITS } from '../../domain/limits.js';
import { appWide } from './appWide.js';

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorableReason(text: string): string {
  return text.includes('\u0000') ? 'must not contain NUL characters (\\u0000)' : 'must not contain a lone UTF-16 surrogate (\\ud800-\\udfff without its pair)';
}

const DEPTH_MAX = LIMITS.json_depth_max;
/** The broken rule of a body nesting deeper than the limit (the body as a whole: pointer /). */
export const TOO_DEEP = `must not nest objects and arrays more than ${DEPTH_MAX} levels deep`;

type Found = { pointer: string; reason: string } | { tooDeep: true };

/**
 * The first problem of a body, in document order: a text (value or key) that cannot be stored as
 * given, with its JSON pointer and why; or nesting deeper than the limit; or null. Iterative, with
 * its own stack: a body of 100,000 levels fits in the body limit, and one frame per level would
 * overflow the call stack.
 */
function findProblem(body: unknown): Found | null {
  // Each entry: a value, its pointer, and how many objects and arrays hold it.
  const stack: Array<[value: unknown, pointer: string, depth: number]> = [[body, '', 0]];
  while (stack.length > 0) {
    const [value, pointer, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return { pointer, reason: unstorableReason(value) };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > DEPTH_MAX) return { tooDeep: true };
    // Children pushed last first, so that they are looked at in document order.
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${pointer}/${i}`, depth + 1]);
      continue;
    }
    const entries = Object.entries(value);
    for (const [key] of entries) {
      if (UNSTORABLE.test(key)) return { pointer: `${pointer}/${key.replace(/[\u0000\uD800-\uDFFF]/g, '')}`, reason: unstorableReason(key) };
    }
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], `${pointer}/${entries[i]![0]}`, depth + 1]);
  }
  return null;
}

export const unstorableText = appWide('unstorable-text', (app, _options, done) => {
  app.addHook('preValidation', (request, _reply, next) => {
    if (request.url.includes('%') && /%00/i.test(request.url)) return next(fail.validation([{ field: 'query', message: unstorableReason('\u0000') }]));
    const found = request.body === undefined ? null : findProblem(request.body);
    if (found === null) return next();
    if ('tooDeep' in found) return next(fail.validation([{ field: '', message: TOO_DEEP }]));
    next(fail.validation([{ field: found.pointer.slice(1) || 'body', message: found.reason }]));
  });
  done();
});

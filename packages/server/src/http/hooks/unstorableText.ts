// Text the databases cannot store as given: NUL (PostgreSQL refuses it, and no name or label needs
// one) and lone UTF-16 surrogates (JSON can escape them, "\ud800"; stored as UTF-8 they would
// become U+FFFD, so what was saved would differ from what was sent and answered). Refused
// everywhere, on both databases, as invalid input.
import { fail } from '../../domain/errors.js';
import { appWide } from './appWide.js';

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorableReason(text: string): string {
  return text.includes('\u0000') ? 'must not contain NUL characters (\\u0000)' : 'must not contain a lone UTF-16 surrogate (\\ud800-\\udfff without its pair)';
}

/** The first text (value or key) of a body that cannot be stored as given: its JSON pointer and why; or null. */
function findUnstorable(value: unknown, pointer: string): { pointer: string; reason: string } | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? { pointer, reason: unstorableReason(value) } : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${pointer}/${i}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) return { pointer: `${pointer}/${key.replace(/[\u0000\uD800-\uDFFF]/g, '')}`, reason: unstorableReason(key) };
      const found = findUnstorable(item, `${pointer}/${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

export const unstorableText = appWide('unstorable-text', (app, _options, done) => {
  app.addHook('preValidation', (request, _reply, next) => {
    if (request.url.includes('%') && /%00/i.test(request.url)) return next(fail.validation([{ field: 'query', message: unstorableReason('\u0000') }]));
    const found = request.body === undefined ? null : findUnstorable(request.body, '');
    if (found === null) return next();
    next(fail.validation([{ field: found.pointer.slice(1) || 'body', message: found.reason }]));
  });
  done();
});

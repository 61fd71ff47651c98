// JSON request bodies, read by Fastify's own parser (with its prototype-poisoning checks), except
// that an empty body reads as no body at all. Some clients send `Content-Type: application/json`
// on every request, body or not (Argilla 1.6's server ignores the body of a route that takes
// none): such a request then answers as usual, and a route that needs a body still refuses it with
// a 422 saying the body is required (problems.ts). A body of only spaces stays malformed JSON.
import { appWide } from './appWide.js';

export const jsonBodies = appWide('json-bodies', (app, _options, done) => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, next) => {
    if (body.length === 0) {
      next(null, undefined);
      return;
    }
    parseJson(request, String(body), next);
  });
  done();
});

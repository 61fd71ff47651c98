import { readFileSync } from 'node:fs';

/** The server package's version (read once from its package.json, next to src/ and dist/). */
/**
 * The Argilla API version this server follows, as `GET /api/_info` reports it: the 1.6 guide's. A
 * PEP 440 string: Argilla's 1.x clients compare its major.minor with their own (a warning when they
 * differ) and the 1.6 client loads datasets only from servers at 1.2.0 or later.
 */
export const ARGILLA_API_VERSION = '1.6.0';

/** This server's name, reported beside its version. */
export const SERVER_NAME = 'argilla-ts';

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

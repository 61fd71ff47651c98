// The server's limits as the client applies them. Each comes from LIMITS, which the type generator
// writes from the server's OpenAPI document (`x-argilla-limits`): when the server changes one,
// regenerating is all it takes, and types-drift.test.ts says when that is due.
import { LIMITS } from './generated/api.js';

/** The rule for usernames, workspace and dataset names. */
export const NAME_PATTERN = new RegExp(LIMITS.namePattern);

/** The most records the server takes in one bulk request. */
export const MAX_BATCH = LIMITS.bulkRecordsMax;

/** The server's largest page. */
export const MAX_PAGE = LIMITS.pageSizeMax;

/**
 * Default upper bound on a bulk request's body: 95% of the server's body limit. The client counts
 * the bytes exactly; the margin holds the envelope (`{"records":[...]}`) with plenty to spare.
 */
export const DEFAULT_MAX_BATCH_BYTES = Math.floor(LIMITS.bodyLimitBytes * 0.95);

// The data rules every stored value obeys, whichever door (HTTP, CLI, YAML) it came in by.
import type { FieldError } from './errors.js';
import { fail } from './errors.js';
import { LIMITS } from './limits.js';
import { isRole, roleRule } from './policies.js';
import { isUuid } from '../lib/ids.js';

// JavaScript's `$` without the m flag matches only at the very end, so a trailing newline fails.
const NAME = new RegExp(LIMITS.name_pattern);
const NAME_RULE = "lowercase letters, digits, '-' and '_' only, not starting with '-' or '_'";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const NAME_MAX = LIMITS.name_max_length;
const PERSON_NAME_MAX = LIMITS.person_name_max_length;
const EMAIL_MAX = LIMITS.email_max_length;
const PASSWORD_MIN = LIMITS.password_min_length;
const PASSWORD_MAX = LIMITS.password_max_length;
const API_KEY_MIN = LIMITS.api_key_min_length;

type Check = (value: unknown) => string | null;

const length = (value: string) => [...value].length;
/** The message of every maximum length, the same words as the HTTP schemas' (http/problems.ts). */
export const atMostCharacters = (max: number) => `must be at most ${max} characters`;
/** The message of every maximum number of items in a list (likewise). */
export const atMostItems = (max: number) => `must list at most ${max} items`;

export const rules = {
  name: ((value) => {
    if (typeof value !== 'string' || value.length === 0) return 'required';
    // Before the pattern: a database index refuses longer keys (PostgreSQL's btree rows).
    if (length(value) > NAME_MAX) return atMostCharacters(NAME_MAX);
    return NAME.test(value) ? null : NAME_RULE;
  }) as Check,
  firstName: ((value) => {
    if (typeof value !== 'string') return 'required';
    if (length(value) > PERSON_NAME_MAX) return atMostCharacters(PERSON_NAME_MAX);
    return value.trim().length >= 1 ? null : 'must not be empty';
  }) as Check,
  lastName: ((value) => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') return 'must be text';
    if (length(value) > PERSON_NAME_MAX) return atMostCharacters(PERSON_NAME_MAX);
    return value.trim().length >= 1 ? null : 'must not be empty when given';
  }) as Check,
  email: ((value) => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') return 'must be text';
    if (length(value) > EMAIL_MAX) return atMostCharacters(EMAIL_MAX);
    return EMAIL.test(value.trim()) ? null : 'must be an email address like name@example.com';
  }) as Check,
  password: ((value) => {
    if (typeof value !== 'string' || value.length === 0) return 'required';
    if (length(value) < PASSWORD_MIN) return `at least ${PASSWORD_MIN} characters`;
    if (length(value) > PASSWORD_MAX) return `at most ${PASSWORD_MAX} characters`;
    return null;
  }) as Check,
  role: ((value) => (isRole(value) ? null : roleRule())) as Check,
  /** an id a client chooses for a new user or workspace (absent or null: the server makes one) */
  givenId: ((value) => {
    if (value === undefined || value === null) return null;
    return typeof value === 'string' && isUuid(value) ? null : 'must be a UUID such as 6f1c2a4e-0b7d-4f5e-9a3c-2d8e1f0a4b6c';
  }) as Check,
  apiKey: ((value) => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') return 'must be text';
    return value.length >= API_KEY_MIN ? null : `at least ${API_KEY_MIN} characters`;
  }) as Check,
};

/**
 * Collects every broken rule at once (so a person fixes them all in one go) and throws a validation
 * error listing them; returns silently when all hold.
 */
export function check(entries: Array<[field: string, rule: Check, value: unknown]>): void {
  const errors: FieldError[] = [];
  for (const [field, rule, value] of entries) {
    const message = rule(value);
    if (message) errors.push({ field, message });
  }
  if (errors.length > 0) throw fail.validation(errors);
}

export function trimmedOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return value.trim();
}

// Request validation. Bodies are validated without type coercion (a number is not a name); query
// strings and path parameters arrive as text, so there numbers and booleans are coerced.
// removeAdditional: 'all' makes each body schema an allow-list: fields it does not name are dropped
// before the handler sees them (unknown fields are ignored, and internal ones cannot be smuggled in).
// Free-form maps (a record's fields) must therefore say so, with Type.Record.
import { Ajv } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { COMPONENT_SCHEMAS, validatedPart } from './schemas.js';

const bodyAjv = new Ajv({ coerceTypes: false, useDefaults: true, allErrors: true, strict: false, removeAdditional: 'all' });
const paramAjv = new Ajv({ coerceTypes: 'array', useDefaults: true, allErrors: true, strict: false });
for (const schema of COMPONENT_SCHEMAS) {
  bodyAjv.addSchema(schema);
  paramAjv.addSchema(schema);
}

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : paramAjv).compile(validatedPart(schema));

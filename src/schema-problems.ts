// Turns the errors of a compiled JSON Schema validator (src/generated/, from schemas/) into one sentence per problem,
// each starting with the JSON path of the offending value, so a user fixes every problem of a file in one go.
// Hand-written because ajv's errorsText prints JSON pointers in ajv's own wording, and ajv-errors/better-ajv-errors
// would ship message templates or a code-frame printer for what is one line per problem here.
import type { SchemaError, SchemaValidator } from './generated/schema-validators.js';

/** Every problem the validator finds in the data, as `$.path: what is wrong`; empty when the data is valid. */
export function schemaProblems(validate: SchemaValidator, data: unknown): string[] {
  if (validate(data)) return [];
  const errors = (validate.errors ?? []).filter((e) => !['if', 'allOf'].includes(e.keyword));
  return [...new Set(errors.map((e) => `${jsonPath(e.instancePath, e)}: ${describe(e)}`))];
}

/** A JSON pointer (`/questions/0/name`) as a JSON path (`$.questions[0].name`), with odd keys quoted. */
export function jsonPath(pointer: string, error?: SchemaError): string {
  const keys =
    pointer === ''
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  // A missing or unknown key is reported at the key itself, not at the object that lacks or has it.
  const key = error?.params.missingProperty ?? error?.params.additionalProperty;
  if (typeof key === 'string') keys.push(key);
  return `$${keys.map((k) => (/^\d+$/.test(k) ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('')}`;
}

function describe(e: SchemaError): string {
  switch (e.keyword) {
    case 'required': {
      // A key's own description tells the author what to put there.
      const properties = (e.parentSchema as { properties?: Record<string, { description?: string }> } | undefined)
        ?.properties;
      const hint = properties?.[String(e.params.missingProperty)]?.description;
      return hint ? `is required: ${hint}` : 'is required';
    }
    case 'additionalProperties':
      return 'is not a known key';
    case 'enum':
      return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got(e)}`;
    case 'const':
      return `must be ${JSON.stringify(e.params.allowedValue)}${got(e)}`;
    case 'pattern':
      return `must be ${e.parentSchema?.description ?? `text matching ${String(e.params.pattern)}`}${got(e)}`;
    case 'type':
      return `must be ${String(e.params.type).split(',').map(article).join(' or ')}${got(e)}`;
    default:
      return `${e.message ?? 'is invalid'}`;
  }
}

function article(type: string): string {
  return (
    { object: 'an object', array: 'an array', integer: 'an integer', boolean: 'true or false' }[type] ?? `a ${type}`
  );
}

function got(e: SchemaError): string {
  const text = JSON.stringify(e.data);
  return text === undefined ? '' : ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

// Types of the validators scripts/compile-schemas.mjs generates from schemas/*.schema.json (the .js is a build output).

/** One problem ajv found (allErrors, verbose): where in the data, which keyword, and the schema that failed. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  schema?: unknown;
  parentSchema?: { description?: string } & Record<string, unknown>;
  data?: unknown;
}

/** A compiled validator: true when valid; otherwise `errors` lists every problem. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

/** schemas/template.schema.json */
export const validateTemplate: SchemaValidator;
/** schemas/state.schema.json */
export const validateState: SchemaValidator;
/** schemas/fleet-repos.schema.json */
export const validateFleetRepos: SchemaValidator;

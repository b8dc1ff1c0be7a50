import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { isMediaCompletionsError } from '../errors/MediaCompletionsError';
import type { Analyzer } from './Analyzer';
import type { Analyzers } from './Analyzers';
import { outputValidator } from './outputValidator';
import { strictSchemaProblem } from './strictSchemaProblem';
import { jsonPath } from '../json/jsonPath';

/** The analyzers (`undefined` when none are defined), or the first problem with the JSON path it is at. */
export type ParsedAnalyzers =
  { ok: true; analyzers: Analyzers | undefined } | { ok: false; path: string; problem: string };

/**
 * Validates analyzer definitions (parsed JSON, untrusted until now) with `schema`
 * (`schemas/analyzers.schema.json`, JSON Schema 2020-12), then what a schema cannot say: `default` names a
 * defined analyzer, and every `output.schema` keeps to strict structured outputs (strictSchemaProblem: the
 * service would refuse it for every input otherwise) and compiles (compiled now, once for the process). Problems
 * are reported with their JSON path, e.g. `$.analyzers.receipts.max_tokens` or
 * `$.analyzers.receipts.output.schema.required`.
 */
export function parseAnalyzers(value: unknown, schema: Readonly<Record<string, unknown>>): ParsedAnalyzers {
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  const validate = ajv.compile<AnalyzersJson>(schema);
  if (!validate(value)) {
    const [error] = validate.errors ?? [];
    return error === undefined ? { ok: false, path: '$', problem: 'is not valid' } : problemOf(error);
  }
  const byName = new Map<string, Analyzer>();
  for (const [name, definition] of Object.entries(value.analyzers)) {
    if (definition.output !== undefined) {
      const at = ['analyzers', name, 'output', 'schema'];
      const strict = strictSchemaProblem(definition.output.schema);
      if (strict !== undefined) {
        return {
          ok: false,
          path: jsonPath([...at, ...strict.context, strict.keyword]),
          problem: strict.problem,
        };
      }
      try {
        outputValidator(definition.output.schema);
      } catch (error) {
        if (!isMediaCompletionsError(error)) throw error;
        return { ok: false, path: jsonPath(at), problem: error.message };
      }
    }
    byName.set(name, { ...definition, name, match: definition.match ?? [] });
  }
  if (value.default !== undefined && !byName.has(value.default)) {
    return { ok: false, path: '$.default', problem: `names "${value.default}", which is not an analyzer` };
  }
  if (byName.size === 0) return { ok: true, analyzers: undefined };
  return {
    ok: true,
    analyzers: { byName, default: value.default === undefined ? undefined : byName.get(value.default) },
  };
}

/** The shape `schemas/analyzers.schema.json` accepts. */
interface AnalyzersJson {
  default?: string;
  analyzers: Record<string, Omit<Analyzer, 'name' | 'match'> & { match?: string[] }>;
}

function problemOf(error: ErrorObject): { ok: false; path: string; problem: string } {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return {
      ok: false,
      path: jsonPath([...segments, params.additionalProperty]),
      problem: 'is not a known field',
    };
  }
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { ok: false, path: jsonPath([...segments, params.missingProperty]), problem: 'is required' };
  }
  // A refused property name (`propertyNames`): ajv reports it at the object, naming the property aside.
  const propertyName = error.propertyName ?? params.propertyName;
  if (typeof propertyName === 'string') {
    return {
      ok: false,
      path: jsonPath([...segments, propertyName]),
      problem: 'is not a valid name (1-64 letters, digits, "_", "." or "-", starting with a letter or digit)',
    };
  }
  const allowed = Array.isArray(params.allowedValues) ? ` (${params.allowedValues.join(', ')})` : '';
  return { ok: false, path: jsonPath(segments), problem: `${error.message ?? 'is not valid'}${allowed}` };
}

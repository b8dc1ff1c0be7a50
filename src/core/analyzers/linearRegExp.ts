import type { RegExpEngine } from 'ajv/dist/types';
import { RE2JS } from 're2js';

/**
 * The regular expression engine of the output schemas' ajv (its `code.regExp` option): RE2 semantics, linear in
 * the text's length, so that a schema's `pattern` can never stall the process on the text a model was steered to
 * write (`^(a+)+$` takes seconds on 30 characters with a backtracking engine). Strict structured outputs refuse
 * `pattern` today (strictSchemaProblem); this holds whatever that check lets through. RE2 has no lookaround or
 * backreferences: such a pattern fails to compile (`invalid_output_schema`).
 */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string) => RE2JS.compile(pattern), {
  code: 'RE2JS.compile',
});

import { strictSchemaProblem } from '../../../src/core/analyzers/strictSchemaProblem';
import { CALL_SCHEMA, FLAT_SCHEMA, RECEIPT_SCHEMA } from '../../fixtures/outputSchemas';
import shipped from '../../../analyzers.json';

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
  ...extra,
});

/** `levels` objects, each inside the previous one's property `x`. */
function nested(levels: number): Record<string, unknown> {
  return levels === 1 ? object({ x: { type: 'string' } }) : object({ x: nested(levels - 1) });
}

describe('strictSchemaProblem (Azure OpenAI strict structured outputs)', () => {
  it.each([
    ['the shipped receipts schema', shipped.analyzers.receipts.output.schema],
    ['the shipped calls schema', shipped.analyzers.calls.output.schema],
    ['the test receipt', RECEIPT_SCHEMA],
    ['the test call', CALL_SCHEMA],
    ['a flat schema with a nullable field', FLAT_SCHEMA],
    ['5 levels of objects', nested(5)],
    [
      'anyOf, $defs, local and root recursion, const, $schema and annotations',
      object(
        {
          step: { $ref: '#/$defs/step' },
          tree: { anyOf: [{ $ref: '#' }, { type: 'null' }] },
          kind: { const: 'receipt', title: 'Kind', $comment: 'fixed' },
        },
        {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          $defs: { step: object({ explanation: { type: 'string', description: 'Why.' } }) },
        },
      ),
    ],
  ])('takes %s', (_, schema) => {
    expect(strictSchemaProblem(schema)).toBeUndefined();
  });

  it.each([
    ['a root that is not an object', { type: 'array', items: { type: 'string' } }, [], 'type'],
    ['a root anyOf', { anyOf: [nested(1)] }, [], 'type'],
    [
      'an object without additionalProperties: false',
      { ...nested(1), additionalProperties: true },
      [],
      'additionalProperties',
    ],
    ['a property missing from required', { ...nested(1), required: [] }, [], 'required'],
    [
      'a nested object without additionalProperties',
      object({ a: { type: 'array', items: { type: 'object', properties: {} } } }),
      ['properties', 'a', 'items'],
      'additionalProperties',
    ],
    ['pattern', object({ a: { type: 'string', pattern: '^(a+)+$' } }), ['properties', 'a'], 'pattern'],
    ['format', object({ a: { type: 'string', format: 'date' } }), ['properties', 'a'], 'format'],
    ['minimum', object({ a: { type: 'number', minimum: 0 } }), ['properties', 'a'], 'minimum'],
    [
      'minItems',
      object({ a: { type: 'array', items: { type: 'string' }, minItems: 1 } }),
      ['properties', 'a'],
      'minItems',
    ],
    ['patternProperties', { ...nested(1), patternProperties: {} }, [], 'patternProperties'],
    ['oneOf', object({ a: { oneOf: [{ type: 'string' }] } }), ['properties', 'a'], 'oneOf'],
    ['default', object({ a: { type: 'string', default: 'x' } }), ['properties', 'a'], 'default'],
    ['$id', { ...nested(1), $id: 'https://json-schema.org/draft/2020-12/schema' }, [], '$id'],
    ['a remote $ref', object({ a: { $ref: 'https://example.com/s.json' } }), ['properties', 'a'], '$ref'],
    ['an unknown type', object({ a: { type: 'date' } }), ['properties', 'a'], 'type'],
    [
      '6 levels of objects',
      nested(6),
      ['properties', 'x', 'properties', 'x', 'properties', 'x', 'properties', 'x', 'properties', 'x'],
      'properties',
    ],
    [
      '101 object properties',
      object(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, { type: 'string' }]))),
      [],
      'properties',
    ],
    [
      '501 enum values',
      object({
        a: { type: 'string', enum: Array.from({ length: 250 }, (_, i) => `a${i}`) },
        b: { type: 'string', enum: Array.from({ length: 251 }, (_, i) => `b${i}`) },
      }),
      ['properties', 'b'],
      'enum',
    ],
  ])('refuses %s, naming where', (_, schema, context, keyword) => {
    expect(strictSchemaProblem(schema)).toMatchObject({
      context,
      keyword,
      problem: expect.any(String) as unknown,
    });
  });

  it("says what is wrong in the service's words", () => {
    expect(strictSchemaProblem({ ...nested(1), required: [] })?.problem).toBe(
      "'required' is required to be supplied and to be an array including every key in properties. Missing 'x'.",
    );
    expect(strictSchemaProblem(object({ a: { type: 'string', pattern: 'a' } }))?.problem).toBe(
      "'pattern' is not permitted.",
    );
  });
});

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { exampleFromSchema } from '../../src/emulator/exampleFromSchema';
import { seededRandom } from '../../src/emulator/seededRandom';
import { CALL_SCHEMA, FLAT_SCHEMA, RECEIPT_SCHEMA } from '../fixtures/outputSchemas';

// An independent validator: the generator must satisfy it, not its own reading of the schema.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

function example(schema: unknown, seed = 7): unknown {
  return exampleFromSchema(schema, {
    random: seededRandom(seed),
    describe: (field) => `${field} of image/png 320x200, 1234 bytes, sha256:ab12cd34`,
    token: 'ab12cd34',
  });
}

function expectValid(schema: object, value: unknown): void {
  const validate = ajv.compile(schema);
  const ok = validate(value);
  expect({ ok, errors: validate.errors, value }).toMatchObject({ ok: true });
}

const NESTED = {
  type: 'object',
  $defs: {
    part: {
      type: 'object',
      properties: {
        sku: { type: 'string', minLength: 12, maxLength: 16 },
        weight: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        stock: { type: 'integer', multipleOf: 5, minimum: 3, maximum: 40 },
        tags: {
          type: 'array',
          items: { enum: ['a', 'b', 'c'] },
          uniqueItems: true,
          minItems: 2,
          maxItems: 3,
        },
      },
      required: ['sku', 'weight', 'stock', 'tags'],
      additionalProperties: false,
    },
  },
  properties: {
    id: { type: 'string', format: 'uuid' },
    site: { type: 'string', format: 'uri' },
    at: { type: 'string', format: 'time' },
    parts: { type: 'array', items: { $ref: '#/$defs/part' }, minItems: 2, maxItems: 2 },
    owner: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/part' }] },
    fixed: { const: 'v1' },
    point: {
      type: 'array',
      prefixItems: [{ type: 'number' }, { type: 'boolean' }],
      minItems: 2,
      maxItems: 2,
    },
    merged: {
      allOf: [
        { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] },
        { properties: { b: { type: 'null' } }, required: ['b'] },
      ],
    },
  },
  required: ['id', 'site', 'at', 'parts', 'owner', 'fixed', 'point', 'merged'],
  additionalProperties: false,
} as const;

describe('exampleFromSchema', () => {
  it.each([
    ['receipt', RECEIPT_SCHEMA],
    ['call', CALL_SCHEMA],
    ['flat', FLAT_SCHEMA],
    ['nested with $defs, anyOf, allOf, prefixItems, formats and bounds', NESTED],
  ])('answers a value the %s schema accepts, for many seeds', (_name, schema) => {
    for (let seed = 0; seed < 50; seed += 1) expectValid(schema, example(schema, seed));
  });

  it('is deterministic in its seed and varies with it', () => {
    expect(example(RECEIPT_SCHEMA, 1)).toEqual(example(RECEIPT_SCHEMA, 1));
    const answers = new Set(
      Array.from({ length: 10 }, (_, seed) => JSON.stringify(example(RECEIPT_SCHEMA, seed))),
    );
    expect(answers.size).toBeGreaterThan(5);
  });

  it('fills every property in the schema’s order, with string fields describing the media', () => {
    // Formats strict mode refuses still shape the answer (a json_object fallback or a request without strict).
    const dated = {
      ...RECEIPT_SCHEMA,
      properties: { ...RECEIPT_SCHEMA.properties, date: { type: 'string', format: 'date' } },
    };
    const withEmail = {
      ...FLAT_SCHEMA,
      properties: { ...FLAT_SCHEMA.properties, contact: { type: 'string', format: 'email' } },
    };
    const value = example(dated) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['merchant', 'date', 'currency', 'total', 'line_items']);
    expect(value.merchant).toBe('merchant of image/png 320x200, 1234 bytes, sha256:ab12cd34');
    expect(value.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const flat = example(withEmail) as Record<string, unknown>;
    expect(flat.contact).toBe('contact.ab12cd34@example.com');
    expect(flat.note).toEqual(expect.any(String));
  });

  it('stops a recursive schema at a bounded depth', () => {
    const tree = {
      $ref: '#/$defs/node',
      $defs: {
        node: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/$defs/node' } },
          },
          required: ['name', 'children'],
          additionalProperties: false,
        },
      },
    };
    for (let seed = 0; seed < 10; seed += 1) expectValid(tree, example(tree, seed));
  });

  it('property: any schema built from the supported keywords is satisfied', () => {
    const leaf = fc.oneof(
      fc.constant({ type: 'string' }),
      fc
        .constantFrom('date', 'date-time', 'email', 'uuid', 'uri')
        .map((format) => ({ type: 'string', format })),
      fc.record({
        type: fc.constant('string'),
        minLength: fc.nat(20),
        maxLength: fc.integer({ min: 20, max: 40 }),
      }),
      fc.constant({ type: 'boolean' }),
      fc.constant({ type: 'null' }),
      fc
        .tuple(fc.integer({ min: -1000, max: 1000 }), fc.nat(1000))
        .map(([minimum, span]) => ({ type: 'integer', minimum, maximum: minimum + span })),
      fc
        .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 }))
        .map(([minimum, span]) => ({ type: 'number', minimum, maximum: minimum + span })),
      fc
        .uniqueArray(fc.oneof(fc.string(), fc.integer()), { minLength: 1, maxLength: 5 })
        .map((values) => ({ enum: values })),
      fc.constantFrom('string', 'integer', 'boolean').map((type) => ({ type: [type, 'null'] })),
    );
    const { schema } = fc.letrec<{ schema: object }>((tie) => ({
      schema: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('schema'), fc.nat(3), fc.nat(3)).map(([items, minItems, extra]) => ({
          type: 'array',
          items,
          minItems,
          maxItems: minItems + extra,
        })),
        fc
          .dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), tie('schema'), { maxKeys: 5 })
          .map((properties) => ({
            type: 'object',
            properties,
            required: Object.keys(properties),
            additionalProperties: false,
          })),
      ),
    }));
    fc.assert(
      fc.property(schema, fc.nat(), (built, seed) => {
        const validate = ajv.compile(built);
        const value = example(built, seed);
        return validate(value) && JSON.stringify(example(built, seed)) === JSON.stringify(value);
      }),
      { numRuns: 300 },
    );
  });
});

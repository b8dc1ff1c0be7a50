import { outputCsvColumns } from '../../../src/core/batch/outputCsvColumns';
import { CALL_SCHEMA, FLAT_SCHEMA, RECEIPT_SCHEMA } from '../../fixtures/outputSchemas';

describe('outputCsvColumns', () => {
  it('lists the top-level properties in the schema’s order when every one is a scalar', () => {
    expect(outputCsvColumns(FLAT_SCHEMA)).toEqual([
      'title',
      'contact',
      'seen_at',
      'score',
      'reviewed',
      'note',
    ]);
    expect(
      outputCsvColumns({
        type: 'object',
        properties: {
          kind: { enum: ['a', 'b', null] },
          version: { const: 2 },
          z: { type: 'string' },
          a: { type: 'integer' },
        },
      }),
    ).toEqual(['kind', 'version', 'z', 'a']);
  });

  it('gives no columns for nested values, a non-object top level, or no properties', () => {
    expect(outputCsvColumns(RECEIPT_SCHEMA)).toBeUndefined(); // line_items is an array of objects
    expect(outputCsvColumns(CALL_SCHEMA)).toBeUndefined(); // action_items is an array
    expect(outputCsvColumns({ type: 'array', items: { type: 'string' } })).toBeUndefined();
    expect(outputCsvColumns({ type: 'object', properties: {} })).toBeUndefined();
    expect(outputCsvColumns({ type: 'object', properties: { any: {} } })).toBeUndefined();
    expect(outputCsvColumns({ type: 'object', properties: { x: { enum: [{ a: 1 }] } } })).toBeUndefined();
    expect(outputCsvColumns(undefined)).toBeUndefined();
  });
});

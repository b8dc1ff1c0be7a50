import { ResponseFormatSupport } from '../../../src/core/retry/ResponseFormatSupport';
import {
  JSON_SCHEMA_NOT_SUPPORTED_BODY,
  invalidResponseFormatSchema,
} from '../../../src/emulator/serviceErrors';

describe('ResponseFormatSupport', () => {
  it('learns json_object for a model that refuses json_schema, not for a schema strict mode refuses', () => {
    const formats = new ResponseFormatSupport();
    const refusedSchema = invalidResponseFormatSchema(
      'receipt',
      ['properties', 'd'],
      'type "date" is not supported.',
    );
    expect(
      formats.learn('gpt-4o', 'json_schema', { status: 400, headers: {}, body: refusedSchema.body }),
    ).toBe(false);
    expect(formats.typeFor('gpt-4o')).toBe('json_schema');
    const refusedFormat = { status: 400, headers: {}, body: JSON_SCHEMA_NOT_SUPPORTED_BODY };
    expect(formats.learn('phi-4', 'json_schema', refusedFormat)).toBe(true);
    expect([formats.typeFor('phi-4'), formats.typeFor('gpt-4o')]).toEqual(['json_object', 'json_schema']);
  });
});

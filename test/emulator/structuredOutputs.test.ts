import { isUnexpected } from '@azure-rest/ai-inference';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { startEmulator } from '../../src/emulator/startEmulator';
import type { RunningEmulator } from '../../src/emulator/RunningEmulator';
import {
  JSON_SCHEMA_API_VERSION_BODY,
  JSON_SCHEMA_NOT_SUPPORTED_BODY,
} from '../../src/emulator/serviceErrors';
import { textTokens } from '../../src/core/tokens/textTokens';
import { encodeImage, wav } from '../core/media/fixtures';
import { CALL_SCHEMA, RECEIPT_SCHEMA } from '../fixtures/outputSchemas';
import { audioPart, imagePart, keyClient, postRaw, userMessage } from './emulatorClient';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const STRUCTURED_API = '/models/chat/completions?api-version=2024-10-21';

function receiptFormat(schema: object = RECEIPT_SCHEMA) {
  return { type: 'json_schema', json_schema: { name: 'receipt', schema, strict: true } };
}

function contentOf(json: unknown): string {
  const { choices } = json as { choices: { message: { content: string } }[] };
  return choices[0]?.message.content ?? '';
}

let png: Buffer;
let otherPng: Buffer;

beforeAll(async () => {
  png = await encodeImage('png', 320, 200);
  otherPng = await encodeImage('png', 64, 48);
});

describe('emulator response_format json_schema', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  const ask = (image: Buffer, extra: object = {}) =>
    postRaw(
      emulator,
      {
        messages: [
          { role: 'system', content: 'You read receipts.' },
          userMessage(imagePart('image/png', image)),
        ],
        response_format: receiptFormat(),
        ...extra,
      },
      { path: STRUCTURED_API },
    );

  it('answers JSON that validates against the schema, the same for the same image, describing the media', async () => {
    const first = await ask(png);
    expect(first.status).toBe(200);
    const output: unknown = JSON.parse(contentOf(first.json));
    expect(ajv.validate(RECEIPT_SCHEMA, output)).toBe(true);
    expect((output as { merchant: string }).merchant).toMatch(
      /^merchant of image\/png 320x200, \d+ bytes, sha256:/,
    );
    expect(contentOf((await ask(png)).json)).toBe(contentOf(first.json));
    expect(contentOf((await ask(otherPng)).json)).not.toBe(contentOf(first.json));
  });

  it('through ModelClient, for audio with an enum, and counts the schema as prompt text', async () => {
    const client = keyClient(emulator);
    const messages = [
      userMessage({ type: 'text', text: 'Summarize the call.' }, audioPart('wav', wav({ seconds: 2 }))),
    ];
    const plain = await client.path('/chat/completions').post({
      body: { messages },
      queryParameters: { 'api-version': '2025-01-01-preview' },
    });
    const structured = await client.path('/chat/completions').post({
      body: {
        messages,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'call', schema: CALL_SCHEMA, strict: true },
        },
      },
      queryParameters: { 'api-version': '2025-01-01-preview' },
    });
    if (isUnexpected(plain) || isUnexpected(structured)) throw new Error('unexpected answer');
    const output: unknown = JSON.parse(structured.body.choices[0]?.message.content ?? '');
    expect(ajv.validate(CALL_SCHEMA, output)).toBe(true);
    expect(['positive', 'neutral', 'negative', 'mixed']).toContain(
      (output as { sentiment: string }).sentiment,
    );
    expect(structured.body.usage.prompt_tokens - plain.body.usage.prompt_tokens).toBe(
      textTokens(JSON.stringify(CALL_SCHEMA)),
    );
  });

  it('refuses json_schema under an api-version older than 2024-08-01-preview with Azure’s 400', async () => {
    const old = await postRaw(
      emulator,
      { messages: [userMessage(imagePart('image/png', png))], response_format: receiptFormat() },
      { path: '/models/chat/completions?api-version=2024-05-01-preview' },
    );
    expect(old.status).toBe(400);
    expect(old.json).toEqual(JSON_SCHEMA_API_VERSION_BODY);
  });

  it('refuses a strict schema without additionalProperties: false or with a property not required', async () => {
    const open = await ask(png, {
      response_format: receiptFormat({ ...RECEIPT_SCHEMA, additionalProperties: true }),
    });
    expect(open.status).toBe(400);
    expect(open.json).toMatchObject({
      error: {
        message:
          "Invalid schema for response_format 'receipt': In context=(), 'additionalProperties' is required to be supplied and to be false.",
        param: 'response_format',
      },
    });
    const items = RECEIPT_SCHEMA.properties.line_items;
    const optional = await ask(png, {
      response_format: receiptFormat({
        ...RECEIPT_SCHEMA,
        properties: {
          ...RECEIPT_SCHEMA.properties,
          line_items: { ...items, items: { ...items.items, required: ['amount'] } },
        },
      }),
    });
    expect(optional.status).toBe(400);
    expect(JSON.stringify(optional.json)).toContain(
      "In context=('properties', 'line_items', 'items'), 'required'",
    );
    expect(JSON.stringify(optional.json)).toContain("Missing 'description'");
    const badName = await ask(png, {
      response_format: { type: 'json_schema', json_schema: { name: 'a receipt', schema: RECEIPT_SCHEMA } },
    });
    expect(badName.status).toBe(400);
  });

  it('answers json_object with an object, of the schema the messages state when they state one', async () => {
    const stated = await postRaw(
      emulator,
      {
        messages: [
          {
            role: 'system',
            content: `Answer in JSON matching this schema: ${JSON.stringify(RECEIPT_SCHEMA)}`,
          },
          userMessage(imagePart('image/png', png)),
        ],
        response_format: { type: 'json_object' },
      },
      { path: STRUCTURED_API },
    );
    expect(ajv.validate(RECEIPT_SCHEMA, JSON.parse(contentOf(stated.json)))).toBe(true);
    const free = await postRaw(emulator, {
      messages: [userMessage({ type: 'text', text: 'Describe it as JSON.' }, imagePart('image/png', png))],
      response_format: { type: 'json_object' },
    });
    const described = JSON.parse(contentOf(free.json)) as Record<string, unknown>;
    expect(Object.keys(described)).toEqual(['description']);
    expect(described.description).toContain('image/png 320x200');
  });

  it('refuses json_object when no message says "json"', async () => {
    const answer = await postRaw(emulator, {
      messages: [userMessage({ type: 'text', text: 'Describe it.' }, imagePart('image/png', png))],
      response_format: { type: 'json_object' },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { param: 'messages', type: 'invalid_request_error' } });
  });

  it('cuts the JSON at max_tokens with finish_reason length', async () => {
    const cut = await ask(png, { max_tokens: 10 });
    const { choices } = cut.json as { choices: { finish_reason: string; message: { content: string } }[] };
    expect(choices[0]?.finish_reason).toBe('length');
    expect(() => JSON.parse(choices[0]?.message.content ?? '') as unknown).toThrow(SyntaxError);
  });
});

describe.each(['phi-4-multimodal', 'llama-3.2-vision', 'gpt-4o-audio', 'gpt-4o-mini-audio'])(
  'profile %s without structured outputs',
  (model) => {
    it('answers json_schema with the OpenAI-shape 400 and json_object normally', async () => {
      const emulator = await startEmulator({ model });
      try {
        const media = model.includes('audio')
          ? audioPart('wav', wav({ seconds: 1 }))
          : imagePart('image/png', png);
        const refused = await postRaw(
          emulator,
          { messages: [userMessage(media)], response_format: receiptFormat() },
          { path: STRUCTURED_API },
        );
        expect(refused.status).toBe(400);
        expect(refused.json).toEqual(JSON_SCHEMA_NOT_SUPPORTED_BODY);
        const fallback = await postRaw(
          emulator,
          {
            messages: [
              {
                role: 'system',
                content: `Reply with JSON for this schema: ${JSON.stringify(RECEIPT_SCHEMA)}`,
              },
              userMessage(media),
            ],
            response_format: { type: 'json_object' },
          },
          { path: STRUCTURED_API },
        );
        expect(fallback.status).toBe(200);
        expect(ajv.validate(RECEIPT_SCHEMA, JSON.parse(contentOf(fallback.json)))).toBe(true);
      } finally {
        await emulator.close();
      }
    });
  },
);

describe('answer faults for structured outputs', () => {
  it('serves invalid-json, schema-mismatch and truncated answers in sequence, then a valid one', async () => {
    const emulator = await startEmulator({ faults: ['invalid-json', 'schema-mismatch', 'truncated'] });
    try {
      const body = { messages: [userMessage(imagePart('image/png', png))], response_format: receiptFormat() };
      const prose = await postRaw(emulator, body, { path: STRUCTURED_API });
      expect(prose.status).toBe(200);
      expect(() => JSON.parse(contentOf(prose.json)) as unknown).toThrow(SyntaxError);
      const mismatch = await postRaw(emulator, body, { path: STRUCTURED_API });
      expect(ajv.validate(RECEIPT_SCHEMA, JSON.parse(contentOf(mismatch.json)))).toBe(false);
      const truncated = await postRaw(emulator, body, { path: STRUCTURED_API });
      expect(truncated.json).toMatchObject({ choices: [{ finish_reason: 'length' }] });
      expect(() => JSON.parse(contentOf(truncated.json)) as unknown).toThrow(SyntaxError);
      const valid = await postRaw(emulator, body, { path: STRUCTURED_API });
      expect(ajv.validate(RECEIPT_SCHEMA, JSON.parse(contentOf(valid.json)))).toBe(true);
    } finally {
      await emulator.close();
    }
  });
});

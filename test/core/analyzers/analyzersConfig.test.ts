import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { selectAnalyzer } from '../../../src/core/analyzers/selectAnalyzer';
import { MediaCompletionsError } from '../../../src/core/errors/MediaCompletionsError';

const MINIMAL = {
  MediaStorage: 'UseDevelopmentStorage=true',
  AZURE_INFERENCE_ENDPOINT: 'https://x.services.ai.azure.com/models',
  AZURE_INFERENCE_MODEL: 'gpt-4o',
};
/** A folder without analyzers.json: only what a test writes there or sets inline counts. */
const EMPTY_ROOT = mkdtempSync(path.join(tmpdir(), 'analyzers-root-'));

const RECEIPT_SCHEMA = {
  type: 'object',
  properties: { merchant: { type: 'string' }, total: { type: 'number' } },
  required: ['merchant', 'total'],
  additionalProperties: false,
};

const ISSUE_EXAMPLE = {
  default: 'describe',
  analyzers: {
    describe: { prompt: 'Describe this file.' },
    receipts: {
      description: 'Receipt photos to fields',
      match: ['receipts/'],
      media: ['image'],
      system: 'You read receipts.',
      prompt: 'Extract the receipt.',
      detail: 'high',
      max_tokens: 800,
      model: 'gpt-4o',
      output: { name: 'receipt', schema: RECEIPT_SCHEMA },
    },
    calls: { match: ['calls/'], media: ['audio'], prompt: 'Summarize the call.' },
    scans: { match: ['receipts/scans/'], model: { image: 'gpt-4o-mini' } },
  },
};

function problem(env: Record<string, string>, appRoot = EMPTY_ROOT): string {
  try {
    loadConfig({ ...MINIMAL, ...env }, { appRoot });
  } catch (error) {
    if (error instanceof MediaCompletionsError && error.code === 'invalid_config') return error.message;
    throw error;
  }
  throw new Error('loadConfig accepted the settings');
}

describe('MEDIA_ANALYZERS', () => {
  it("reads the issue's example and routes by the longest match prefix, else the default", () => {
    const { pipeline } = loadConfig(
      { ...MINIMAL, MEDIA_ANALYZERS: JSON.stringify(ISSUE_EXAMPLE) },
      { appRoot: EMPTY_ROOT },
    );
    const pick = (blobName: string) =>
      selectAnalyzer(pipeline.analyzers, { blobName }, 'invalid_override')?.name;
    expect(pick('receipts/a.jpg')).toBe('receipts');
    expect(pick('receipts/scans/a.jpg')).toBe('scans');
    expect(pick('calls/2026/a.wav')).toBe('calls');
    expect(pick('other/receipts/a.jpg')).toBe('describe');
    expect(
      selectAnalyzer(
        pipeline.analyzers,
        { requested: 'calls', blobName: 'receipts/a.jpg' },
        'invalid_override',
      )?.name,
    ).toBe('calls');
    let refused: unknown;
    try {
      selectAnalyzer(pipeline.analyzers, { requested: 'nope' }, 'unknown_analyzer');
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'unknown_analyzer', retryable: false });
    expect(String(refused)).toContain('Unknown analyzer "nope" (known: describe, receipts, calls, scans)');
  });

  it('is off without the settings or a file: no analyzers, the audio model is AZURE_INFERENCE_MODEL', () => {
    const { pipeline } = loadConfig(MINIMAL, { appRoot: EMPTY_ROOT });
    expect(pipeline.analyzers).toBeUndefined();
    expect(pipeline.audioModel).toBe('gpt-4o');
    expect(pipeline.allowedModels).toEqual(['gpt-4o']);
  });

  it('AZURE_INFERENCE_AUDIO_MODEL names the audio model, which overrides may name too', () => {
    const { pipeline } = loadConfig(
      { ...MINIMAL, AZURE_INFERENCE_AUDIO_MODEL: 'gpt-4o-audio-preview' },
      { appRoot: EMPTY_ROOT },
    );
    expect(pipeline.audioModel).toBe('gpt-4o-audio-preview');
    expect(pipeline.allowedModels).toEqual(['gpt-4o', 'gpt-4o-audio-preview']);
  });

  it.each([
    [
      '{"analyzers": {"receipts": {"max_tokens": "800"}}}',
      'MEDIA_ANALYZERS $.analyzers.receipts.max_tokens must be integer',
    ],
    [
      '{"analyzers": {"receipts": {"media": ["video"]}}}',
      'MEDIA_ANALYZERS $.analyzers.receipts.media[0] must be equal to one of the allowed values (image, audio)',
    ],
    [
      '{"analyzers": {"receipts": {"promt": "x"}}}',
      'MEDIA_ANALYZERS $.analyzers.receipts.promt is not a known field',
    ],
    [
      '{"analyzers": {"receipts": {"output": {"name": "receipt"}}}}',
      'MEDIA_ANALYZERS $.analyzers.receipts.output.schema is required',
    ],
    ['{"analyzers": {"bad name": {}}}', 'MEDIA_ANALYZERS $.analyzers["bad name"] is not a valid name'],
    [
      '{"default": "describe", "analyzers": {"receipts": {}}}',
      'MEDIA_ANALYZERS $.default names "describe", which is not an analyzer',
    ],
    [
      '{"analyzers": {"r": {"output": {"name": "r", "schema": {"type": "object", "properties": {"x": {"$ref": "#/$defs/x"}}, "required": ["x"], "additionalProperties": false}}}}}',
      'MEDIA_ANALYZERS $.analyzers.r.output.schema The output schema is not a usable JSON Schema',
    ],
    // What strict structured outputs refuse would otherwise pass here and fail at the service, for every input.
    [
      '{"analyzers": {"receipts": {"output": {"name": "r", "schema": {"type": "object", "properties": {"merchant": {"type": "string"}, "total": {"type": "number"}}, "required": ["merchant"], "additionalProperties": false}}}}}',
      "MEDIA_ANALYZERS $.analyzers.receipts.output.schema.required 'required' is required to be supplied and to be an array including every key in properties. Missing 'total'.",
    ],
    [
      '{"analyzers": {"r": {"output": {"name": "r", "schema": {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "object", "properties": {}}}}, "required": ["a"], "additionalProperties": false}}}}}',
      "MEDIA_ANALYZERS $.analyzers.r.output.schema.properties.a.items.additionalProperties 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      '{"analyzers": {"r": {"output": {"name": "r", "schema": {"type": "object", "properties": {"code": {"type": "string", "pattern": "^(a+)+$"}}, "required": ["code"], "additionalProperties": false}}}}}',
      "MEDIA_ANALYZERS $.analyzers.r.output.schema.properties.code.pattern 'pattern' is not permitted.",
    ],
    ['{"analyzers": [', 'MEDIA_ANALYZERS must be JSON'],
  ])('refuses %s, naming the setting and the JSON path', (json, expected) => {
    expect(problem({ MEDIA_ANALYZERS: json })).toContain(expected);
  });

  it('reads analyzers.json at the app root, a file MEDIA_ANALYZERS_FILE names, and lets the inline setting win', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'analyzers-file-'));
    writeFileSync(path.join(root, 'analyzers.json'), JSON.stringify({ analyzers: { fromdefault: {} } }));
    writeFileSync(path.join(root, 'other.json'), JSON.stringify({ analyzers: { fromsetting: {} } }));
    const names = (env: Record<string, string>) => [
      ...(loadConfig({ ...MINIMAL, ...env }, { appRoot: root }).pipeline.analyzers?.byName.keys() ?? []),
    ];
    expect(names({})).toEqual(['fromdefault']);
    expect(names({ MEDIA_ANALYZERS_FILE: 'other.json' })).toEqual(['fromsetting']);
    expect(
      names({ MEDIA_ANALYZERS_FILE: 'other.json', MEDIA_ANALYZERS: '{"analyzers": {"inline": {}}}' }),
    ).toEqual(['inline']);
    writeFileSync(path.join(root, 'analyzers.json'), '{"analyzers": {"x": {"detail": "ultra"}}}');
    expect(problem({}, root)).toContain(
      `${path.join(root, 'analyzers.json')} $.analyzers.x.detail must be equal to one of the allowed values`,
    );
    expect(problem({ MEDIA_ANALYZERS_FILE: 'missing.json' }, root)).toContain(
      `MEDIA_ANALYZERS_FILE (${path.join(root, 'missing.json')}) cannot be read`,
    );
  });
});

import type * as ProcessMediaBlobModule from '../../src/functions/processMediaBlob';
import { outputValidator } from '../../src/core/analyzers/outputValidator';
import { encodeImage } from '../core/media/fixtures';
import { RECEIPT_SCHEMA } from '../fixtures/outputSchemas';
import { deliverBlob } from '../support/deliverBlob';
import { expectValidErrorDocument, expectValidResultDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

/**
 * End to end against the emulator's phi-4-multimodal profile, which answers Azure's 400 to `json_schema`: the
 * fallback to `json_object`, then the answer faults that make an output invalid or cut.
 */
let harness: FunctionsHarness;
let blob: typeof ProcessMediaBlobModule;
let png: Buffer;

beforeAll(async () => {
  harness = await functionsHarness(
    // Requests 1-3 answer normally (the first is the 400), then two prose answers, then a cut one.
    { model: 'phi-4-multimodal', faults: ['ok', 'ok', 'ok', 'invalid-json', 'invalid-json', 'truncated'] },
    {
      AZURE_INFERENCE_MODEL: 'phi-4-multimodal',
      MEDIA_ANALYZERS: JSON.stringify({
        analyzers: {
          receipts: {
            match: ['receipts/'],
            prompt: 'Extract the receipt.',
            output: { name: 'receipt', schema: RECEIPT_SCHEMA },
          },
        },
      }),
    },
  );
  blob = await import('../../src/functions/processMediaBlob');
  png = await encodeImage('png', 32, 20);
});

afterAll(async () => {
  await harness.close();
});

const read = async (name: string) => (await harness.blobs.readJson(harness.output, name))?.value;

it('falls back to json_object once for the model, then validates, retries once and records invalid or cut outputs', async () => {
  for (const name of ['receipts/1.png', 'receipts/2.png']) {
    await deliverBlob(harness, blob.processMediaBlob, name, png);
    const document = await read(`${name}.json`);
    expectValidResultDocument(document);
    expect(document).toMatchObject({ analyzer: 'receipts', attempts: 1 });
    expect(outputValidator(RECEIPT_SCHEMA)(document.output)).toBeUndefined();
    expect(document.completion).toBe(JSON.stringify(document.output));
  }
  // One refusal of json_schema for the whole process: 3 calls for 2 inputs.
  expect(harness.emulator.stats().byStatus).toEqual({ '400': 1, '200': 2 });

  await deliverBlob(harness, blob.processMediaBlob, 'receipts/prose.png', png);
  const invalid = await read('receipts/prose.png.error.json');
  expectValidErrorDocument(invalid);
  expect(invalid.error).toMatchObject({ code: 'output_invalid', attempts: 2, retryable: false });
  expect(invalid.error.completion).toMatch(/^Sure! /);

  await deliverBlob(harness, blob.processMediaBlob, 'receipts/cut.png', png);
  const cut = await read('receipts/cut.png.error.json');
  expectValidErrorDocument(cut);
  expect(cut.error).toMatchObject({ code: 'output_truncated', attempts: 1 });
  expect(harness.emulator.stats().chatCompletions).toBe(6);
});

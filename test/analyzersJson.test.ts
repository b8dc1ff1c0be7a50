import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { processBlob } from '../src/core/blob/processBlob';
import { ResponseFormatSupport } from '../src/core/retry/ResponseFormatSupport';
import { pipelineHarness, type PipelineHarness } from './support/pipelineHarness';

/** The analyzers.json the app ships (read from the app root when MEDIA_ANALYZERS is unset). */
const ROOT = path.join(__dirname, '..');
const bundled = JSON.parse(readFileSync(path.join(ROOT, 'analyzers.json'), 'utf8')) as {
  analyzers: Record<string, { output?: { schema: object } }>;
};
const ajv = new Ajv2020({ strict: false });

describe.each([
  ['multimodal', 'json_schema'],
  ['gpt-4o-mini-audio', 'the json_object fallback'],
])('the bundled analyzers.json with the %s profile (%s)', (model) => {
  let harness: PipelineHarness;
  const responseFormats = new ResponseFormatSupport();
  beforeAll(async () => {
    // Unset (the harness turns analyzers off inline): the app root's analyzers.json applies, as in a deployment.
    harness = await pipelineHarness({ model }, { MEDIA_ANALYZERS: '' });
  });
  afterAll(() => harness.close());

  async function run(name: string, sample: string): Promise<Record<string, unknown>> {
    await harness.blobs.upload(harness.input, name, readFileSync(path.join(ROOT, 'samples', sample)));
    // As the app's composition root wires it: a model that refuses json_schema is asked for JSON mode.
    const deps = { ...harness.deps, responseFormats };
    const outcome = await processBlob(deps, { container: harness.input, name });
    if (outcome.status === 'gone') throw new Error('gone');
    return outcome.document as unknown as Record<string, unknown>;
  }

  it('is what the app loads by default: describe by default, receipts and calls routed by folder', () => {
    const analyzers = harness.config.pipeline.analyzers;
    expect([...(analyzers?.byName.keys() ?? [])]).toEqual(['describe', 'receipts', 'calls']);
    expect(analyzers?.default?.name).toBe('describe');
    expect(analyzers?.byName.get('describe')?.prompt).toBeUndefined(); // the app's own prompts
  });

  it('turns the spoken call sample into a summary, action items and a sentiment', async () => {
    const document = await run('calls/voicemail.wav', 'call.wav');
    expect(document).toMatchObject({ status: 'succeeded', analyzer: 'calls' });
    expect(ajv.validate(bundled.analyzers.calls?.output?.schema ?? false, document.output)).toBe(true);
  });

  if (model === 'multimodal') {
    it('turns the receipt sample into fields that the service’s strict mode accepts', async () => {
      const document = await run('receipts/cafe.png', 'receipt.png');
      expect(document).toMatchObject({ status: 'succeeded', analyzer: 'receipts' });
      expect(ajv.validate(bundled.analyzers.receipts?.output?.schema ?? false, document.output)).toBe(true);
      expect(await run('chart.png', 'chart.png')).toMatchObject({ analyzer: 'describe' });
    });
  }
});

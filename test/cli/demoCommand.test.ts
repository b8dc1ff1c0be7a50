import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { runDemo } from '../../src/cli/demoCommand';
import { testConnectionString, uniqueName } from '../support/storage';
import { AzureBlobStore } from '../../src/adapters/AzureBlobStore';
import { BlobServiceClient } from '@azure/storage-blob';

describe('media-completions demo', () => {
  it('runs end to end with no configuration at all', async () => {
    let output = '';
    const code = await runDemo({}, false, (text) => {
      output += text;
    });
    expect(code).toBe(0);
    expect(output).toContain('Starting Azurite (in memory)');
    expect(output).toContain('Started the model emulator');
    expect(output.match(/^ASSISTANT: /gm)).toHaveLength(3);
    expect(output).toContain('Result: media-out/demo/chart.png.json');
    expect(output).toContain('Result: media-out/demo/tone.wav.json');
    expect(output).toContain('2 input(s): 2 succeeded');
    // The bundled analyzers.json: the receipt comes back as structured output valid against its schema.
    expect(output).toContain('Analyzer: receipts');
    expect(output).toContain('Result: media-out/demo/receipt.png.json');
    const printed = /^Output: (\{[\s\S]*?^\})$/m.exec(output)?.[1];
    const bundled = JSON.parse(readFileSync(path.join(__dirname, '../../analyzers.json'), 'utf8')) as {
      analyzers: { receipts: { output: { schema: object } } };
    };
    expect(
      new Ajv2020({ strict: false }).validate(
        bundled.analyzers.receipts.output.schema,
        JSON.parse(printed ?? ''),
      ),
    ).toBe(true);
  });

  it('uses configured storage instead of starting Azurite, and says so', async () => {
    const input = uniqueName('demo-in');
    const output = uniqueName('demo-out');
    let text = '';
    const code = await runDemo(
      { MediaStorage: testConnectionString(), MEDIA_INPUT_CONTAINER: input, MEDIA_OUTPUT_CONTAINER: output },
      false,
      (chunk) => {
        text += chunk;
      },
    );
    expect(code).toBe(0);
    expect(text).toContain('Using the configured storage account.');
    expect(text).not.toContain('Starting Azurite');
    const blobs = new AzureBlobStore(BlobServiceClient.fromConnectionString(testConnectionString()));
    expect((await blobs.readJson(output, 'demo/chart.png.json'))?.value).toMatchObject({
      status: 'succeeded',
      media: { kind: 'image', mimeType: 'image/png' },
    });
    expect((await blobs.readJson(output, 'demo/tone.wav.json'))?.value).toMatchObject({
      media: { kind: 'audio' },
    });
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { chatRequestBody } from '../../src/adapters/chatRequestBody';
import { InferenceModelGateway } from '../../src/adapters/InferenceModelGateway';
import type { ChatRequest } from '../../src/core/ports/ModelGateway';
import { startEmulator } from '../../src/emulator/startEmulator';
import { encodeImage, wav } from '../core/media/fixtures';
import { keyClient } from '../emulator/emulatorClient';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return chunks;
}

function request(parts: ChatRequest['messages'][number]['content']): ChatRequest {
  return {
    messages: [
      { role: 'system', content: 'Be "precise" \\ brief — ünïcode ✓' },
      { role: 'user', content: parts },
    ],
    model: 'gpt-4o',
    maxTokens: 77,
    apiVersion: '2024-05-01-preview',
  };
}

const shortHash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').slice(0, 8);

describe('chatRequestBody', () => {
  it('streams exactly the JSON a data-URL body would be, again on every call', async () => {
    // Lengths 0, 1 and 2 mod 3 exercise base64 padding at the end of the last chunk.
    for (const size of [0, 1, 2, 196_607, 196_608, 196_609, 600_001]) {
      const image = randomBytes(size);
      const audio = randomBytes(size + 1);
      const body = chatRequestBody(
        request([
          { type: 'text', text: 'What is this? "quoted" \n @ marker-like @x:0@' },
          { type: 'image', bytes: image, mimeType: 'image/png', detail: 'high' },
          { type: 'imageUrl', url: 'https://example.com/a.png', detail: 'low' },
          { type: 'audio', bytes: audio, format: 'wav' },
        ]),
        { stream: true },
      );
      const expected = JSON.stringify({
        messages: [
          { role: 'system', content: 'Be "precise" \\ brief — ünïcode ✓' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this? "quoted" \n @ marker-like @x:0@' },
              {
                type: 'image_url',
                image_url: { url: `data:image/png;base64,${image.toString('base64')}`, detail: 'high' },
              },
              { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
              { type: 'input_audio', input_audio: { data: audio.toString('base64'), format: 'wav' } },
            ],
          },
        ],
        max_tokens: 77,
        model: 'gpt-4o',
        stream: true,
      });
      const first = Buffer.concat(await collect(body.stream()));
      const second = Buffer.concat(await collect(body.stream()));
      expect(first.toString('utf8')).toBe(expected);
      expect(body.length).toBe(Buffer.byteLength(expected));
      expect(second.equals(first)).toBe(true);
    }
  });

  it('never holds the payload as one piece', async () => {
    const image = randomBytes(3 * 1024 * 1024);
    const body = chatRequestBody(
      request([{ type: 'image', bytes: image, mimeType: 'image/jpeg', detail: 'auto' }]),
    );
    const chunks = await collect(body.stream());
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(256 * 1024);
    expect(chunks.length).toBeGreaterThan(16);
  });
});

describe('InferenceModelGateway with the streamed body', () => {
  it('is replayed intact by an SDK retry after a 503', async () => {
    const emulator = await startEmulator({ key: 'test-key', faults: ['503'], faultRetryAfterMs: 20 });
    try {
      const client = keyClient(emulator, 'test-key', { retryOptions: { maxRetries: 2, retryDelayInMs: 10 } });
      const gateway = new InferenceModelGateway(client);
      const png = await encodeImage('png', 300, 200);
      const response = await gateway.complete(
        request([
          { type: 'text', text: 'Describe.' },
          { type: 'image', bytes: png, mimeType: 'image/png', detail: 'low' },
        ]),
        { timeoutMs: 10_000 },
      );
      expect(response.status).toBe(200);
      const stats = emulator.stats();
      expect(stats.byStatus).toEqual({ '200': 1, '503': 1 });
      expect(stats.received.map((entry) => entry.status)).toEqual(['503', '200']);
      expect(stats.received[1]?.media).toEqual([
        expect.objectContaining({
          mimeType: 'image/png',
          bytes: png.length,
          sha256: shortHash(png),
          width: 300,
        }),
      ]);
      expect(stats.received[1]?.usage?.prompt_tokens).toBeGreaterThan(85);
    } finally {
      await emulator.close();
    }
  });

  it('sends audio as input_audio the service can read', async () => {
    const emulator = await startEmulator({ key: 'test-key' });
    try {
      const gateway = new InferenceModelGateway(keyClient(emulator));
      const clip = wav({ seconds: 2 });
      const response = await gateway.complete(
        { ...request([{ type: 'audio', bytes: clip, format: 'wav' }]), apiVersion: '2025-01-01-preview' },
        { timeoutMs: 10_000 },
      );
      expect(response.status).toBe(200);
      expect(emulator.stats().received[0]?.media).toEqual([
        expect.objectContaining({
          kind: 'audio',
          bytes: clip.length,
          sha256: shortHash(clip),
          durationSeconds: 2,
        }),
      ]);
    } finally {
      await emulator.close();
    }
  });
});

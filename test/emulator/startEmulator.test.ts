import { createHash } from 'node:crypto';
import { isUnexpected } from '@azure-rest/ai-inference';
import { encodeImage, gif, id3Tag, mp3Frames, wav } from '../core/media/fixtures';
import { startEmulator } from '../../src/emulator/startEmulator';
import type { RunningEmulator } from '../../src/emulator/RunningEmulator';
import { audioPart, imagePart, keyClient, postRaw, userMessage } from './emulatorClient';
import { DOCUMENTED_IMAGE_TOKENS } from '../core/tokens/documentedImageTokens';
import { animated, cmykJpeg, encodeOther, heic, orientedJpeg } from '../fixtures/imageKinds';

const UNAUTHORIZED = {
  statusCode: 401,
  message:
    'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
};

let emulator: RunningEmulator;
let png: Buffer;

beforeAll(async () => {
  emulator = await startEmulator({ key: 'test-key' });
  png = await encodeImage('png', 320, 200);
});

afterAll(async () => {
  await emulator.close();
});

function shortHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 8);
}

describe('emulator through ModelClient with a key over http', () => {
  it('answers an image request with Azure’s shape, a description of the bytes and GPT-4o usage', async () => {
    const client = keyClient(emulator);
    const res = await client.path('/chat/completions').post({
      body: {
        messages: [
          { role: 'system', content: 'You describe images.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture please?' },
              imagePart('image/png', png, 'high'),
            ],
          },
        ],
      },
    });
    if (isUnexpected(res)) throw new Error(`unexpected ${res.status}`);
    expect(res.status).toBe('200');
    const body = res.body;
    expect(body).toMatchObject({ object: 'chat.completion', model: 'emulator-multimodal-2024-11-20' });
    expect(typeof body.id).toBe('string');
    expect(typeof body.created).toBe('number');
    const content = body.choices[0]?.message.content ?? '';
    expect(content.startsWith('[emulator]')).toBe(true);
    expect(content).toContain(`image/png 320x200, ${png.length} bytes, sha256:${shortHash(png)}`);
    expect(content).toContain('"What is in this picture please?"');
    expect(body.choices[0]?.finish_reason).toBe('stop');
    const raw = body as unknown as Record<string, unknown>;
    expect(raw.prompt_filter_results).toBeDefined();
    expect(raw.system_fingerprint).toBe('fp_emulator');
    expect((raw.choices as Record<string, unknown>[])[0]?.content_filter_results).toBeDefined();
    // 320x200 high: one tile → 255; text: 20 + 31 characters joined → ceil(52 / 4) = 13.
    expect(body.usage.prompt_tokens).toBe(255 + 13);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(body.usage.completion_tokens).toBe(Math.ceil(content.length / 4));
    expect(res.headers['apim-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-request-id']).toBe(res.headers['apim-request-id']);
    expect(Number(res.headers['x-ratelimit-remaining-requests'])).toBeGreaterThan(0);
    expect(Number(res.headers['x-ratelimit-remaining-tokens'])).toBeGreaterThan(0);
  });

  it.each(DOCUMENTED_IMAGE_TOKENS)(
    'charges the documented image tokens for %ix%i %s',
    async (width, height, detail, expected) => {
      // A PNG header declaring the size is enough: the emulator never decodes pixels.
      const header = Buffer.from(png);
      header.writeUInt32BE(width, 16);
      header.writeUInt32BE(height, 20);
      const res = await keyClient(emulator)
        .path('/chat/completions')
        .post({
          body: { messages: [userMessage(imagePart('image/png', header, detail))] },
        });
      if (isUnexpected(res)) throw new Error(`unexpected ${res.status}`);
      expect(res.body.usage.prompt_tokens).toBe(expected);
    },
  );

  it('answers WAV and MP3 audio with duration, rate, channels and ~10 tokens per second', async () => {
    const audio = wav({ seconds: 2, sampleRate: 16000, channels: 1 });
    const mp3 = Buffer.concat([id3Tag(64), mp3Frames(383)]); // 383 × 1152 / 44100 ≈ 10.0 s
    const res = await keyClient(emulator)
      .path('/chat/completions')
      .post({
        body: { messages: [userMessage(audioPart('wav', audio), audioPart('mp3', mp3))] },
      });
    if (isUnexpected(res)) throw new Error(`unexpected ${res.status}`);
    const content = res.body.choices[0]?.message.content ?? '';
    expect(content).toContain(
      `audio/wav 2.0 s, 16000 Hz, 1 ch, ${audio.length} bytes, sha256:${shortHash(audio)}`,
    );
    expect(content).toContain(`audio/mpeg 10.0 s, 44100 Hz, 2 ch, ${mp3.length} bytes`);
    expect(res.body.usage.prompt_tokens).toBe(20 + Math.ceil((383 * 1152 * 10) / 44100));
  });

  it('records https image URLs and audio URLs without fetching them, and never their path', async () => {
    const res = await postRaw(emulator, {
      messages: [
        userMessage(
          { type: 'image_url', image_url: { url: 'https://example.invalid/a.png?sig=SECRET' } },
          { type: 'audio_url', audio_url: { url: 'https://example.invalid/b.wav?sig=SECRET' } },
        ),
      ],
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).not.toContain('SECRET');
    expect(JSON.stringify(emulator.stats())).not.toContain('SECRET');
    expect(JSON.stringify(res.json)).toContain('image URL on example.invalid (not fetched)');
  });

  it('cuts the answer at max_tokens with finish_reason length', async () => {
    const res = await keyClient(emulator)
      .path('/chat/completions')
      .post({
        body: { messages: [userMessage(imagePart('image/png', png))], max_tokens: 5 },
      });
    if (isUnexpected(res)) throw new Error(`unexpected ${res.status}`);
    expect(res.body.choices[0]?.finish_reason).toBe('length');
    expect(res.body.choices[0]?.message.content).toBe('[emulator] Received ');
    expect(res.body.usage.completion_tokens).toBe(5);
  });

  it('streams chunks and a final usage chunk before [DONE]', async () => {
    const res = await keyClient(emulator)
      .path('/chat/completions')
      .post({
        body: {
          messages: [userMessage({ type: 'text', text: 'stream me' }, imagePart('image/png', png))],
          stream: true,
          stream_options: { include_usage: true },
        } as never,
      })
      .asNodeStream();
    expect(res.status).toBe('200');
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const chunks: Buffer[] = [];
    for await (const chunk of res.body ?? []) chunks.push(chunk as Buffer);
    const events = Buffer.concat(chunks)
      .toString('utf8')
      .split('\n\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6));
    expect(events.at(-1)).toBe('[DONE]');
    const parsed = events.slice(0, -1).map((event) => JSON.parse(event) as Record<string, unknown>);
    expect(parsed.every((event) => event.object === 'chat.completion.chunk')).toBe(true);
    const text = parsed
      .flatMap((event) => event.choices as { delta?: { content?: string } }[])
      .map((choice) => choice.delta?.content ?? '')
      .join('');
    expect(text).toContain('image/png 320x200');
    const usage = parsed.at(-1)?.usage as { prompt_tokens: number; completion_tokens: number };
    expect(usage.prompt_tokens).toBe(255 + 3);
    expect(usage.completion_tokens).toBe(Math.ceil(text.length / 4));
  });

  it('streams without a usage chunk unless include_usage is set', async () => {
    const res = await postRaw(emulator, {
      messages: [userMessage({ type: 'text', text: 'hi' })],
      stream: true,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = String(res.json);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text).toContain('"finish_reason":"stop"');
    expect(text).not.toContain('"usage"');
  });

  it('serves every documented route and /info', async () => {
    const messages = [userMessage({ type: 'text', text: 'hi' })];
    for (const path of [
      '/chat/completions',
      '/models/chat/completions',
      '/openai/deployments/my-gpt/chat/completions',
    ]) {
      const res = await postRaw(emulator, { messages }, { path: `${path}?api-version=2024-10-21` });
      expect(res.status).toBe(200);
    }
    for (const path of ['/info', '/models/info']) {
      const res = await fetch(`${emulator.url}${path}?api-version=2024-05-01-preview`, {
        headers: { 'api-key': 'test-key' },
      });
      expect(await res.json()).toEqual({
        model_name: 'emulator-multimodal-2024-11-20',
        model_type: 'chat-completion',
        model_provider_name: 'Emulator',
      });
    }
    const info = await keyClient(emulator).path('/info').get();
    expect(info.status).toBe('200');
    expect((await postRaw(emulator, { messages }, { path: '/nope?api-version=1' })).status).toBe(404);
  });

  it('rejects a missing api-version with 400', async () => {
    const res = await postRaw(
      emulator,
      { messages: [userMessage({ type: 'text', text: 'hi' })] },
      { path: '/chat/completions' },
    );
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: { code: 'MissingApiVersionParameter', param: 'api-version', status: 400 },
    });
  });

  it('accepts the key as api-key or Bearer, and answers anything else with Azure’s 401 body', async () => {
    const messages = [userMessage({ type: 'text', text: 'hi' })];
    expect((await postRaw(emulator, { messages })).status).toBe(200);
    expect(
      (
        await postRaw(
          emulator,
          { messages },
          { headers: { 'api-key': '', authorization: 'Bearer test-key' } },
        )
      ).status,
    ).toBe(200);
    const rejected: Record<string, string>[] = [
      { 'api-key': 'wrong' },
      { 'api-key': '', authorization: 'Bearer wrong' },
      { 'api-key': '' },
    ];
    for (const headers of rejected) {
      const res = await postRaw(emulator, { messages }, { headers });
      expect(res.status).toBe(401);
      expect(res.json).toEqual(UNAUTHORIZED);
    }
    const wrong = await keyClient(emulator, 'wrong-key')
      .path('/chat/completions')
      .post({ body: { messages: [{ role: 'user', content: 'hi' }] } });
    expect(wrong.status).toBe('401');
  });

  it('keeps per-request summaries and counts by status, never payloads', () => {
    const stats = emulator.stats();
    expect(stats.requests).toBeGreaterThanOrEqual(stats.chatCompletions);
    expect(stats.byStatus['200']).toBeGreaterThan(5);
    expect(stats.byStatus['401']).toBeGreaterThanOrEqual(3);
    const imageSummary = stats.received.find((item) => item.media.some((media) => media.width === 320));
    expect(imageSummary?.media[0]).toMatchObject({
      kind: 'image',
      mimeType: 'image/png',
      bytes: png.length,
      sha256: shortHash(png),
    });
    expect(JSON.stringify(stats)).not.toContain(png.toString('base64').slice(0, 40));
  });
});

describe('emulator validation (raw HTTP)', () => {
  const cases: [string, unknown, string | RegExp][] = [
    ['not JSON', '{oops', /not valid JSON/],
    ['no messages', {}, 'messages'],
    ['empty messages', { messages: [] }, 'messages'],
    ['unknown role', { messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    [
      'parts in a system message',
      { messages: [{ role: 'system', content: [{ type: 'text', text: 'x' }] }] },
      'messages[0].content',
    ],
    [
      'text part without text',
      { messages: [userMessage({ type: 'text', text: 3 })] },
      'messages[0].content[0].text',
    ],
    ['unknown part type', { messages: [userMessage({ type: 'video_url' })] }, 'messages[0].content[0].type'],
    [
      'image url not a data or https URL',
      { messages: [userMessage({ type: 'image_url', image_url: { url: 'http://x/a.png' } })] },
      'messages[0].content[0].image_url.url',
    ],
    [
      'data URL without a mime',
      { messages: [userMessage({ type: 'image_url', image_url: { url: 'data:;base64,AAAA' } })] },
      'messages[0].content[0].image_url.url',
    ],
    [
      'unsupported image mime',
      { messages: [userMessage({ type: 'image_url', image_url: { url: 'data:image/bmp;base64,AAAA' } })] },
      'messages[0].content[0].image_url.url',
    ],
    [
      'invalid base64',
      { messages: [userMessage({ type: 'image_url', image_url: { url: 'data:image/png;base64,@@@@' } })] },
      'messages[0].content[0].image_url.url',
    ],
    [
      'bad detail',
      {
        messages: [
          userMessage({ type: 'image_url', image_url: { url: 'https://x.invalid/a.png', detail: 'ultra' } }),
        ],
      },
      'messages[0].content[0].image_url.detail',
    ],
    [
      'audio with a data: prefix',
      {
        messages: [
          userMessage({
            type: 'input_audio',
            input_audio: { data: 'data:audio/wav;base64,AAAA', format: 'wav' },
          }),
        ],
      },
      'messages[0].content[0].input_audio.data',
    ],
    [
      'audio format flac',
      { messages: [userMessage({ type: 'input_audio', input_audio: { data: 'AAAA', format: 'flac' } })] },
      'messages[0].content[0].input_audio.format',
    ],
    [
      'max_tokens zero',
      { messages: [userMessage({ type: 'text', text: 'x' })], max_tokens: 0 },
      'max_tokens',
    ],
  ];

  it.each(cases)('rejects %s with 400 and Azure’s error shape', async (_, body, param) => {
    const res = await postRaw(emulator, body);
    expect(res.status).toBe(400);
    const error = (
      res.json as { error: { code: string; message: string; param: string | null; status: number } }
    ).error;
    expect(error.status).toBe(400);
    expect(typeof error.code).toBe('string');
    if (typeof param === 'string') expect(error.param).toBe(param);
    else expect(error.message).toMatch(param);
  });

  it('rejects a mime that does not match the bytes, and audio whose format does not match', async () => {
    const jpegAsPng = await postRaw(emulator, {
      messages: [userMessage(imagePart('image/png', await encodeImage('jpeg', 8, 8)))],
    });
    expect(jpegAsPng.status).toBe(400);
    expect(JSON.stringify(jpegAsPng.json)).toMatch(/declares image\/png but the data is image\/jpeg/);
    const wavAsMp3 = await postRaw(emulator, { messages: [userMessage(audioPart('mp3', wav()))] });
    expect(wavAsMp3.status).toBe(400);
    expect(JSON.stringify(wavAsMp3.json)).toMatch(/format is mp3 but the data is audio\/wav/);
  });

  it('rejects broken, animated, empty and non-media payloads with the media error code', async () => {
    const pdf = Buffer.from('%PDF-1.7 hello');
    const cases: [unknown, string][] = [
      [imagePart('image/gif', gif(2)), 'unsupported_media_type'],
      [imagePart('image/png', png.subarray(0, 12)), 'invalid_media'],
      [imagePart('image/png', pdf), 'unsupported_media_type'],
      [audioPart('wav', Buffer.alloc(0)), 'empty_blob'],
      [audioPart('mp3', id3Tag(10)), 'invalid_media'],
    ];
    for (const [part, code] of cases) {
      const res = await postRaw(emulator, { messages: [userMessage(part)] });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code, status: 400 } });
    }
  });

  it('validates images with libvips, not the product readers: animations, other formats, orientation, CMYK', async () => {
    const refused: [unknown, RegExp][] = [
      [imagePart('image/webp', await animated('webp', 3)), /animated webp \(3 frames\)/],
      [
        imagePart('image/png', await encodeOther('tiff', 8, 8)),
        /declares image\/png but the data is image\/tiff|tiff images/,
      ],
      [imagePart('image/jpeg', heic()), /heif images are not supported/],
    ];
    for (const [part, message] of refused) {
      const res = await postRaw(emulator, { messages: [userMessage(part)] });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.json)).toMatch(message);
    }
    const oriented = await orientedJpeg(40, 30, 6);
    const cmyk = await cmykJpeg(40, 30);
    for (const bytes of [oriented, cmyk]) {
      const res = await postRaw(emulator, { messages: [userMessage(imagePart('image/jpeg', bytes))] });
      expect(res.status).toBe(200);
    }
    const received = emulator
      .stats()
      .received.slice(-2)
      .map((item) => item.media[0]);
    expect(received).toEqual([
      expect.objectContaining({ width: 40, height: 30, orientation: 6, space: 'srgb' }),
      expect.objectContaining({ width: 40, height: 30, space: 'cmyk' }),
    ]);
  });

  it('rejects images and audio over 20 MB before decoding them', async () => {
    const big = 'A'.repeat(Math.ceil((20 * 1024 * 1024 + 3) / 3) * 4);
    const image = await postRaw(emulator, {
      messages: [userMessage({ type: 'image_url', image_url: { url: `data:image/png;base64,${big}` } })],
    });
    expect(image.status).toBe(400);
    expect(JSON.stringify(image.json)).toMatch(/20 MB/);
    const audio = await postRaw(emulator, {
      messages: [userMessage({ type: 'input_audio', input_audio: { data: big, format: 'wav' } })],
    });
    expect(audio.status).toBe(400);
    expect(JSON.stringify(audio.json)).toMatch(/20 MB/);
  });

  it('rejects more images than the profile allows', async () => {
    const eleven = Array.from({ length: 11 }, () => imagePart('image/png', png));
    const res = await postRaw(emulator, { messages: [userMessage(...eleven)] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toMatch(/Too many images: 11/);
  });
});

describe('model profiles', () => {
  it('a one-image-per-turn model errors on a second image; an image-only model refuses audio', async () => {
    const llama = await startEmulator({ model: 'llama-3.2-vision' });
    try {
      const one = await postRaw(llama, { messages: [userMessage(imagePart('image/png', png))] });
      expect(one.status).toBe(200);
      expect(one.json).toMatchObject({ model: 'Llama-3.2-11B-Vision-Instruct-2024-09-25' });
      const two = await postRaw(llama, {
        messages: [userMessage(imagePart('image/png', png), imagePart('image/png', png))],
      });
      expect(two.status).toBe(400);
      expect(JSON.stringify(two.json)).toMatch(/only one image per turn/);
      const audio = await postRaw(llama, { messages: [userMessage(audioPart('wav', wav()))] });
      expect(audio.status).toBe(400);
      expect(JSON.stringify(audio.json)).toMatch(/does not accept audio/);
    } finally {
      await llama.close();
    }
  });

  it('an audio-only model refuses images; gpt-4o-mini charges its own image rates', async () => {
    const audioOnly = await startEmulator({ model: 'gpt-4o-audio' });
    const mini = await startEmulator({ model: 'gpt-4o-mini' });
    try {
      const image = await postRaw(audioOnly, { messages: [userMessage(imagePart('image/png', png))] });
      expect(image.status).toBe(400);
      expect(JSON.stringify(image.json)).toMatch(/does not accept image/);
      const res = await postRaw(mini, { messages: [userMessage(imagePart('image/png', png, 'high'))] });
      expect(res.json).toMatchObject({
        model: 'gpt-4o-mini-2024-07-18',
        usage: { prompt_tokens: 2833 + 5667 },
      });
    } finally {
      await Promise.all([audioOnly.close(), mini.close()]);
    }
  });

  it('rejects an unknown profile name', async () => {
    await expect(startEmulator({ model: 'gpt-9' })).rejects.toThrow(RangeError);
  });
});

import { createHash } from 'node:crypto';
import { HttpRequest, HttpResponse } from '@azure/functions';
import type { completions as Completions } from '../../src/functions/completions';
import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { id3Tag } from '../core/media/fixtures';
import { expectValidErrorDocument, expectValidResultDocument } from '../support/documentSchemas';
import { deliverToBlobTrigger } from '../support/deliverToBlobTrigger';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { makeAudio, type AudioKind } from '../support/makeAudio';

let harness: FunctionsHarness;
let processMediaBlob: typeof ProcessMediaBlob;
let completions: typeof Completions;

beforeAll(async () => {
  harness = await functionsHarness();
  ({ processMediaBlob } = await import('../../src/functions/processMediaBlob'));
  ({ completions } = await import('../../src/functions/completions'));
});

afterAll(async () => {
  await harness.close();
});

/** Uploads a blob and invokes the trigger as the host does. */
async function deliver(name: string, bytes: Buffer): Promise<void> {
  await deliverToBlobTrigger(harness, processMediaBlob, name, bytes);
}

const read = async (name: string) => (await harness.blobs.readJson(harness.output, name))?.value;
const lastReceived = () => harness.emulator.stats().received.at(-1);
const sha8 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 8);

interface ResultShape {
  media: { durationSeconds: number };
  sent: { bytes: number };
  usage: { prompt_tokens: number };
}

/** Delivers the file and returns its result document, checked against the schema. */
async function resultOf(name: string, bytes: Buffer): Promise<ResultShape> {
  await deliver(name, bytes);
  const document = await read(`${name}.json`);
  expectValidResultDocument(document);
  return document as ResultShape;
}

describe('audio users have, through the blob trigger: converted to PCM16 WAV and recorded', () => {
  it.each<[AudioKind, string, Record<string, unknown>]>([
    ['m4a-aac', 'memo.m4a', { format: 'm4a', mimeType: 'audio/mp4', codec: 'aac' }],
    ['ogg-opus', 'voice.ogg', { format: 'ogg', mimeType: 'audio/ogg', codec: 'opus', sampleRate: 48000 }],
    ['ogg-vorbis', 'song.ogg', { format: 'ogg', codec: 'vorbis', sampleRate: 16000 }],
    ['webm-opus', 'browser.webm', { format: 'webm', mimeType: 'audio/webm', codec: 'opus' }],
    ['flac', 'take.flac', { format: 'flac', mimeType: 'audio/flac', sampleRate: 16000 }],
    ['amr-nb', 'phone.amr', { format: 'amr', mimeType: 'audio/amr', codec: 'amr-nb', sampleRate: 8000 }],
    ['wav-mulaw', 'call-ulaw.wav', { format: 'wav', codec: 'mu-law', sampleRate: 8000 }],
    ['wav-alaw', 'call-alaw.wav', { format: 'wav', codec: 'a-law', sampleRate: 8000 }],
    ['wav-ima-adpcm', 'recorder-ima.wav', { format: 'wav', codec: 'ima-adpcm', sampleRate: 16000 }],
    ['wav-ms-adpcm', 'recorder-ms.wav', { format: 'wav', codec: 'ms-adpcm', sampleRate: 16000 }],
  ])(
    '%s: media as stored, sent as PCM16 WAV the emulator measures independently',
    async (kind, name, media) => {
      const bytes = makeAudio(kind, { seconds: 2 });
      const document = await resultOf(`kinds/${name}`, bytes);
      expect(document).toMatchObject({ media: { kind: 'audio', channels: 1, ...media } });
      expect(Math.abs(document.media.durationSeconds - 2)).toBeLessThan(0.1);
      const from = String(media.codec ?? media.format);
      expect(document).toMatchObject({
        sent: { mimeType: 'audio/wav', format: 'wav', channels: 1, converted: true, downscaled: false },
      });
      expect(document).toMatchObject({ sent: { from: expect.stringContaining(from) as unknown } });
      const received = lastReceived()?.media[0];
      expect(received).toMatchObject({ kind: 'audio', mimeType: 'audio/wav', bytes: document.sent.bytes });
      expect(Math.abs((received?.durationSeconds ?? 0) - 2)).toBeLessThan(0.1);
    },
  );

  it('sends an acceptable PCM WAV and a clean MP3 byte for byte', async () => {
    for (const [name, bytes] of [
      ['plain.wav', makeAudio('wav-pcm16')],
      ['plain.mp3', makeAudio('mp3-cbr')],
    ] as const) {
      const document = await resultOf(`as-is/${name}`, bytes);
      expect(document).toMatchObject({ sent: { bytes: bytes.length, converted: false } });
      expect(document).not.toHaveProperty('sent.from');
      expect(lastReceived()?.media[0]?.sha256).toBe(sha8(bytes));
    }
  });

  it('finds the first MP3 frame past two ID3 tags, junk after a tag, or zero padding, and sends from it', async () => {
    const mp3 = makeAudio('mp3-cbr', { seconds: 2 });
    const junk = Buffer.from('JUNK'.repeat(50), 'latin1');
    for (const [name, bytes, from] of [
      ['two-tags.mp3', Buffer.concat([id3Tag(64), id3Tag(3000), mp3]), /2 ID3 tags/],
      ['junk.mp3', Buffer.concat([id3Tag(64), junk, mp3]), /200 bytes before the first frame/],
      ['zeros.mp3', Buffer.concat([Buffer.alloc(1000), mp3]), /1000 bytes before the first frame/],
    ] as const) {
      const document = await resultOf(`mp3/${name}`, bytes);
      expect(document).toMatchObject({
        media: { format: 'mp3', channels: 1 },
        sent: { format: 'mp3', converted: true },
      });
      expect(document).toMatchObject({ sent: { from: expect.stringMatching(from) as unknown } });
      expect(Math.abs(document.media.durationSeconds - 2)).toBeLessThan(0.15);
      // The emulator (ffprobe, and a decoder's first-byte check) accepted what was sent.
      expect(lastReceived()?.media[0]).toMatchObject({ mimeType: 'audio/mpeg', bytes: document.sent.bytes });
    }
  });

  it('re-wraps an RF64 WAV as plain RIFF with true sizes', async () => {
    const plain = makeAudio('wav-pcm16');
    const dataAt = plain.indexOf('data', 12, 'latin1');
    const dataBytes = plain.readUInt32LE(dataAt + 4);
    const ds64 = Buffer.alloc(36);
    ds64.write('ds64', 0, 'latin1');
    ds64.writeUInt32LE(28, 4);
    ds64.writeUInt32LE(dataBytes, 16);
    const rf64 = Buffer.concat([plain.subarray(0, 12), ds64, plain.subarray(12)]);
    rf64.write('RF64', 0, 'latin1');
    rf64.writeUInt32LE(0xffffffff, 4);
    rf64.writeUInt32LE(0xffffffff, dataAt + ds64.length + 4);
    const document = await resultOf('rf64/broadcast.wav', rf64);
    expect(document).toMatchObject({
      media: { format: 'wav', codec: 'rf64', durationSeconds: 1 },
      sent: { format: 'wav', converted: true, from: 'wav (rf64)', bytes: 44 + dataBytes },
    });
  });

  it('refuses a corrupt container as invalid_media with no model call', async () => {
    const calls = harness.emulator.stats().chatCompletions;
    const broken = makeAudio('ogg-opus').subarray(0, 200);
    await deliver('broken/cut.ogg', Buffer.from(broken));
    const document = await read('broken/cut.ogg.error.json');
    expectValidErrorDocument(document);
    expect(document).toMatchObject({ error: { code: 'invalid_media', retryable: false } });
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
  });
});

describe('audio users have, through POST /api/completions', () => {
  async function post(
    body: Buffer,
    contentType: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = new HttpResponse(
      await completions(
        new HttpRequest({
          method: 'POST',
          url: 'http://localhost:7071/api/completions?prompt=Transcribe.',
          headers: { 'content-type': contentType },
          query: { prompt: 'Transcribe.' },
          body: { bytes: body },
        }),
        harness.context('completions', {}),
      ),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('answers an m4a voice memo, sending the model PCM16 WAV', async () => {
    const m4a = makeAudio('m4a-aac', { seconds: 3 });
    const { status, body } = await post(m4a, 'audio/mp4');
    expect(status).toBe(200);
    expect(body.media).toEqual([
      expect.objectContaining({ kind: 'audio', mimeType: 'audio/mp4', size: m4a.length }),
    ]);
    expect(lastReceived()?.media[0]).toMatchObject({ mimeType: 'audio/wav' });
    expect(Math.abs((lastReceived()?.media[0]?.durationSeconds ?? 0) - 3)).toBeLessThan(0.1);
  });

  it('answers a mu-law telephony WAV sent as JSON base64', async () => {
    const mulaw = makeAudio('wav-mulaw');
    const json = JSON.stringify({ prompt: 'Transcribe.', media: [{ data: mulaw.toString('base64') }] });
    const { status, body } = await post(Buffer.from(json), 'application/json');
    expect(status).toBe(200);
    expect(body.media).toEqual([expect.objectContaining({ mimeType: 'audio/wav', durationSeconds: 1 })]);
    expect(lastReceived()?.media[0]).toMatchObject({ mimeType: 'audio/wav', bytes: 16044 });
  });

  it('refuses dishonest headers as 415 invalid_media before any model call', async () => {
    const calls = harness.emulator.stats().chatCompletions;
    const lying = makeAudio('wav-pcm16');
    lying.writeUInt32LE(1, 28);
    const { status, body } = await post(lying, 'audio/wav');
    expect(status).toBe(415);
    expect(body).toMatchObject({ error: { code: 'invalid_media' } });
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
  });
});

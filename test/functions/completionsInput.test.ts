import { HttpRequest, HttpResponse } from '@azure/functions';
import type { completions as Completions } from '../../src/functions/completions';
import { encodeImage } from '../core/media/fixtures';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';

/** What a client may send to POST /api/completions at the edges of the limits, through the real handler. */
let harness: FunctionsHarness;
let completions: typeof Completions;
let png: Buffer;

beforeAll(async () => {
  harness = await functionsHarness({}, { MEDIA_HTTP_MAX_PARTS: '6', MEDIA_MAX_PROMPT_CHARS: '4000' });
  ({ completions } = await import('../../src/functions/completions'));
  png = await encodeImage('png', 12, 9);
});

afterAll(async () => {
  await harness.close();
});

async function call(
  body: Buffer | string,
  contentType: string,
): Promise<{ status: number; body: { error?: { code: string; message: string }; media?: unknown } }> {
  const response = new HttpResponse(
    await completions(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost:7071/api/completions',
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? { string: body } : { bytes: body },
      }),
      harness.context('completions', {}),
    ),
  );
  return { status: response.status, body: (await response.json()) as never };
}

const json = (value: unknown) => call(JSON.stringify(value), 'application/json');

const BOUNDARY = 'b0undary';
const FORM = `multipart/form-data; boundary=${BOUNDARY}`;

/** A multipart body written byte by byte, for what FormData never produces. */
function form(parts: { headers: string[]; body: Buffer | string }[], preamble = ''): Buffer {
  const chunks: Buffer[] = [Buffer.from(preamble)];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n${part.headers.join('\r\n')}\r\n\r\n`));
    chunks.push(Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

const promptPart = { headers: ['Content-Disposition: form-data; name="prompt"'], body: 'Describe.' };
const filePart = (disposition: string, extra: string[] = []) => ({
  headers: [`Content-Disposition: form-data; ${disposition}`, ...extra],
  body: png,
});

describe('the prompt cap counts characters', () => {
  it('accepts 4,000 emoji under a 4,000-character cap and refuses 4,001, saying characters', async () => {
    const data = png.toString('base64');
    expect(await json({ prompt: '🎉'.repeat(4000), media: [{ data }] })).toMatchObject({ status: 200 });
    const refused = await json({ prompt: '🎉'.repeat(4001), media: [{ data }] });
    expect(refused).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'invalid_override',
          message: expect.stringMatching(/4001 characters.*4000/) as string,
        },
      },
    });
  });
});

describe('multipart limits', () => {
  it('counts only real delimiters: the boundary text repeated in the preamble is no part', async () => {
    const preamble = `A preamble that quotes --${BOUNDARY} `.repeat(20) + '\r\n';
    const answer = await call(form([promptPart, filePart('name="file"; filename="a.png"')], preamble), FORM);
    expect(answer).toMatchObject({ status: 200 });
  });

  it('answers an upload cut off after a whole file part (no closing delimiter) with 400, and nothing else', async () => {
    const whole = form([promptPart, filePart('name="file"; filename="a.png"')]);
    const cut = whole.subarray(0, whole.length - `--${BOUNDARY}--\r\n`.length);
    expect(await call(cut, FORM)).toMatchObject({ status: 400, body: { error: { code: 'invalid_form' } } });
    // The part's own stream errors too; unhandled, that error took the worker process down.
    expect(await call(whole.subarray(0, whole.length - 40), FORM)).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_form' } },
    });
  });

  it('still refuses more parts than MEDIA_HTTP_MAX_PARTS', async () => {
    const parts = [promptPart, ...Array.from({ length: 6 }, () => filePart('name="file"; filename="a.png"'))];
    expect(await call(form(parts), FORM)).toMatchObject({
      status: 400,
      body: { error: { code: 'too_many_parts' } },
    });
  });

  it('refuses a file name over 255 characters and a part header over 8 KiB, before the model', async () => {
    const calls = harness.emulator.stats().chatCompletions;
    const longName = await call(
      form([promptPart, filePart(`name="file"; filename="${'n'.repeat(300)}.png"`)]),
      FORM,
    );
    expect(longName).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_form', message: expect.stringContaining('255') as string } },
    });
    const bigHeader = await call(
      form([
        promptPart,
        filePart('name="file"; filename="a.png"', [`X-Padding: ${'p'.repeat(2 * 1024 * 1024)}`]),
      ]),
      FORM,
    );
    expect(bigHeader).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_form', message: expect.stringContaining('8192') as string } },
    });
    expect(harness.emulator.stats().chatCompletions).toBe(calls);
    expect(
      await call(form([promptPart, filePart(`name="file"; filename="${'é'.repeat(255)}"`)]), FORM),
    ).toMatchObject({
      status: 200,
    });
  });
});

describe('HTTP input tolerance', () => {
  it('accepts a file part without a filename (RFC 7578), with or without a Content-Type', async () => {
    for (const extra of [['Content-Type: image/png'], []]) {
      const answer = await call(form([promptPart, filePart('name="file"', extra)]), FORM);
      expect(answer).toMatchObject({ status: 200, body: { media: [{ mimeType: 'image/png', width: 12 }] } });
    }
  });

  it('accepts a whole data URL in media[].data, its type checked against the bytes like any declared type', async () => {
    const data = png.toString('base64');
    expect(
      await json({ prompt: 'Describe.', media: [{ data: `data:image/png;base64,${data}` }] }),
    ).toMatchObject({
      status: 200,
      body: { media: [{ mimeType: 'image/png' }] },
    });
    // Labelled JPEG, stored PNG: the bytes decide, as for a declared mimeType.
    expect(
      await json({ prompt: 'Describe.', media: [{ data: `data:image/jpeg;base64,${data}` }] }),
    ).toMatchObject({
      status: 200,
      body: { media: [{ mimeType: 'image/png' }] },
    });
    expect(await json({ prompt: 'Describe.', media: [{ data: `data:image/png,${data}` }] })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_base64' } },
    });
    expect(
      await json({
        prompt: 'Describe.',
        media: [{ data: `data:image/png;base64,${data}`, mimeType: 'audio/wav' }],
      }),
    ).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });

  it('accepts base64 wrapped at 76 columns (RFC 2045) or with spaces', async () => {
    const data = png.toString('base64');
    const wrapped = data.replace(/.{76}/g, '$&\r\n');
    expect(await json({ prompt: 'Describe.', media: [{ data: wrapped }] })).toMatchObject({ status: 200 });
    expect(
      await json({ prompt: 'Describe.', media: [{ data: data.replace(/.{10}/g, '$& ') }] }),
    ).toMatchObject({
      status: 200,
    });
    expect(await json({ prompt: 'Describe.', media: [{ data: `${data}*` }] })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_base64' } },
    });
  });
});

import { parseCompletionRequest } from '../../../src/core/http/parseCompletionRequest';
import { readBodyWithin } from '../../../src/core/http/readBodyWithin';
import type { HttpRequestLike } from '../../../src/core/http/HttpRequestLike';
import type { HttpSettings } from '../../../src/core/http/HttpSettings';
import { testConfig } from '../../support/pipeline';

const { pipeline } = testConfig({ MEDIA_MAX_BYTES: '1000' });
const HTTP: HttpSettings = {
  allowImageUrls: true,
  blobContainers: ['media-in'],
  maxParts: 4,
  timeBudgetMs: 10_000,
};

function jsonRequest(text: string): HttpRequestLike {
  return {
    headers: new Headers({ 'content-type': 'application/json; charset=utf-8' }),
    query: new URLSearchParams(),
    body: (async function* () {
      yield await Promise.resolve(Buffer.from(text));
    })(),
  };
}

describe('readBodyWithin', () => {
  it('stops reading as soon as the body passes the limit', async () => {
    let pulled = 0;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        pulled += 1;
        yield await Promise.resolve(new Uint8Array(100));
      }
    }
    await expect(readBodyWithin(chunks(), null, 250)).rejects.toMatchObject({ code: 'too_large' });
    expect(pulled).toBe(3);
  });

  it('refuses from Content-Length without reading, and reads a body within the limit', async () => {
    let pulled = false;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      pulled = true;
      yield await Promise.resolve(new Uint8Array(1));
    }
    await expect(readBodyWithin(chunks(), '251', 250)).rejects.toMatchObject({ code: 'too_large' });
    expect(pulled).toBe(false);
    expect(await readBodyWithin(chunks(), '1', 250)).toEqual(new Uint8Array(1));
  });
});

describe('parseCompletionRequest (JSON)', () => {
  it('counts nesting outside strings only, escaped quotes included', async () => {
    const prompt = 'brackets [[[[[[[[[[ {{{{{{{{ and a quote \\" [[[[[[[[[';
    const parsed = await parseCompletionRequest(
      jsonRequest(
        `{"prompt": "${prompt}", "media": [{"url": "https://example.com/a.png"}], "max_tokens": 5}`,
      ),
      pipeline,
      HTTP,
    );
    expect(parsed).toEqual({
      media: [{ from: 'url', url: 'https://example.com/a.png' }],
      overrides: { prompt: 'brackets [[[[[[[[[[ {{{{{{{{ and a quote " [[[[[[[[[', maxTokens: 5 },
      save: false,
      stream: false,
    });
    await expect(
      parseCompletionRequest(
        jsonRequest(`{"prompt": "x", "media": ${'['.repeat(32)}${']'.repeat(32)}}`),
        pipeline,
        HTTP,
      ),
    ).rejects.toMatchObject({
      code: 'invalid_json',
      message: expect.stringContaining('deeper than 32') as unknown,
    });
  });

  it('names the offending item and never quotes the body in its messages', async () => {
    const payload = 'QUJD'.repeat(50);
    const attempt = parseCompletionRequest(
      jsonRequest(
        `{"prompt": "x", "media": [{"data": "${payload}"}, {"data": "${payload}", "url": "https://a.b/c"}]}`,
      ),
      pipeline,
      HTTP,
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'media[1] must have exactly one of "data", "url" or "blob".',
    });
    const broken = parseCompletionRequest(jsonRequest(`{"prompt": "${payload}`), pipeline, HTTP);
    await expect(broken).rejects.toMatchObject({
      code: 'invalid_json',
      message: 'The request body is not valid JSON.',
    });
  });

  it('accepts blob references only from allowed containers and only well formed', async () => {
    const parse = (blob: string) =>
      parseCompletionRequest(jsonRequest(JSON.stringify({ prompt: 'x', media: [{ blob }] })), pipeline, HTTP);
    await expect(parse('media-in/a/b.png')).resolves.toMatchObject({
      media: [{ from: 'blob', container: 'media-in', name: 'a/b.png' }],
    });
    await expect(parse('media-out/a.png')).rejects.toMatchObject({ code: 'blob_not_allowed' });
    await expect(parse('media-in/')).rejects.toMatchObject({ code: 'invalid_blob_name' });
    await expect(parse('media-in')).rejects.toMatchObject({ code: 'invalid_request' });
    // Only the text before the first "/" used to be checked; the storage client then resolved the rest.
    for (const traversal of [
      'media-in/../media-out/secret.png',
      'media-in/..',
      'media-in/a/%2e%2e/%2E%2E/media-out/secret.png',
      'media-in/a/%252e%252e/b.png',
      'media-in/a\\..\\..\\media-out\\secret.png',
      'media-in//secret.png',
    ]) {
      await expect(parse(traversal)).rejects.toMatchObject({ code: 'invalid_blob_name' });
    }
  });
});

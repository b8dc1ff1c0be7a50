import { MediaCompletionsError } from '../../../src/core/errors/MediaCompletionsError';
import { ERROR_CODES } from '../../../src/core/errors/errorCodes';
import { errorAnswer } from '../../../src/core/http/errorAnswer';
import { ModelCallError } from '../../../src/core/errors/ModelCallError';
import type { Logger } from '../../../src/core/ports/Logger';

const lines: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => lines.push(message),
  error: (message) => lines.push(message),
};

describe('errorAnswer: one failure policy for every HTTP function', () => {
  it('answers each known code with the status of the error table', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      const error = new MediaCompletionsError(code, 'x', { errorClass: info.errorClass });
      expect([code, errorAnswer(logger, error).status]).toEqual([code, info.httpStatus]);
    }
  });

  it('answers transient storage trouble 503 with Retry-After and without its internal message', () => {
    const answer = errorAnswer(
      logger,
      new MediaCompletionsError('storage_error', 'Could not read: HTTP 503 (ServerBusy).', {
        retryable: true,
      }),
    );
    expect(answer).toEqual({
      status: 503,
      headers: { 'retry-after': '5' },
      json: { error: { code: 'storage_error', message: 'Storage is temporarily unavailable; try again.' } },
    });
  });

  it("relays the model's throttling hint, else the table's, as Retry-After on 429", () => {
    const hinted = new ModelCallError('rate_limited', 'slow down', 6, {
      retryable: true,
      retryAfterMs: 2500,
    });
    expect(errorAnswer(logger, hinted).headers).toEqual({ 'retry-after': '3' });
    const bare = new ModelCallError('rate_limited', 'slow down', 6, { retryable: true });
    expect(errorAnswer(logger, bare)).toMatchObject({ status: 429, headers: { 'retry-after': '10' } });
  });

  it("answers a model's refusal of the input 422 with its own code, keeping its 413 and 415", () => {
    const refusal = (status: number): number =>
      errorAnswer(logger, new ModelCallError('content_filter', 'no', 1, { httpStatus: status })).status;
    expect([refusal(400), refusal(413), refusal(415)]).toEqual([422, 413, 415]);
  });

  it('answers a configuration fault 502 model_configuration with the service code and status', () => {
    const fault = new MediaCompletionsError('unauthorized', 'check the key', {
      errorClass: 'configuration',
      httpStatus: 401,
    });
    expect(errorAnswer(logger, fault)).toEqual({
      status: 502,
      headers: {},
      json: {
        error: {
          code: 'model_configuration',
          message: 'check the key',
          modelCode: 'unauthorized',
          modelStatus: 401,
        },
      },
    });
  });

  it('answers anything else 500 internal_error, logging only its name', () => {
    lines.length = 0;
    const answer = errorAnswer(logger, new TypeError('secret detail'));
    expect(answer).toEqual({
      status: 500,
      headers: {},
      json: { error: { code: 'internal_error', message: 'The request failed unexpectedly.' } },
    });
    expect(lines.join('\n')).not.toContain('secret detail');
  });
});

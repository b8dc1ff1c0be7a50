import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HttpRequest } from '@azure/functions';
import type { completions as Completions } from '../../src/functions/completions';
import type { processMediaBlob as ProcessMediaBlob } from '../../src/functions/processMediaBlob';
import { expectValidResultDocument } from '../support/documentSchemas';
import { functionsHarness, type FunctionsHarness } from '../support/functionsHarness';
import { deliverBlob } from '../support/deliverBlob';

/**
 * Real-world files someone else produced (phones, taggers, telephony), each with the outcome `cases.json` expects
 * when it is dropped into the input container or posted to /api/completions with default settings. The emulator
 * checks what it receives with its own decoder, so a detection bug in the product fails here too.
 */
interface CaseFile {
  cases: {
    file: string;
    what: string;
    expect: { outcome: 'result'; media?: Expected; sent?: Expected };
  }[];
}
type Expected = Record<string, string | number | boolean>;

const CASES_DIR = path.join(__dirname, '..', 'fixtures', 'cases', 'media');
const { cases } = JSON.parse(readFileSync(path.join(CASES_DIR, 'cases.json'), 'utf8')) as CaseFile;
/** `cases.json`: "Durations are in seconds, within 0.1 s." */
const DURATION_TOLERANCE_SECONDS = 0.1;

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

/** Checks each expected field; `note` is prose for the reader, durations are compared within the tolerance. */
function expectFields(actual: unknown, expected: Expected | undefined): void {
  if (expected === undefined) return;
  const record = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) {
    if (key === 'note') continue;
    if (key === 'durationSeconds') {
      expect(Math.abs(Number(record[key]) - Number(value))).toBeLessThanOrEqual(DURATION_TOLERANCE_SECONDS);
    } else {
      expect({ [key]: record[key] }).toEqual({ [key]: value });
    }
  }
}

/** What the emulator's own decoder saw in the last chat request: the independent view of what was sent. */
function lastReceivedMedia(): Record<string, unknown> {
  const received = harness.emulator.stats().received.at(-1);
  expect(received?.status).toBe('200');
  const [media] = received?.media ?? [];
  expect(media).toBeDefined();
  return media as unknown as Record<string, unknown>;
}

function expectSentAsReceived(document: { sent: Record<string, unknown> }): void {
  const received = lastReceivedMedia();
  expect(received.mimeType).toBe(document.sent.mimeType);
  expect(received.bytes).toBe(document.sent.bytes);
  if (document.sent.width !== null && document.sent.width !== undefined) {
    expect({ width: received.width, height: received.height }).toEqual({
      width: document.sent.width,
      height: document.sent.height,
    });
  }
}

describe.each(cases)('real-world case $file ($what)', ({ file, expect: expected }) => {
  const bytes = readFileSync(path.join(CASES_DIR, file));

  it('gets the expected document through the blob trigger', async () => {
    const name = `cases/${file}`;
    await deliverBlob(harness, processMediaBlob, name, bytes);
    const document = (await harness.blobs.readJson(harness.output, `${name}.json`))?.value as
      { status: string; media: unknown; sent: Record<string, unknown> } | undefined;
    expect(document?.status).toBe('succeeded');
    if (document === undefined) return;
    expectValidResultDocument(document);
    expectFields(document.media, expected.media);
    expectFields(document.sent, expected.sent);
    expectSentAsReceived(document);
  });

  it('gets the same outcome through POST /api/completions?save=true', async () => {
    const response = await completions(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost:7071/api/completions?save=true&prompt=Describe%20this%20file.',
        query: { save: 'true', prompt: 'Describe this file.' },
        headers: { 'content-type': 'application/octet-stream' },
        body: { bytes },
      }),
      harness.context('completions', {}),
    );
    expect(response.status ?? 200).toBe(200);
    const answer = response.jsonBody as { saved?: { container: string; name: string } };
    expect(answer.saved).toBeDefined();
    if (answer.saved === undefined) return;
    const document = (await harness.blobs.readJson(answer.saved.container, answer.saved.name))?.value as
      { status: string; media: unknown; sent: Record<string, unknown> } | undefined;
    expect(document?.status).toBe('succeeded');
    if (document === undefined) return;
    expectFields(document.media, expected.media);
    expectFields(document.sent, expected.sent);
    expectSentAsReceived(document);
  });
});

import { randomBytes } from 'node:crypto';
import { wav } from '../../test/core/media/fixtures';

/** 8 kHz mono 16-bit PCM WAV of random samples: every call gives different bytes (inputs must not collide). */
export function soakWav(seconds: number): Buffer {
  const sampleRate = 8000;
  return wav({ sampleRate, samples: randomBytes(Math.round(seconds * sampleRate) * 2) });
}

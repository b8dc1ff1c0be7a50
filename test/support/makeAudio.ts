import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';

/** The audio files users have, as encoded by the ffmpeg the app ships (so no fixture files are committed). */
export const AUDIO_KINDS = {
  'm4a-aac': { extension: 'm4a', args: ['-c:a', 'aac', '-b:a', '64k'] },
  'ogg-opus': { extension: 'ogg', args: ['-c:a', 'libopus', '-b:a', '32k'] },
  'ogg-vorbis': { extension: 'ogg', args: ['-c:a', 'libvorbis', '-q:a', '2'] },
  'webm-opus': { extension: 'webm', args: ['-c:a', 'libopus', '-b:a', '32k'] },
  flac: { extension: 'flac', args: ['-c:a', 'flac'] },
  'amr-nb': {
    extension: 'amr',
    args: ['-ar', '8000', '-ac', '1', '-c:a', 'libopencore_amrnb', '-b:a', '12.2k'],
  },
  'wav-mulaw': { extension: 'wav', args: ['-ar', '8000', '-ac', '1', '-c:a', 'pcm_mulaw'] },
  'wav-alaw': { extension: 'wav', args: ['-ar', '8000', '-ac', '1', '-c:a', 'pcm_alaw'] },
  'wav-ima-adpcm': { extension: 'wav', args: ['-c:a', 'adpcm_ima_wav'] },
  'wav-ms-adpcm': { extension: 'wav', args: ['-c:a', 'adpcm_ms'] },
  'wav-pcm16': { extension: 'wav', args: ['-c:a', 'pcm_s16le'] },
  'mp3-cbr': { extension: 'mp3', args: ['-c:a', 'libmp3lame', '-b:a', '64k', '-id3v2_version', '0'] },
} as const;

export type AudioKind = keyof typeof AUDIO_KINDS;

export interface MakeAudioOptions {
  seconds?: number;
  sampleRate?: number;
  channels?: number;
}

/**
 * A tone of `seconds` (default 1) at `sampleRate` (default 16 kHz) with `channels` (default 1), encoded as
 * `kind` by the shipped ffmpeg. Written to a file and read back, so containers that seek back (MP4's index,
 * WAV's sizes) are complete.
 */
export function makeAudio(kind: AudioKind, options: MakeAudioOptions = {}): Buffer {
  const { extension, args } = AUDIO_KINDS[kind];
  const folder = mkdtempSync(path.join(tmpdir(), 'make-audio-'));
  const file = path.join(folder, `audio.${extension}`);
  try {
    const result = spawnSync(
      ffmpeg.path,
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
        ...[
          '-i',
          `sine=frequency=440:sample_rate=${options.sampleRate ?? 16000}:duration=${options.seconds ?? 1}`,
        ],
        ...['-ac', String(options.channels ?? 1), '-map_metadata', '-1', ...args, '-y', file],
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`ffmpeg could not make ${kind}: ${result.stderr}`);
    return readFileSync(file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

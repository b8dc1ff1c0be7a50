/** What an AudioConverter is asked to produce. */
export interface AudioConversionOptions {
  /** `wav`: 16-bit PCM WAV with true RIFF and data sizes; `mp3`: MPEG-1/2 Layer III with a Xing/Info header. */
  to: 'wav' | 'mp3';
  /** Resample to this rate (Hz); absent: keep the source's rate. Channels are always kept. */
  sampleRate?: number;
  /** Largest output in bytes; a conversion that would produce more stops early and returns `undefined`. */
  maxBytes: number;
}

/**
 * Decodes audio the model does not take as is (m4a/AAC, Ogg and WebM Opus/Vorbis, FLAC, AMR, non-PCM WAV)
 * into WAV or MP3. An adapter on a decoder binary; the core only decides when and to what.
 */
export interface AudioConverter {
  /**
   * @returns the converted file, or `undefined` when it would be larger than `options.maxBytes`.
   * @throws MediaCompletionsError `invalid_media` (the decoder cannot read the bytes), `conversion_timeout`
   *   (the decoder ran past its time limit), `audio_converter_unavailable` (no decoder binary).
   */
  convert(bytes: Uint8Array, options: AudioConversionOptions): Promise<Uint8Array | undefined>;
}

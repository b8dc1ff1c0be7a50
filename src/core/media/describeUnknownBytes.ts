/** Signatures of common files that are not supported media, so an error can say what was sent instead. */
const KNOWN: readonly { name: string; test: (bytes: Uint8Array, head: string) => boolean }[] = [
  { name: 'PDF document', test: (_, head) => head.startsWith('%PDF') },
  { name: 'ZIP archive (or an Office document)', test: (_, head) => head.startsWith('PK\x03\x04') },
  { name: 'gzip archive', test: (bytes) => bytes[0] === 0x1f && bytes[1] === 0x8b },
  { name: 'ICO image', test: (_, head) => head.startsWith('\0\0\x01\0') },
  { name: 'MP4/QuickTime media', test: (_, head) => /^....ftyp/s.test(head) },
  { name: 'Ogg media', test: (_, head) => head.startsWith('OggS') },
  { name: 'FLAC audio', test: (_, head) => head.startsWith('fLaC') },
  { name: 'AAC (ADTS) audio', test: (bytes) => bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf6) === 0xf0 },
  {
    name: 'MPEG audio other than Layer III',
    test: (bytes) =>
      bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0 && ((bytes[1] ?? 0) & 0x06) !== 0x02,
  },
  { name: 'WebM/Matroska media', test: (bytes) => bytes[0] === 0x1a && bytes[1] === 0x45 },
  { name: 'RIFF file that is neither WAVE nor WEBP', test: (_, head) => head.startsWith('RIFF') },
  { name: 'SVG image', test: (_, head) => /^\s*(<\?xml[^>]*>\s*)?<svg/i.test(head) },
  { name: 'HTML', test: (_, head) => /^\s*<(!doctype html|html|head|body)/i.test(head) },
  { name: 'XML', test: (_, head) => /^\s*<\?xml/i.test(head) },
  { name: 'JSON', test: (_, head) => /^\s*[[{]/.test(head) && isText(head) },
];

function isText(head: string): boolean {
  // Latin1-decoded UTF-8 is also accepted: bytes >= 0x80 appear in multi-byte sequences.
  for (let index = 0; index < head.length; index += 1) {
    const code = head.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return false;
  }
  return true;
}

/** A short human description of bytes that matched no supported signature: a known format, "text" or hex. */
export function describeUnknownBytes(bytes: Uint8Array): string {
  const head = String.fromCharCode(...bytes.subarray(0, 512));
  const known = KNOWN.find((entry) => entry.test(bytes, head));
  if (known !== undefined) return known.name;
  if (isText(head)) return 'text';
  const hex = Array.from(bytes.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return `unrecognised bytes starting ${hex}`;
}

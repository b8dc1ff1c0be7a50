/**
 * Bounds-checked reads over a byte array. Every header reader goes through this so that a length field pointing
 * past the end of the buffer yields `undefined` instead of a silent zero or a thrown RangeError.
 */
export class ByteView {
  readonly length: number;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.length = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  has(offset: number, count: number): boolean {
    return offset >= 0 && count >= 0 && offset + count <= this.length;
  }

  u8(offset: number): number | undefined {
    return this.has(offset, 1) ? this.view.getUint8(offset) : undefined;
  }

  u16le(offset: number): number | undefined {
    return this.has(offset, 2) ? this.view.getUint16(offset, true) : undefined;
  }

  u16be(offset: number): number | undefined {
    return this.has(offset, 2) ? this.view.getUint16(offset, false) : undefined;
  }

  u24le(offset: number): number | undefined {
    const low = this.u16le(offset);
    const high = this.u8(offset + 2);
    return low === undefined || high === undefined ? undefined : low + high * 0x10000;
  }

  u32le(offset: number): number | undefined {
    return this.has(offset, 4) ? this.view.getUint32(offset, true) : undefined;
  }

  u32be(offset: number): number | undefined {
    return this.has(offset, 4) ? this.view.getUint32(offset, false) : undefined;
  }

  /** The bytes at `offset` as latin1 text, or undefined when fewer than `count` bytes remain. */
  ascii(offset: number, count: number): string | undefined {
    if (!this.has(offset, count)) return undefined;
    return String.fromCharCode(...this.bytes.subarray(offset, offset + count));
  }

  startsWith(offset: number, signature: readonly number[]): boolean {
    if (!this.has(offset, signature.length)) return false;
    return signature.every((byte, index) => this.bytes[offset + index] === byte);
  }
}

/**
 * The MQ binary arithmetic encoder of JBIG2 (ITU-T T.88 Annex E; the same coder as JPEG 2000), in the
 * software form of T.88 E.2 (C register 32-bit, 12 spare bits at the start, carry into the pending byte,
 * bit-stuffing after 0xFF). Contexts are indices into caller-sized state arrays.
 */

// Table E.1: Qe, NMPS, NLPS, SWITCH for the 47 states.
const QE = new Uint32Array([
  0x5601, 0x3401, 0x1801, 0x0ac1, 0x0521, 0x0221, 0x5601, 0x5401, 0x4801, 0x3801, 0x3001, 0x2401, 0x1c01, 0x1601, 0x5601, 0x5401,
  0x5101, 0x4801, 0x3801, 0x3401, 0x3001, 0x2801, 0x2401, 0x2201, 0x1c01, 0x1801, 0x1601, 0x1401, 0x1201, 0x1101, 0x0ac1, 0x09c1,
  0x08a1, 0x0521, 0x0441, 0x02a1, 0x0221, 0x0141, 0x0111, 0x0085, 0x0049, 0x0025, 0x0015, 0x0009, 0x0005, 0x0001, 0x5601,
]);
const NMPS = new Uint8Array([
  1, 2, 3, 4, 5, 38, 7, 8, 9, 10, 11, 12, 13, 29, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
  40, 41, 42, 43, 44, 45, 45, 46,
]);
const NLPS = new Uint8Array([
  1, 6, 9, 12, 29, 33, 6, 14, 14, 14, 17, 18, 20, 21, 14, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
  36, 37, 38, 39, 40, 41, 42, 43, 46,
]);
const SWITCH = new Uint8Array([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

export class MqEncoder {
  private readonly index: Uint8Array;
  private readonly mps: Uint8Array;
  private a = 0x8000;
  private c = 0;
  private ct = 12;
  /** The pending output byte (a carry may still reach it); -1 before the first. */
  private b = -1;
  private out: Uint8Array = new Uint8Array(1 << 16);
  private len = 0;

  constructor(contexts: number) {
    this.index = new Uint8Array(contexts);
    this.mps = new Uint8Array(contexts);
  }

  encode(cx: number, bit: number): void {
    const qe = QE[this.index[cx]!]!;
    this.a -= qe;
    if (bit === this.mps[cx]) {
      if ((this.a & 0x8000) !== 0) {
        this.c += qe;
        return;
      }
      if (this.a < qe) this.a = qe;
      else this.c += qe;
      this.index[cx] = NMPS[this.index[cx]!]!;
    } else {
      if (this.a < qe) this.c += qe;
      else this.a = qe;
      const i = this.index[cx]!;
      if (SWITCH[i]) this.mps[cx] = 1 - this.mps[cx]!;
      this.index[cx] = NLPS[i]!;
    }
    do {
      this.a = (this.a << 1) & 0xffff;
      this.c = (this.c * 2) >>> 0;
      if (--this.ct === 0) this.byteOut();
    } while ((this.a & 0x8000) === 0);
  }

  private emit(byte: number): void {
    if (this.len === this.out.length) {
      const bigger = new Uint8Array(this.out.length * 2);
      bigger.set(this.out);
      this.out = bigger;
    }
    this.out[this.len++] = byte;
  }

  private byteOut(): void {
    if (this.b === 0xff) {
      this.stuffed();
      return;
    }
    if (this.c < 0x8000000) {
      this.plain();
      return;
    }
    this.b++; // carry into the pending byte
    if (this.b === 0xff) {
      this.c &= 0x7ffffff;
      this.stuffed();
      return;
    }
    this.plain();
  }

  private plain(): void {
    if (this.b >= 0) this.emit(this.b);
    this.b = this.c >>> 19;
    this.c &= 0x7ffff;
    this.ct = 8;
  }

  /** After 0xFF only 7 bits go into the next byte (bit stuffing: no marker can appear). */
  private stuffed(): void {
    if (this.b >= 0) this.emit(this.b);
    this.b = this.c >>> 20;
    this.c &= 0xfffff;
    this.ct = 7;
  }

  /** FLUSH (E.2.9) and the 0xFF 0xAC end marker; returns the coded bytes. */
  finish(): Buffer {
    const tempc = this.c + this.a;
    this.c = (this.c | 0xffff) >>> 0;
    if (this.c >= tempc) this.c -= 0x8000;
    this.c = (this.c * 2 ** this.ct) >>> 0;
    this.byteOut();
    this.c = (this.c * 2 ** this.ct) >>> 0;
    this.byteOut();
    if (this.b >= 0) this.emit(this.b);
    if (this.b !== 0xff) this.emit(0xff);
    this.emit(0xac);
    return Buffer.from(this.out.buffer, 0, this.len);
  }
}

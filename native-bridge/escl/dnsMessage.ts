/**
 * The small part of DNS messages (RFC 1035, names with compression) that DNS-SD browsing needs: PTR, SRV,
 * TXT, A records. Used by the eSCL discovery (mdns.ts) and by the test responder of the virtual scanner.
 * A malformed packet throws; the caller drops it (multicast carries anyone's traffic).
 */
export const TYPE = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33 } as const;

export type DnsRecord =
  | { name: string; type: 'PTR'; ttl: number; target: string }
  | { name: string; type: 'SRV'; ttl: number; priority: number; weight: number; port: number; target: string }
  | { name: string; type: 'TXT'; ttl: number; entries: string[] }
  | { name: string; type: 'A'; ttl: number; address: string }
  | { name: string; type: 'other'; ttl: number; code: number };

export interface DnsQuestion {
  name: string;
  type: number;
  /** Ask for a unicast reply (mDNS "QU" bit). */
  unicast?: boolean;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  questions: DnsQuestion[];
  records: DnsRecord[];
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.');
  const bufs: Buffer[] = [];
  for (const p of parts) {
    const b = Buffer.from(p, 'utf8');
    if (b.length > 63) throw new Error(`DNS label too long: ${p}`);
    bufs.push(Buffer.from([b.length]), b);
  }
  bufs.push(Buffer.from([0]));
  return Buffer.concat(bufs);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function rdata(r: DnsRecord): { type: number; data: Buffer } {
  switch (r.type) {
    case 'PTR':
      return { type: TYPE.PTR, data: encodeName(r.target) };
    case 'SRV':
      return { type: TYPE.SRV, data: Buffer.concat([u16(r.priority), u16(r.weight), u16(r.port), encodeName(r.target)]) };
    case 'TXT':
      return { type: TYPE.TXT, data: Buffer.concat(r.entries.map((e) => Buffer.concat([Buffer.from([Buffer.byteLength(e)]), Buffer.from(e, 'utf8')]))) };
    case 'A':
      return { type: TYPE.A, data: Buffer.from(r.address.split('.').map(Number)) };
    case 'other':
      return { type: r.code, data: Buffer.alloc(0) };
  }
}

/** Encodes a message without name compression (allowed; receivers must accept it). */
export function encodeMessage(m: DnsMessage): Buffer {
  const head = Buffer.concat([u16(m.id), u16(m.response ? 0x8400 : 0), u16(m.questions.length), u16(m.records.length), u16(0), u16(0)]);
  const qs = m.questions.map((q) => Buffer.concat([encodeName(q.name), u16(q.type), u16(1 | (q.unicast ? 0x8000 : 0))]));
  const rs = m.records.map((r) => {
    const { type, data } = rdata(r);
    return Buffer.concat([encodeName(r.name), u16(type), u16(1), u32(r.ttl), u16(data.length), data]);
  });
  return Buffer.concat([head, ...qs, ...rs]);
}

function readName(buf: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = start;
  let next = -1;
  for (let jumps = 0; ; ) {
    if (pos >= buf.length) throw new Error('DNS name runs past the packet');
    const len = buf[pos]!;
    if (len === 0) {
      pos++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length || ++jumps > 32) throw new Error('bad DNS name pointer');
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | buf[pos + 1]!;
      continue;
    }
    if (pos + 1 + len > buf.length) throw new Error('DNS label runs past the packet');
    labels.push(buf.toString('utf8', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.'), next: next >= 0 ? next : pos };
}

export function decodeMessage(buf: Buffer): DnsMessage {
  if (buf.length < 12) throw new Error('DNS packet shorter than its header');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)] as const;
  let pos = 12;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const n = readName(buf, pos);
    if (n.next + 4 > buf.length) throw new Error('DNS question runs past the packet');
    questions.push({ name: n.name, type: buf.readUInt16BE(n.next), unicast: (buf.readUInt16BE(n.next + 2) & 0x8000) !== 0 });
    pos = n.next + 4;
  }
  const records: DnsRecord[] = [];
  for (let i = 0; i < counts[1] + counts[2] + counts[3]; i++) {
    const n = readName(buf, pos);
    if (n.next + 10 > buf.length) throw new Error('DNS record runs past the packet');
    const type = buf.readUInt16BE(n.next);
    const ttl = buf.readUInt32BE(n.next + 4);
    const len = buf.readUInt16BE(n.next + 8);
    const at = n.next + 10;
    if (at + len > buf.length) throw new Error('DNS record data runs past the packet');
    const name = n.name;
    if (type === TYPE.PTR) records.push({ name, type: 'PTR', ttl, target: readName(buf, at).name });
    else if (type === TYPE.SRV) records.push({ name, type: 'SRV', ttl, priority: buf.readUInt16BE(at), weight: buf.readUInt16BE(at + 2), port: buf.readUInt16BE(at + 4), target: readName(buf, at + 6).name });
    else if (type === TYPE.TXT) {
      const entries: string[] = [];
      for (let p = at; p < at + len; ) {
        const l = buf[p]!;
        entries.push(buf.toString('utf8', p + 1, Math.min(p + 1 + l, at + len)));
        p += 1 + l;
      }
      records.push({ name, type: 'TXT', ttl, entries });
    } else if (type === TYPE.A && len === 4) records.push({ name, type: 'A', ttl, address: [...buf.subarray(at, at + 4)].join('.') });
    else records.push({ name, type: 'other', ttl, code: type });
    pos = at + len;
  }
  return { id, response: (flags & 0x8000) !== 0, questions, records };
}

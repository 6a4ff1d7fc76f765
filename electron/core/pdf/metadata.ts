import { pdfDate, VIETNAM_UTC_OFFSET_MINUTES, xmpDate } from '../../common/pdfDate';

/**
 * Document metadata written twice, identically: the Info dictionary and the XMP packet (PDF/A-1 6.7.3:
 * PDFBox Preflight compares them value by value, dates included).
 */
export interface PdfMeta {
  title: string;
  author?: string;
  subject?: string;
  keywords?: string;
  /** Application that made the content (Info /Creator, xmp:CreatorTool). */
  creator?: string;
  /** Library that wrote the PDF (Info /Producer, pdf:Producer). */
  producer?: string;
  createdAt?: Date;
  /** Offset of the dates written, minutes east of UTC (Vietnam: +420 = +07:00). */
  utcOffsetMinutes?: number;
}

export const DEFAULT_UTC_OFFSET_MINUTES = VIETNAM_UTC_OFFSET_MINUTES;
export const PRODUCER = 'SoHoa Station PDF/A writer';

/** A PDF text string: a literal for printable ASCII, else UTF-16BE with BOM as hex. */
export function pdfString(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  let hex = 'FEFF';
  for (let i = 0; i < s.length; i++) hex += s.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Strips characters XML 1.0 cannot carry and normalises to NFC (Vietnamese input may come decomposed). */
export function cleanText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.normalize('NFC').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

export interface ResolvedMeta {
  title: string;
  author: string | undefined;
  subject: string | undefined;
  keywords: string | undefined;
  creator: string;
  producer: string;
  created: Date;
  offset: number;
}

export function resolveMeta(meta: PdfMeta): ResolvedMeta {
  const opt = (s: string | undefined): string | undefined => (s === undefined || cleanText(s) === '' ? undefined : cleanText(s));
  return {
    title: cleanText(meta.title),
    author: opt(meta.author),
    subject: opt(meta.subject),
    keywords: opt(meta.keywords),
    creator: cleanText(meta.creator ?? 'SoHoa Station'),
    producer: cleanText(meta.producer ?? PRODUCER),
    created: meta.createdAt ?? new Date(),
    offset: meta.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES,
  };
}

/** The Info dictionary body. */
export function infoDict(m: ResolvedMeta): string {
  const date = pdfDate(m.created, m.offset);
  const parts = [`/Title ${pdfString(m.title)}`];
  if (m.author !== undefined) parts.push(`/Author ${pdfString(m.author)}`);
  if (m.subject !== undefined) parts.push(`/Subject ${pdfString(m.subject)}`);
  if (m.keywords !== undefined) parts.push(`/Keywords ${pdfString(m.keywords)}`);
  parts.push(`/Creator ${pdfString(m.creator)}`, `/Producer ${pdfString(m.producer)}`, `/CreationDate (${date})`, `/ModDate (${date})`);
  return `<< ${parts.join(' ')} >>`;
}

/** The XMP packet (UTF-8, uncompressed in the file), pdfaid part/conformance included. */
export function xmpPacket(m: ResolvedMeta, part: 1 | 2, conformance: 'B'): string {
  const date = xmpDate(m.created, m.offset);
  const lines = [
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '<dc:format>application/pdf</dc:format>',
    `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(m.title)}</rdf:li></rdf:Alt></dc:title>`,
  ];
  if (m.author !== undefined) lines.push(`<dc:creator><rdf:Seq><rdf:li>${xmlEscape(m.author)}</rdf:li></rdf:Seq></dc:creator>`);
  if (m.subject !== undefined) lines.push(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(m.subject)}</rdf:li></rdf:Alt></dc:description>`);
  lines.push(
    '</rdf:Description>',
    '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">',
    `<xmp:CreatorTool>${xmlEscape(m.creator)}</xmp:CreatorTool>`,
    `<xmp:CreateDate>${date}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${date}</xmp:ModifyDate>`,
    `<xmp:MetadataDate>${date}</xmp:MetadataDate>`,
    '</rdf:Description>',
    '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
    `<pdf:Producer>${xmlEscape(m.producer)}</pdf:Producer>`,
  );
  if (m.keywords !== undefined) lines.push(`<pdf:Keywords>${xmlEscape(m.keywords)}</pdf:Keywords>`);
  lines.push(
    '</rdf:Description>',
    '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">',
    `<pdfaid:part>${part}</pdfaid:part>`,
    `<pdfaid:conformance>${conformance}</pdfaid:conformance>`,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
  );
  // Padding lets a later editor update the packet in place (XMP spec recommends 2 KB of whitespace).
  const pad = `${' '.repeat(99)}\n`.repeat(20);
  return `${lines.join('\n')}\n${pad}<?xpacket end="w"?>`;
}

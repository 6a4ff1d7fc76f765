import { SaxesParser } from 'saxes';
import { StationError } from '../../electron/common/errors';

/**
 * eSCL XML as a small element tree, matched on namespace URI and local name (devices vary their prefixes,
 * order and extra elements — scanner-protocols.md §1.3). Anything not well-formed is a coded error
 * (SCANNER_REPLY_MALFORMED), never a crash.
 */
export const SCAN_NS = 'http://schemas.hp.com/imaging/escl/2011/05/03';
export const PWG_NS = 'http://www.pwg.org/schemas/2010/12/sm';

export interface XmlElement {
  uri: string;
  local: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** NAPS2 accepts any `http://schemas.hp.com/imaging/escl/…` namespace for the scan prefix. */
const isScanNs = (uri: string): boolean => uri === SCAN_NS || uri.startsWith('http://schemas.hp.com/imaging/escl/');
const nsMatches = (el: XmlElement, ns: 'scan' | 'pwg' | '*'): boolean => ns === '*' || (ns === 'scan' ? isScanNs(el.uri) : el.uri === PWG_NS);

export function parseXml(text: string, what: string): XmlElement {
  // Some devices write a lower-case doctype; an XML parser would refuse it.
  const src = text.replace(/<!doctype[^>]*>/gi, '');
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let error: Error | null = null;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (node) => {
    const attrs: Record<string, string> = {};
    for (const [k, a] of Object.entries(node.attributes)) attrs[k] = typeof a === 'string' ? a : a.value;
    const el: XmlElement = { uri: node.uri ?? '', local: node.local ?? node.name, attrs, children: [], text: '' };
    if (stack.length > 0) stack.at(-1)!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    if (stack.length > 0) stack.at(-1)!.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(src).close();
  } catch (e) {
    error ??= e as Error;
  }
  if (error || !root) {
    throw new StationError('SCANNER_REPLY_MALFORMED', `the scanner sent malformed XML for ${what}: ${error ? (error as Error).message.split('\n')[0] : 'empty document'}`, { what });
  }
  return root;
}

export function child(el: XmlElement | undefined, ns: 'scan' | 'pwg' | '*', local: string): XmlElement | undefined {
  return el?.children.find((c) => c.local === local && nsMatches(c, ns));
}

export function children(el: XmlElement | undefined, ns: 'scan' | 'pwg' | '*', local: string): XmlElement[] {
  return el?.children.filter((c) => c.local === local && nsMatches(c, ns)) ?? [];
}

/** Text of a direct child (any of the eSCL namespaces when ns is '*'), trimmed. */
export function childText(el: XmlElement | undefined, ns: 'scan' | 'pwg' | '*', local: string): string | undefined {
  const c = child(el, ns, local);
  return c === undefined ? undefined : c.text.trim();
}

/** Every descendant named `local`, depth first. */
export function descendants(el: XmlElement | undefined, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.local === local) out.push(c);
      walk(c);
    }
  };
  if (el) walk(el);
  return out;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

import { StationError } from '../../common/errors';
import { runProcess } from '../../../native-bridge/process/run';

export interface PdfCheckResult {
  pageCount: number;
  /** qpdf had to rebuild the cross-reference table (a damaged but recoverable file). */
  repaired: boolean;
  /** Encrypted with an owner password only (opens without a password): the restrictions are dropped. */
  ownerRestricted: boolean;
  warnings: string[];
}

export interface PdfCheckOptions {
  maxPages: number;
  timeoutMs?: number;
}

/** What makes a citizen's PDF unacceptable, found by qpdf's JSON dump (names come out canonical: `/Java#53cript` → `/JavaScript`). */
const JS_LINE = /^\s*"\/(JS|JavaScript)"\s*:|"\/S"\s*:\s*"\/(JavaScript|Launch)"/;
const EMBEDDED_LINE = /^\s*"\/EmbeddedFiles"\s*:|"\/Type"\s*:\s*"\/EmbeddedFile"|"\/Subtype"\s*:\s*"\/FileAttachment"/;

const firstWarnings = (out: string): string[] =>
  out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 5);

/**
 * Checks a PDF with qpdf before anything is stored: a password → PDF_ENCRYPTED, unreadable → PDF_CORRUPT,
 * more than `maxPages` → PDF_TOO_MANY_PAGES; then writes a clean copy (`cleanOut`: decrypted when only
 * restricted, xref rebuilt, no object streams) and scans every object of it: JavaScript or Launch actions
 * → PDF_JAVASCRIPT, embedded files or file attachments → PDF_EMBEDDED_FILES. Memory stays bounded: the
 * JSON dump is read line by line.
 */
export async function checkPdf(input: string, cleanOut: string, opts: PdfCheckOptions): Promise<PdfCheckResult> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const enc = await runProcess('qpdf', ['--requires-password', input], { timeoutMs });
  if (enc.code === 0) throw new StationError('PDF_ENCRYPTED', 'the PDF needs a password to open', {});
  const ownerRestricted = enc.code === 3;
  const np = await runProcess('qpdf', ['--show-npages', input], { timeoutMs });
  const pageCount = Number(np.output.split('\n').find((l) => /^\d+$/.test(l.trim())) ?? NaN);
  if (np.timedOut) throw new StationError('PDF_CORRUPT', 'qpdf took too long to read the PDF', {});
  if ((np.code !== 0 && np.code !== 3) || !Number.isInteger(pageCount)) {
    throw new StationError('PDF_CORRUPT', 'the PDF cannot be read', { tool: 'qpdf', output: firstWarnings(np.output) });
  }
  if (pageCount < 1) throw new StationError('PDF_CORRUPT', 'the PDF has no pages', {});
  if (pageCount > opts.maxPages) {
    throw new StationError('PDF_TOO_MANY_PAGES', `the PDF has ${pageCount} pages; at most ${opts.maxPages} are accepted`, { pageCount, maxPages: opts.maxPages });
  }
  const repaired = np.code === 3;
  const clean = await runProcess('qpdf', ['--decrypt', '--object-streams=disable', '--no-warn', input, cleanOut], { timeoutMs });
  if (clean.code !== 0 && clean.code !== 3) {
    throw new StationError('PDF_CORRUPT', 'the PDF cannot be rewritten', { tool: 'qpdf', output: firstWarnings(clean.output) });
  }
  let javascript = false;
  let embedded = false;
  const dump = await runProcess('qpdf', ['--json=2', '--json-stream-data=none', '--json-key=qpdf', cleanOut], {
    timeoutMs,
    onLine: (line) => {
      if (!javascript && JS_LINE.test(line)) javascript = true;
      if (!embedded && EMBEDDED_LINE.test(line)) embedded = true;
    },
  });
  if (dump.code !== 0 && dump.code !== 3) throw new StationError('PDF_CORRUPT', 'the PDF objects cannot be listed', { tool: 'qpdf', output: firstWarnings(dump.output) });
  if (javascript) throw new StationError('PDF_JAVASCRIPT', 'the PDF carries JavaScript or launch actions', {});
  if (embedded) throw new StationError('PDF_EMBEDDED_FILES', 'the PDF carries embedded files', {});
  const warnings: string[] = [];
  if (repaired) warnings.push('damaged cross-reference table rebuilt');
  if (ownerRestricted) warnings.push('owner-password restrictions removed');
  return { pageCount, repaired, ownerRestricted, warnings };
}

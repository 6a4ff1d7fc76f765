import type { signingMethods } from '../../../common/api/signing';
import { pemToDers } from '../../signing/certs';
import { flushTimestamps, listCertificates, setSigningConfig, signDocument, signingConfig, verifyDocument } from '../../signing/service';
import type { Station } from '../../station/station';
import type { HandlersFor, ServiceDeps } from '../context';

export function createSigningHandlers(station: Station, { ocr }: Pick<ServiceDeps, 'ocr'>): HandlersFor<keyof typeof signingMethods> {
  return {
    'signing.listCertificates': () => listCertificates(station),
    'signing.getConfig': () => {
      const { trustAnchorsPem, intermediatesPem: _i, sealPngBase64, ...rest } = signingConfig(station);
      return { ...rest, trustAnchors: pemToDers(trustAnchorsPem).map((d) => d.toString('base64')), sealConfigured: sealPngBase64 !== '' };
    },
    'signing.setConfig': (p, ctx) => {
      const { idempotencyKey: _k, ...patch } = p;
      setSigningConfig(station, patch, ctx.user?.id ?? null);
      return { ok: true as const };
    },
    'documents.sign': async (p, ctx) => {
      // The text layer belongs inside the signed PDF: a queued or running OCR job finishes first (progress on
      // document.ocr); a failed one leaves the document as assembled.
      await ocr.settle(p.documentId);
      return signDocument(station, p, ctx.user);
    },
    'documents.verify': ({ documentId }) => verifyDocument(station, documentId),
    'signing.flushTimestamps': () => flushTimestamps(station),
  };
}

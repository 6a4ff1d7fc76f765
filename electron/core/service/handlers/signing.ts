import type { signingMethods } from '../../../common/api/signing';
import { pemToDers } from '../../signing/certs';
import { flushTimestamps, listCertificates, setSigningConfig, signDocument, signingConfig, verifyDocument } from '../../signing/service';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

export function createSigningHandlers(station: Station): HandlersFor<keyof typeof signingMethods> {
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
    'documents.sign': (p, ctx) => signDocument(station, p, ctx.user),
    'documents.verify': ({ documentId }) => verifyDocument(station, documentId),
    'signing.flushTimestamps': () => flushTimestamps(station),
  };
}

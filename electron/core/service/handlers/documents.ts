import type { documentsMethods } from '../../../common/api/documents';
import { importFile } from '../../importing/importFile';
import { assembleComponent } from '../../pdf/assembleComponent';
import { appendAudit } from '../../store/audit';
import type { Station } from '../../station/station';
import type { HandlersFor, ServiceDeps } from '../context';

export function createDocumentsHandlers(station: Station, { ocr }: Pick<ServiceDeps, 'ocr'>): HandlersFor<keyof typeof documentsMethods> {
  return {
    'documents.assemble': async (p, ctx) => {
      const doc = await assembleComponent(station, { componentId: p.componentId, profile: p.profile, level: p.level, actor: ctx.user?.id ?? null });
      ocr.afterAssembly(doc);
      return doc;
    },
    'documents.ocrStatus': ({ documentId }) => ocr.status(documentId),
    'documents.getOcr': () => ({ lang: ocr.language() }),
    'documents.setOcr': ({ lang }, ctx) => {
      ocr.setLanguage(lang, ctx.user?.id ?? null);
      appendAudit(station.store, { actor: ctx.user?.id ?? null, action: 'settings.ocr', details: { lang } });
      return { lang: ocr.language() };
    },
    'documents.import': async (p, ctx) => {
      const doc = await importFile(station, {
        componentId: p.componentId,
        path: p.path,
        ...(p.fileName === undefined ? {} : { fileName: p.fileName }),
        actor: ctx.user?.id ?? null,
      });
      station.emit('document.changed', { id: doc.documentId, componentId: doc.componentId, dossierId: doc.dossierId });
      return doc;
    },
  };
}

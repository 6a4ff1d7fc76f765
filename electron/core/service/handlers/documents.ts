import type { documentsMethods } from '../../../common/api/documents';
import { importFile } from '../../importing/importFile';
import { assembleComponent } from '../../pdf/assembleComponent';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

export function createDocumentsHandlers(station: Station): HandlersFor<keyof typeof documentsMethods> {
  return {
    'documents.assemble': (p, ctx) => assembleComponent(station, { componentId: p.componentId, profile: p.profile, level: p.level, actor: ctx.user?.id ?? null }),
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

import type { Component, Dossier } from '../../common/schemas';

export interface ChecklistItem {
  componentId: string;
  typeCode: string;
  name: string;
  kind: 'intake' | 'result';
  required: boolean;
  digitised: boolean;
  signed: boolean;
  /** What the clerk still has to do for this component (null = nothing). */
  missing: 'scan' | 'sign' | null;
}

export interface Checklist {
  items: ChecklistItem[];
  /** Required components not yet digitised AND signed. */
  missingRequired: ChecklistItem[];
  complete: boolean;
}

/**
 * The clerk's checklist. A dossier is complete only when every required component is digitised (has a
 * document) AND signed (QĐ 468/2021: scan every component, sign what is attached). For an intake dossier
 * the required intake components count; result components count once results are being digitised (a
 * result dossier, or an intake dossier to which results were added).
 */
export function checklist(d: Pick<Dossier, 'purpose' | 'components'>): Checklist {
  const relevant = (c: Component): boolean => (d.purpose === 'result' ? c.kind === 'result' : true);
  const items = d.components.filter(relevant).map<ChecklistItem>((c) => ({
    componentId: c.id,
    typeCode: c.typeCode,
    name: c.name,
    kind: c.kind,
    required: c.required,
    digitised: c.digitised,
    signed: c.signed,
    missing: !c.digitised ? 'scan' : !c.signed ? 'sign' : null,
  }));
  const missingRequired = items.filter((i) => i.required && i.missing !== null);
  return { items, missingRequired, complete: missingRequired.length === 0 };
}

import type { StationClient } from '../common/api';
import type { Component } from '../common/schemas';
import type { Result } from '../common/result';

/**
 * `--component` takes a component id or its type code (e.g. KS-TK) within `--dossier`; a type code that
 * appears twice is ambiguous and must be given as the id.
 */
export async function resolveComponent(client: StationClient, dossierId: string, componentArg: string): Promise<Result<Component>> {
  const d = await client.call('dossiers.get', { id: dossierId });
  if (!d.ok) return d;
  const matches = d.value.components.filter((c) => c.id === componentArg || c.typeCode === componentArg);
  if (matches.length === 1) return { ok: true, value: matches[0]! };
  return {
    ok: false,
    error: {
      code: 'NOT_FOUND',
      message:
        matches.length === 0
          ? `dossier ${dossierId} has no component ${componentArg}`
          : `component code ${componentArg} is ambiguous in dossier ${dossierId}: use the component id`,
      details: { dossierId, component: componentArg },
    },
  };
}

/** A query with bound parameters: values never get spliced into SQL text. */
export interface Sql {
  readonly text: string;
  readonly values: readonly unknown[];
}

export type SqlValue = string | number | bigint | Buffer | null | Sql;

const isSql = (v: unknown): v is Sql => typeof v === 'object' && v !== null && 'text' in v && 'values' in v;

/** sql`SELECT * FROM dossier WHERE id = ${id}`; nesting another sql`` splices its text and values. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Sql {
  let text = strings[0] ?? '';
  const out: unknown[] = [];
  values.forEach((v, i) => {
    if (isSql(v)) {
      text += v.text;
      out.push(...v.values);
    } else {
      text += '?';
      out.push(v);
    }
    text += strings[i + 1] ?? '';
  });
  return { text, values: out };
}

/** Joins fragments (e.g. optional WHERE clauses). */
export function join(parts: Sql[], sep: string): Sql {
  return { text: parts.map((p) => p.text).join(sep), values: parts.flatMap((p) => [...p.values]) };
}

export const raw = (text: string): Sql => ({ text, values: [] });

import { useEffect, useRef, useState } from 'react';
import type { ResultOf } from '../../../electron/common/api';
import { useQuery } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { useI18n } from '../i18n/context';

export type Procedure = ResultOf<'procedures.list'>[number];

/** Search the catalogue by name or code; arrows move in the list, Enter chooses. */
export function ProcedureStep({ purpose, onChoose, active }: { purpose: 'intake' | 'result'; onChoose(p: Procedure): void; active: boolean }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const list = useQuery('procedures.list', { query: query.trim() === '' ? undefined : query.trim() });
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (active) input.current?.focus();
  }, [active]);
  const items = (list.data ?? []).filter((p) => p.components.some((c) => c.kind === purpose));
  const choose = (p: Procedure | undefined) => p && onChoose(p);
  // Enter chooses from the list that answers what was typed: pressed before that answer came (a fast typist,
  // a barcode reader, a busy machine), it waits for it instead of taking the first of the previous list.
  const [enterPending, setEnterPending] = useState(false);
  useEffect(() => {
    if (!enterPending || !list.fresh) return;
    setEnterPending(false);
    choose(items[index]);
  }, [enterPending, list.fresh]);
  const listId = `${purpose}-procedures`;
  return (
    <div className="panel">
      <label className="field">
        <span>{t('procedure.search')}</span>
        <input
          ref={input}
          type="search"
          value={query}
          placeholder={t('procedure.searchPlaceholder')}
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={items[index] ? `${listId}-${index}` : undefined}
          data-testid="procedure-search"
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(0);
            setEnterPending(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setIndex((i) => Math.min(items.length - 1, i + 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setIndex((i) => Math.max(0, i - 1));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              if (list.fresh) choose(items[index]);
              else setEnterPending(true);
            }
          }}
        />
      </label>
      <p className="hint">{t('procedure.hint')}</p>
      {list.error && <ErrorBox error={list.error} />}
      <ul className="procedure-list" role="listbox" id={listId} aria-label={t('procedure.results')}>
        {items.map((p, i) => (
          <li
            key={p.code}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === index}
            className={i === index ? 'procedure selected' : 'procedure'}
            onClick={() => choose(p)}
            data-testid="procedure-option"
            data-code={p.code}
          >
            <span className="code">{p.code}</span>
            <span className="name">{p.name}</span>
            <span className="muted">{t('procedure.componentCount', { n: p.components.filter((c) => c.kind === purpose).length })}</span>
          </li>
        ))}
        {list.data && items.length === 0 && <li className="muted">{t('procedure.none')}</li>}
      </ul>
    </div>
  );
}

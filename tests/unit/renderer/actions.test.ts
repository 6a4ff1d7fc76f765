import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isMethodName, stationApi } from '../../../electron/common/api';
import { ROOT } from '../../helpers/cli';
import { tsxFiles } from './literals';

/** Every call site of StationApi in the renderer: `transport.call('m', …)` and `run('m', …)` (useAction). */
function callSites(file: string): { kind: 'call' | 'run'; method: string; line: number }[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TSX);
  const out: { kind: 'call' | 'run'; method: string; line: number }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      const callee = n.expression;
      const kind = ts.isPropertyAccessExpression(callee) && callee.name.text === 'call' ? 'call' : ts.isIdentifier(callee) && callee.text === 'run' ? 'run' : null;
      if (kind) out.push({ kind, method: n.arguments[0].text, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('renderer actions', () => {
  const sites = tsxFiles(join(ROOT, 'renderer/src')).flatMap((f) => callSites(f).map((s) => ({ ...s, file: f.slice(ROOT.length) })));

  it('calls only methods that exist in StationApi', () => {
    expect(sites.length).toBeGreaterThan(10);
    expect(sites.filter((s) => !isMethodName(s.method)).map((s) => `${s.file}:${s.line} ${s.method}`)).toEqual([]);
  });

  it('sends every mutating method through useAction (one idempotency key per action, single flight), never a bare call', () => {
    const bare = sites.filter((s) => s.kind === 'call' && isMethodName(s.method) && stationApi[s.method].mutating);
    expect(bare.map((s) => `${s.file}:${s.line} ${s.method}`)).toEqual([]);
    // …and the mutating methods the counter needs are all used that way.
    const viaRun = new Set(sites.filter((s) => s.kind === 'run').map((s) => s.method));
    for (const m of ['dossiers.create', 'scan.start', 'scan.continue', 'pages.move', 'pages.delete', 'pages.restore', 'pages.setBlank', 'documents.assemble', 'documents.sign', 'dossiers.complete', 'sync.now'])
      expect(viaRun.has(m), m).toBe(true);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** Attributes a user sees or hears: their text must come from the i18n files. */
export const VISIBLE_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'title', 'placeholder', 'alt', 'label']);

export interface Literal {
  file: string;
  line: number;
  text: string;
  where: string;
}

/** Words, not symbols: a string with a letter in it is text a translator must see (◀, ⟳, −, +, – are icons). */
const hasWords = (s: string): boolean => /\p{L}/u.test(s);

/** Every hard-coded literal in JSX text or a visible attribute of a TSX file; and every t('key') used. */
export function scanTsx(file: string, text: string = readFileSync(file, 'utf8')): { literals: Literal[]; keys: { key: string; line: number }[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TSX);
  const literals: Literal[] = [];
  const keys: { key: string; line: number }[] = [];
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node) && hasWords(node.text)) literals.push({ file, line: line(node), text: node.text.trim(), where: 'JSX text' });
    if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(sf);
      const init = node.initializer;
      if (VISIBLE_ATTRIBUTES.has(name) && init) {
        const strings: ts.Node[] = [];
        if (ts.isStringLiteral(init)) strings.push(init);
        else if (ts.isJsxExpression(init) && init.expression) {
          const collect = (e: ts.Node): void => {
            if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateHead(e) || ts.isTemplateMiddle(e) || ts.isTemplateTail(e)) strings.push(e);
            // t('key') arguments are keys, not text.
            if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && (e.expression.text === 't' || e.expression.text === 'err')) return;
            ts.forEachChild(e, collect);
          };
          collect(init.expression);
        }
        for (const s of strings) {
          const value = (s as ts.StringLiteral).text ?? s.getText(sf);
          if (hasWords(value)) literals.push({ file, line: line(s), text: value, where: `${name}=` });
        }
      }
    }
    // String literals rendered as children: {'Hello'} or {cond ? 'Yes' : 'No'}.
    if (ts.isJsxExpression(node) && node.parent && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent)) && node.expression) {
      // Only the positions whose value is rendered: the branches of ?:, the right of &&, both sides of || ??.
      const collect = (e: ts.Expression): void => {
        if (ts.isParenthesizedExpression(e)) return collect(e.expression);
        if (ts.isConditionalExpression(e)) {
          collect(e.whenTrue);
          collect(e.whenFalse);
          return;
        }
        if (ts.isBinaryExpression(e)) {
          const op = e.operatorToken.kind;
          if (op === ts.SyntaxKind.AmpersandAmpersandToken) collect(e.right);
          else if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.PlusToken) {
            collect(e.left);
            collect(e.right);
          }
          return;
        }
        if ((ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) && hasWords(e.text)) literals.push({ file, line: line(e), text: e.text, where: 'JSX child' });
        if (ts.isTemplateExpression(e)) {
          for (const part of [e.head, ...e.templateSpans.map((x) => x.literal)]) if (hasWords(part.text)) literals.push({ file, line: line(e), text: part.text, where: 'JSX child template' });
        }
      };
      collect(node.expression);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 't') {
      const a = node.arguments[0];
      if (a && ts.isStringLiteral(a)) keys.push({ key: a.text, line: line(a) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { literals, keys };
}

export function tsxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsxFiles(p));
    else if (name.endsWith('.tsx')) out.push(p);
  }
  return out.sort();
}

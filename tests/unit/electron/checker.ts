import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * The project's own security check of the Electron shell's source (electronegativity 1.10 misses
 * `nodeIntegration: true` when a `sandbox` key is present, so it is not relied on). Parses the TypeScript
 * and reports every finding; an empty list means the file passes.
 */
const MUST: Record<string, boolean> = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
};

export interface Finding {
  file: string;
  line: number;
  message: string;
}

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function propName(p: ts.ObjectLiteralElementLike): string | null {
  if (!('name' in p) || !p.name) return null;
  if (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) return p.name.text;
  return null;
}

export function checkElectronSource(file: string, text: string = readFileSync(file, 'utf8'), audited = 'WEB_PREFERENCES'): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const add = (node: ts.Node, message: string) => findings.push({ file, line: lineOf(sf, node), message });

  const visit = (node: ts.Node): void => {
    // 1. Any literal setting of a security key, anywhere, must have the safe value.
    if (ts.isPropertyAssignment(node)) {
      const name = propName(node);
      if (name && name in MUST) {
        const want = MUST[name];
        const init = node.initializer;
        const value = init.kind === ts.SyntaxKind.TrueKeyword ? true : init.kind === ts.SyntaxKind.FalseKeyword ? false : undefined;
        if (value !== want) add(node, `${name} must be ${String(want)}${value === undefined ? ' (as a literal)' : ''}`);
      }
    }
    // 2. Every window/view gets webPreferences = { ...WEB_PREFERENCES, preload } and nothing that overrides.
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && ['BrowserWindow', 'BrowserView', 'WebContentsView'].includes(node.expression.text)) {
      const arg = node.arguments?.[0];
      const opts = arg && ts.isObjectLiteralExpression(arg) ? arg : null;
      const wp = opts?.properties.find((p) => propName(p) === 'webPreferences');
      if (!opts || !wp || !ts.isPropertyAssignment(wp) || !ts.isObjectLiteralExpression(wp.initializer)) {
        add(node, `new ${node.expression.text}(…) must pass webPreferences as an object literal spreading ${audited}`);
      } else {
        const props = wp.initializer.properties;
        const spreadAt = props.findIndex((p) => ts.isSpreadAssignment(p) && ts.isIdentifier(p.expression) && p.expression.text === audited);
        if (spreadAt < 0) add(wp, `webPreferences must spread ${audited}`);
        props.forEach((p, i) => {
          const name = propName(p);
          if (ts.isSpreadAssignment(p) && i !== spreadAt) add(p, 'webPreferences may spread only the audited object');
          else if (name !== null && name !== 'preload') add(p, `webPreferences.${name} overrides the audited settings`);
        });
      }
    }
    // 3. Every IPC handler goes through the sender check `guarded(…)`.
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'ipcMain') {
      const method = node.expression.name.text;
      if (['handle', 'handleOnce', 'on', 'once'].includes(method)) {
        const handler = node.arguments[1];
        const ok = handler && ts.isCallExpression(handler) && ts.isIdentifier(handler.expression) && handler.expression.text === 'guarded';
        if (!ok) add(node, `ipcMain.${method} handler must be wrapped in guarded() (IPC sender check)`);
      }
    }
    // 4. Remote content and shell escapes have no place in the shell.
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const n = node.expression.name.text;
      if (n === 'loadURL') {
        const a = node.arguments[0];
        // APP_ENTRY, or the same entry with the first-run setup code (firstRunEntry, unit-tested to stay in the app).
        const appEntry = a && ts.isIdentifier(a) && a.text === 'APP_ENTRY';
        const firstRun = a && ts.isCallExpression(a) && ts.isIdentifier(a.expression) && a.expression.text === 'firstRunEntry';
        if (!appEntry && !firstRun) add(node, 'loadURL must load APP_ENTRY (the app protocol) only');
      }
      if (n === 'openExternal' || n === 'openDevTools' || n === 'executeJavaScript') add(node, `${n}() is not allowed in the shell`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

/** Things main.ts must do at least once (navigation and new windows blocked, permissions denied…). */
export function requiredCalls(text: string): Record<string, boolean> {
  return {
    'setWindowOpenHandler deny': /setWindowOpenHandler\(\(\)\s*=>\s*\(\{\s*action:\s*'deny'\s*\}\)\)/.test(text),
    'will-navigate blocked': /on\('will-navigate',[^)]*\)\s*=>\s*\{\s*if\s*\(!isAllowedNavigation\(url\)\)\s*e\.preventDefault\(\)/.test(text),
    'will-redirect blocked': /on\('will-redirect'/.test(text),
    'webview refused': /on\('will-attach-webview',\s*\(e\)\s*=>\s*e\.preventDefault\(\)\)/.test(text),
    'hardening on every web contents': /app\.on\('web-contents-created',\s*\(_e, contents\)\s*=>\s*harden\(contents\)\)/.test(text),
    'permission requests denied': /setPermissionRequestHandler\(/.test(text) && /setPermissionCheckHandler\(/.test(text),
    'sandbox for every renderer': /app\.enableSandbox\(\)/.test(text),
    'single-instance lock': /app\.requestSingleInstanceLock\(\)/.test(text),
    'remote requests cancelled': /webRequest\.onBeforeRequest\(\{ urls: \['http:\/\/\*\/\*', 'https:\/\/\*\/\*'[^)]*\(_details, cb\) => cb\(\{ cancel: true \}\)\)/.test(text),
    'service as utilityProcess': /utilityProcess|ServiceHost/.test(text),
  };
}

/** CSP directives as a map (for assertions). */
export function parseCsp(csp: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) m.set(name.toLowerCase(), values);
  }
  return m;
}

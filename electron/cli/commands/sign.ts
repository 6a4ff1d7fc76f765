import { readFileSync } from 'node:fs';
import { StationError } from '../../common/errors';
import { pemToDers } from '../../core/signing/certs';
import type { SigningKey } from '../../core/signing/cms';
import { openP12Key } from '../../core/signing/p12';
import { agencyMark, clerkMark } from '../../core/signing/legalMark';
import { addDocumentTimestamp, signPdf, type PadesLevel } from '../../core/signing/pades';
import { openPkcs11Key } from '../../core/signing/pkcs11';
import { checkSigningCertificate, commonName } from '../../core/signing/certs';
import { verifyPdf } from '../../core/signing/verify';
import { EXIT, type Command, type Io } from '../command';
import { withClient } from '../connect';
import { printError, table } from '../output';
import { readSecret } from '../secret';

function trustFrom(path: string | undefined): Buffer[] {
  if (!path) return [];
  try {
    return pemToDers(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new StationError('NOT_FOUND', `cannot read trust list ${path}: ${(err as Error).message}`);
  }
}

export const signCommand: Command = {
  name: 'sign',
  summary: 'sign a PDF (PAdES, incremental; visible clerk or "SAO Y" mark) with a .p12 file or a PKCS#11 token',
  usage:
    'sohoa sign IN.pdf --out OUT.pdf (--p12 FILE | --pkcs11-module LIB --token-label L [--cert-id HEX])\n' +
    '    [--role clerk|agency] [--level B-B|B-T|B-LT] [--tsa URL] [--trust CA.pem] [--pss]\n' +
    '    [--name NAME] [--copied-at ISO] [--agency NAME] [--heading "SAO Y"|"SAO LỤC"|"TRÍCH SAO"] [--seal SEAL.png] [--invisible]\n' +
    '    [--pin-env NAME | --pin-fd N] [--password-env NAME | --password-fd N] [--json]\n' +
    '  The PIN / .p12 password is never a flag value (it would land in shell history): it is read from the\n' +
    '  environment variable NAME (--pin-env/--password-env), from file descriptor N (--pin-fd/--password-fd), or\n' +
    '  asked for on the terminal. A wrong PIN is reported (PIN_INCORRECT) and never retried: tokens lock after\n' +
    '  3–5 wrong PINs. The certificate (validity, key usage, chain to --trust, revocation for B-LT) is checked\n' +
    '  before anything is written. B-T/B-LT without a reachable TSA falls back to B-B ("timestampPending"):\n' +
    '  add a document timestamp later with `sohoa timestamp`.',
  options: {
    out: { type: 'string', short: 'o' },
    p12: { type: 'string' },
    'pkcs11-module': { type: 'string' },
    'token-label': { type: 'string' },
    'cert-id': { type: 'string' },
    role: { type: 'string' },
    level: { type: 'string' },
    tsa: { type: 'string' },
    trust: { type: 'string' },
    pss: { type: 'boolean' },
    name: { type: 'string' },
    'copied-at': { type: 'string' },
    agency: { type: 'string' },
    heading: { type: 'string' },
    seal: { type: 'string' },
    invisible: { type: 'boolean' },
    'pin-env': { type: 'string' },
    'pin-fd': { type: 'string' },
    'password-env': { type: 'string' },
    'password-fd': { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const v = args.values as Record<string, string | boolean | undefined>;
    const input = args.positionals[0]!;
    const out = v.out as string | undefined;
    const role = (v.role as string | undefined) ?? 'clerk';
    const level = ((v.level as string | undefined) ?? (v.tsa ? 'B-T' : 'B-B')) as PadesLevel;
    const heading = (v.heading as string | undefined) ?? 'SAO Y';
    if (!out) return usage(io, '--out OUT.pdf is required');
    if (role !== 'clerk' && role !== 'agency') return usage(io, '--role is clerk or agency');
    if (!['B-B', 'B-T', 'B-LT'].includes(level)) return usage(io, '--level is B-B, B-T or B-LT');
    if (!['SAO Y', 'SAO LỤC', 'TRÍCH SAO'].includes(heading)) return usage(io, '--heading is "SAO Y", "SAO LỤC" or "TRÍCH SAO"');
    if (!v.p12 === !v['pkcs11-module']) return usage(io, 'give either --p12 FILE or --pkcs11-module LIB --token-label L');
    if (v['pkcs11-module'] && !v['token-label']) return usage(io, '--token-label is required with --pkcs11-module');
    if (role === 'agency' && !v.agency && !v.invisible) return usage(io, '--agency NAME is required for the "SAO Y" mark');

    let key: SigningKey;
    if (v.p12) {
      const password = await readSecret(io, 'password', v['password-env'] as string | undefined, v['password-fd'] as string | undefined);
      key = openP12Key(v.p12 as string, password);
    } else {
      const pin = await readSecret(io, 'pin', v['pin-env'] as string | undefined, v['pin-fd'] as string | undefined);
      key = await openPkcs11Key(
        { module: v['pkcs11-module'] as string, tokenLabel: v['token-label'] as string, certId: v['cert-id'] as string | undefined },
        pin,
        { precheck: (c) => checkSigningCertificate(c) },
      );
    }
    try {
      const now = new Date();
      let mark = null;
      if (!v.invisible) {
        if (role === 'clerk') {
          const copied = v['copied-at'] ? new Date(v['copied-at'] as string) : now;
          if (Number.isNaN(copied.getTime())) return usage(io, '--copied-at is an ISO 8601 time');
          mark = clerkMark((v.name as string | undefined) ?? commonName(key.certificate), copied);
        } else {
          mark = agencyMark(heading, v.agency as string, now, v.seal ? readFileSync(v.seal as string) : undefined);
        }
      }
      const r = await signPdf({
        input,
        output: out,
        key,
        rsaScheme: v.pss ? 'pss' : 'pkcs1',
        level,
        mark,
        tsa: v.tsa ? { url: v.tsa as string } : null,
        trustAnchors: trustFrom(v.trust as string | undefined),
        checkRevocation: level === 'B-LT',
        now,
      });
      if (args.json) io.out(JSON.stringify({ ok: true, file: out, ...r, timestampPending: r.dtsPending }, null, 2));
      else {
        io.out(`Đã ký / signed: ${out}`);
        io.out(`  ${r.fieldName} · ${r.signerName} · ${r.level} · chain ${r.chain} · revocation ${r.revocation}`);
        if (r.dtsPending) io.out('  Chưa có dấu thời gian (TSA không trả lời): chạy `sohoa timestamp` khi có mạng. / TSA unreachable: add a timestamp later.');
      }
      return EXIT.OK;
    } finally {
      key.close();
    }
  },
};

export const timestampCommand: Command = {
  name: 'timestamp',
  summary: 'add a document timestamp (PAdES DTS, ETSI.RFC3161) to a signed PDF, incrementally',
  usage: 'sohoa timestamp IN.pdf --out OUT.pdf --tsa URL [--json]',
  options: { out: { type: 'string', short: 'o' }, tsa: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const out = args.values.out as string | undefined;
    const tsa = args.values.tsa as string | undefined;
    if (!out || !tsa) return usage(io, '--out and --tsa are required');
    const r = await addDocumentTimestamp(args.positionals[0]!, out, { url: tsa });
    if (args.json) io.out(JSON.stringify({ ok: true, file: out, ...r }, null, 2));
    else io.out(`Đã gắn dấu thời gian / timestamped: ${out} (${r.fieldName}, ${r.time})`);
    return EXIT.OK;
  },
};

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify every signature of a PDF (integrity, signer, time, level, chain, changes after signing)',
  usage:
    'sohoa verify FILE.pdf [--trust CA.pem] [--json]\n' +
    '  Exit 0 only if the file has signatures and every one is valid; 3 otherwise (the JSON says which).',
  options: { trust: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const report = verifyPdf(args.positionals[0]!, { trustAnchors: trustFrom(args.values.trust as string | undefined) });
    if (args.json) io.out(JSON.stringify(report, null, 2));
    else if (report.signatures.length === 0) io.out('Tệp không có chữ ký. / No signatures.');
    else {
      io.out(
        table([
          ['#', 'field', 'signer', 'level', 'time', 'intact', 'chain', 'changed after', 'valid'],
          ...report.signatures.map((s) => [
            String(s.index),
            s.fieldName,
            s.signer?.name ?? '?',
            s.level,
            s.timestampTime ?? s.claimedTime ?? '',
            s.intact ? 'yes' : 'NO',
            s.chain,
            s.modifiedAfter ? 'YES' : 'no',
            s.valid ? 'HỢP LỆ / valid' : 'KHÔNG HỢP LỆ / INVALID',
          ]),
        ]),
      );
      for (const s of report.signatures) for (const e of s.errors) io.err(`  #${s.index}: ${e}`);
    }
    return report.valid ? EXIT.OK : EXIT.CHECK_FAILED;
  },
};

function usage(io: Io, msg: string): number {
  io.err(msg);
  return EXIT.USAGE;
}

export const signingConfigCommand: Command = {
  name: 'signing config',
  summary: "show or change the station's signing settings (TSA, trust anchors, tokens, .p12 files, agency name)",
  usage:
    'sohoa signing config [--tsa URL|none] [--tsa-user NAME] [--trust CA.pem] [--intermediates CAS.pem]\n' +
    '    [--pkcs11-module LIB]… [--allow-module LIB]… [--p12 FILE]… [--agency NAME] [--level B-B|B-T|B-LT] [--revocation on|off] [--json]\n' +
    '  Without options prints the settings. --trust/--intermediates replace the PEM bundles; repeated\n' +
    '  --pkcs11-module/--p12 replace the lists. A token library must be a known Vietnamese token module or be\n' +
    '  on the admin allow-list (--allow-module, replaces it). Admin only. The TSA password is read from\n' +
    '  SOHOA_TSA_PASSWORD by the service.',
  options: {
    tsa: { type: 'string' },
    'tsa-user': { type: 'string' },
    trust: { type: 'string' },
    intermediates: { type: 'string' },
    'pkcs11-module': { type: 'string', multiple: true },
    'allow-module': { type: 'string', multiple: true },
    p12: { type: 'string', multiple: true },
    agency: { type: 'string' },
    level: { type: 'string' },
    revocation: { type: 'string' },
  },
  async run(args, io) {
    const v = args.values as Record<string, string | string[] | undefined>;
    const patch: Record<string, unknown> = {};
    if (v.tsa !== undefined) patch.tsaUrl = v.tsa === 'none' ? null : v.tsa;
    if (v['tsa-user'] !== undefined) patch.tsaUsername = v['tsa-user'] || null;
    if (v.trust !== undefined) patch.trustAnchorsPem = readFileSync(v.trust as string, 'utf8');
    if (v.intermediates !== undefined) patch.intermediatesPem = readFileSync(v.intermediates as string, 'utf8');
    if (v['pkcs11-module'] !== undefined) patch.pkcs11Modules = v['pkcs11-module'];
    if (v.p12 !== undefined) patch.p12Files = v.p12;
    if (v['allow-module'] !== undefined) patch.allowedTokenModules = v['allow-module'];
    if (v.agency !== undefined) patch.agencyName = v.agency;
    if (v.level !== undefined) {
      if (!['B-B', 'B-T', 'B-LT'].includes(v.level as string)) return usage(io, '--level is B-B, B-T or B-LT');
      patch.defaultLevel = v.level;
    }
    if (v.revocation !== undefined) {
      if (v.revocation !== 'on' && v.revocation !== 'off') return usage(io, '--revocation is on or off');
      patch.checkRevocation = v.revocation === 'on';
    }
    return withClient(args.dataDir, async (client) => {
      if (Object.keys(patch).length > 0) {
        const r = await client.call('signing.setConfig', patch);
        if (!r.ok) {
          printError(io, args.json, r.error);
          return EXIT.ERROR;
        }
      }
      const r = await client.call('signing.getConfig', {});
      if (!r.ok) {
        printError(io, args.json, r.error);
        return EXIT.ERROR;
      }
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else {
        const c = r.value;
        io.out(`TSA: ${c.tsaUrl ?? '—'}${c.tsaUsername ? ` (user ${c.tsaUsername})` : ''}`);
        io.out(`Trust anchors: ${c.trustAnchors.length}`);
        io.out(`PKCS#11 modules: ${c.pkcs11Modules.join(', ') || '—'}`);
        io.out(`.p12 files: ${c.p12Files.join(', ') || '—'}`);
        io.out(`Agency ("SAO Y"): ${c.agencyName || '—'} · default level ${c.defaultLevel} · revocation check ${c.checkRevocation ? 'on' : 'off'}`);
      }
      return EXIT.OK;
    });
  },
};

export const signingCertsCommand: Command = {
  name: 'signing certs',
  summary: 'list signing certificates on the configured tokens (no PIN needed) and the configured .p12 files',
  usage: 'sohoa signing certs [--json]',
  options: {},
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('signing.listCertificates', {});
      if (!r.ok) {
        printError(io, args.json, r.error);
        return EXIT.ERROR;
      }
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else if (r.value.length === 0) io.out('Không có chứng thư số. / No certificates (see `sohoa signing config`).');
      else
        io.out(
          table([
            ['source', 'name', 'token / file', 'cert id', 'valid to', 'PIN'],
            ...r.value.map((c) => [
              c.source,
              c.commonName,
              c.key.kind === 'pkcs11' ? c.key.tokenLabel : c.key.path,
              c.key.kind === 'pkcs11' ? (c.key.certId ?? '') : '',
              c.validTo ?? '',
              c.pinLocked ? 'LOCKED' : c.pinFinalTry ? 'final try' : c.pinCountLow ? 'count low' : '',
            ]),
          ]),
        );
      return EXIT.OK;
    });
  },
};

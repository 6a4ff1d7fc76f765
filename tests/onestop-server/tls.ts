// Self-signed certificates for HTTPS drills and tests (openssl, as IT staff would make them).
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface CertFiles {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  /** SHA-256 fingerprint, colon-separated hex (what `openssl x509 -fingerprint -sha256` prints). */
  fingerprint256: string;
}

/**
 * Writes `cert.pem`/`key.pem` into DIR (kept if both exist, so a drill server keeps its certificate across restarts).
 * NAMES become subjectAltNames (DNS names or IP addresses); the first one is the CN.
 */
export function selfSignedCert(dir: string, names: readonly string[] = ['localhost', '127.0.0.1'], opts: { reuse?: boolean } = {}): CertFiles {
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (!(opts.reuse !== false && existsSync(certFile) && existsSync(keyFile))) {
    const san = [...new Set(names)].map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', keyFile, '-out', certFile, '-days', '30',
        '-subj', `/CN=${names[0] ?? 'localhost'}/O=SoHoa one-stop drill`,
        '-addext', `subjectAltName=${san}`,
        '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,digitalSignature,keyCertSign',
        '-addext', 'extendedKeyUsage=serverAuth',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  }
  const cert = readFileSync(certFile, 'utf8');
  return { certFile, keyFile, cert, key: readFileSync(keyFile, 'utf8'), fingerprint256: new X509Certificate(cert).fingerprint256 };
}

export interface CaIssued {
  /** The CA certificate (what a station pins: `sohoa sync configure --ca FILE --pin-ca`). */
  caFile: string;
  ca: string;
  /** A server certificate issued by that CA for NAMES. */
  cert: string;
  key: string;
}

/**
 * A CA of its own (as a province's PKI) and one server certificate it issued for NAMES (subjectAltNames), so a
 * test can tell "issued by the pinned CA" from "issued by another CA".
 */
export function caAndServerCert(dir: string, caName: string, names: readonly string[] = ['localhost', '127.0.0.1']): CaIssued {
  mkdirSync(dir, { recursive: true });
  const f = (n: string) => join(dir, n);
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '30', '-subj', `/CN=${caName}/O=SoHoa drill CA`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', `/CN=${names[0] ?? 'localhost'}/O=SoHoa drill server`]);
  const san = [...new Set(names)].map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(f('server.ext'), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
  run(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '30', '-extfile', f('server.ext'), '-out', f('server.pem')]);
  return { caFile: f('ca.pem'), ca: readFileSync(f('ca.pem'), 'utf8'), cert: readFileSync(f('server.pem'), 'utf8'), key: readFileSync(f('server.key'), 'utf8') };
}

/**
 * Throw-away PKI for signing tests, made per test file with openssl (toolchain.md §4–§6):
 *  - a root CA managed by `openssl ca` (its index.txt drives the OCSP responder and the CRL),
 *  - signer certificates (RSA, EC P-256/P-384; expired, not-yet-valid, wrong key usage variants),
 *  - .p12 files (modern AES and -legacy RC2/3DES),
 *  - one loopback HTTP server (port 0) serving an RFC 3161 TSA (`openssl ts -reply`), an OCSP responder
 *    (`openssl ocsp -reqin/-respout`) and the CRL (`openssl ca -gencrl`),
 *  - an NSS database with the CA for pdfsig.
 * Everything lives in one temp dir; stop() closes the server. No child process outlives a request.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IssuedCert {
  name: string;
  dir: string;
  keyPem: string;
  certPem: string;
  certDer: Buffer;
  p12: string;
  p12Legacy: string;
  p12Password: string;
  serialHex: string;
}

export type KeySpec = 'rsa' | 'p256' | 'p384';

function run(cmd: string, args: string[], cwd: string, input?: Buffer): Buffer {
  return execFileSync(cmd, args, { cwd, input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export class TestPki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly caDer: Buffer;
  readonly nssDir: string;
  server: Server | null = null;
  baseUrl = '';
  tsaCert = '';
  /** TSA requests answered (tests check the TSA was really used / not used). */
  tsaHits = 0;
  ocspHits = 0;
  crlHits = 0;
  /** When true the TSA answers 503 (offline simulation without killing the server). */
  tsaDown = false;
  private serial = 0x100000;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'sohoa-pki-'));
    const d = this.dir;
    mkdirSync(join(d, 'newcerts'));
    writeFileSync(join(d, 'index.txt'), '');
    writeFileSync(join(d, 'index.txt.attr'), 'unique_subject = no\n');
    writeFileSync(join(d, 'serial'), '1000\n');
    writeFileSync(join(d, 'crlnumber'), '01\n');
    writeFileSync(
      join(d, 'ca.cnf'),
      `[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\ndir = ${d}\ndatabase = $dir/index.txt\nnew_certs_dir = $dir/newcerts\n` +
        `certificate = $dir/ca.crt\nprivate_key = $dir/ca.key\nserial = $dir/serial\ncrlnumber = $dir/crlnumber\n` +
        `default_md = sha256\ndefault_days = 825\ndefault_crl_days = 30\npolicy = policy_any\nunique_subject = no\ncopy_extensions = none\n` +
        `[ policy_any ]\ncommonName = supplied\norganizationName = optional\n[ req ]\ndistinguished_name = dn\n[ dn ]\n`,
    );
    this.caCert = join(d, 'ca.crt');
    this.caKey = join(d, 'ca.key');
    run(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', this.caKey, '-out', this.caCert, '-days', '3650', '-subj', '/CN=SoHoa Test Root CA/O=SoHoa Test',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', 'subjectKeyIdentifier=hash'],
      d,
    );
    this.caDer = run('openssl', ['x509', '-in', this.caCert, '-outform', 'DER'], d);
    this.nssDir = join(d, 'nss');
    mkdirSync(this.nssDir);
    run('certutil', ['-N', '-d', `sql:${this.nssDir}`, '--empty-password'], d);
    run('certutil', ['-A', '-d', `sql:${this.nssDir}`, '-n', 'SoHoa Test Root CA', '-t', 'CT,C,C', '-i', this.caCert], d);
  }

  /** Starts the loopback TSA/OCSP/CRL server and issues the TSA certificate. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const body = Buffer.concat(chunks);
          if (req.url === '/tsa' && req.method === 'POST') {
            if (this.tsaDown) {
              res.writeHead(503).end();
              return;
            }
            this.tsaHits++;
            const q = join(this.dir, `tsq-${process.hrtime.bigint()}`);
            writeFileSync(`${q}.tsq`, body);
            run('openssl', ['ts', '-reply', '-config', join(this.dir, 'tsa.cnf'), '-queryfile', `${q}.tsq`, '-out', `${q}.tsr`], this.dir);
            const out = readFileSync(`${q}.tsr`);
            rmSync(`${q}.tsq`, { force: true });
            rmSync(`${q}.tsr`, { force: true });
            res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(out);
          } else if (req.url === '/ocsp' && req.method === 'POST') {
            this.ocspHits++;
            const q = join(this.dir, `ocsp-${process.hrtime.bigint()}`);
            writeFileSync(`${q}.req`, body);
            run('openssl', ['ocsp', '-index', join(this.dir, 'index.txt'), '-CA', this.caCert, '-rsigner', this.caCert, '-rkey', this.caKey, '-reqin', `${q}.req`, '-respout', `${q}.resp`, '-ndays', '1'], this.dir);
            const out = readFileSync(`${q}.resp`);
            rmSync(`${q}.req`, { force: true });
            rmSync(`${q}.resp`, { force: true });
            res.writeHead(200, { 'Content-Type': 'application/ocsp-response' }).end(out);
          } else if (req.url === '/ca.crl') {
            this.crlHits++;
            run('openssl', ['ca', '-gencrl', '-config', join(this.dir, 'ca.cnf'), '-out', join(this.dir, 'crl.pem')], this.dir);
            const der = run('openssl', ['crl', '-in', join(this.dir, 'crl.pem'), '-outform', 'DER'], this.dir);
            res.writeHead(200, { 'Content-Type': 'application/pkix-crl' }).end(der);
          } else res.writeHead(404).end();
        } catch (err) {
          res.writeHead(500).end(String(err));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no port');
    this.baseUrl = `http://127.0.0.1:${addr.port}`;
    this.issueTsa();
  }

  get tsaUrl(): string {
    return `${this.baseUrl}/tsa`;
  }

  private issueTsa(): void {
    const d = join(this.dir, 'tsa');
    mkdirSync(join(d, 'db'), { recursive: true });
    writeFileSync(join(d, 'db', 'serial'), '01\n');
    run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(d, 'tsa.key'), '-out', join(d, 'tsa.csr'), '-subj', '/CN=SoHoa Test TSA/O=SoHoa Test'], d);
    writeFileSync(join(d, 'tsa.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    run('openssl', ['ca', '-batch', '-config', join(this.dir, 'ca.cnf'), '-in', join(d, 'tsa.csr'), '-out', join(d, 'tsa.crt'), '-extfile', join(d, 'tsa.ext'), '-notext', '-days', '825'], this.dir);
    this.tsaCert = join(d, 'tsa.crt');
    writeFileSync(
      join(this.dir, 'tsa.cnf'),
      `[ tsa ]\ndefault_tsa = tsa_config\n[ tsa_config ]\ndir = ${d}\nserial = $dir/db/serial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.crt\n` +
        `certs = ${this.caCert}\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.3.6.1.4.1.55555.1.1\nother_policies = 1.3.6.1.4.1.55555.1.2\n` +
        `digests = sha256, sha384, sha512\naccuracy = secs:1\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n`,
    );
  }

  /**
   * Issues a signer certificate. `revocation` adds AIA OCSP + CRL distribution point URLs on the loopback server
   * (for B-LT; 'crl-only' just the CRL point); plain certificates carry none, so pdfsig/NSS has nothing to fetch.
   */
  issue(
    name: string,
    key: KeySpec,
    opts: { revocation?: boolean | 'crl-only'; startDate?: string; endDate?: string; keyUsage?: string; p12Password?: string } = {},
  ): IssuedCert {
    const dir = join(this.dir, name);
    mkdirSync(dir, { recursive: true });
    const keyFile = join(dir, 'key.pem');
    const newkey = key === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${key === 'p256' ? 'P-256' : 'P-384'}`];
    run('openssl', ['req', ...newkey, '-nodes', '-keyout', keyFile, '-out', join(dir, 'csr.pem'), '-subj', `/CN=${name}/O=SoHoa Test`], dir);
    let ext = `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,${opts.keyUsage ?? 'digitalSignature,nonRepudiation'}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n`;
    if (opts.revocation === true) ext += `authorityInfoAccess=OCSP;URI:${this.baseUrl}/ocsp\n`;
    if (opts.revocation) ext += `crlDistributionPoints=URI:${this.baseUrl}/ca.crl\n`;
    writeFileSync(join(dir, 'ext.cnf'), ext);
    const dates = opts.startDate ? ['-startdate', opts.startDate, '-enddate', opts.endDate ?? '20300101000000Z'] : ['-days', '825'];
    run('openssl', ['ca', '-batch', '-config', join(this.dir, 'ca.cnf'), '-in', join(dir, 'csr.pem'), '-out', join(dir, 'cert.pem'), '-extfile', join(dir, 'ext.cnf'), '-notext', ...dates], this.dir);
    const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const certDer = run('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-outform', 'DER'], dir);
    const pw = opts.p12Password ?? 'secret-p12';
    const p12 = join(dir, 'signer.p12');
    const p12Legacy = join(dir, 'signer-legacy.p12');
    run('openssl', ['pkcs12', '-export', '-inkey', keyFile, '-in', join(dir, 'cert.pem'), '-certfile', this.caCert, '-name', name, '-passout', `pass:${pw}`, '-out', p12], dir);
    run('openssl', ['pkcs12', '-export', '-legacy', '-inkey', keyFile, '-in', join(dir, 'cert.pem'), '-certfile', this.caCert, '-name', name, '-passout', `pass:${pw}`, '-out', p12Legacy], dir);
    const serialHex = run('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-serial'], dir).toString().trim().split('=')[1]!;
    this.serial++;
    return { name, dir, keyPem: keyFile, certPem, certDer, p12, p12Legacy, p12Password: pw, serialHex };
  }

  /** A certificate for a key that lives elsewhere (a token): `openssl x509 -new -force_pubkey`, recorded in index.txt. */
  issueForPublicKey(name: string, pubPem: string, opts: { revocation?: boolean; startDate?: string; endDate?: string } = {}): Buffer {
    const dir = join(this.dir, `pub-${name}`);
    mkdirSync(dir, { recursive: true });
    let ext = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';
    if (opts.revocation ?? this.baseUrl !== '') ext += `authorityInfoAccess=OCSP;URI:${this.baseUrl}/ocsp\ncrlDistributionPoints=URI:${this.baseUrl}/ca.crl\n`;
    writeFileSync(join(dir, 'ext.cnf'), ext);
    const serial = (this.serial += 0x100);
    const days = opts.startDate ? [] : ['-days', '825'];
    run('openssl', ['x509', '-new', '-force_pubkey', pubPem, '-subj', `/CN=${name}/O=SoHoa Test`, '-CA', this.caCert, '-CAkey', this.caKey, ...days, '-set_serial', `0x${serial.toString(16)}`, '-extfile', join(dir, 'ext.cnf'), '-out', join(dir, 'cert.pem')], dir);
    const endRaw = run('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-enddate'], dir).toString().trim().split('=')[1]!;
    const end = new Date(endRaw);
    const p = (x: number): string => String(x).padStart(2, '0');
    const endStr = `${p(end.getUTCFullYear() % 100)}${p(end.getUTCMonth() + 1)}${p(end.getUTCDate())}${p(end.getUTCHours())}${p(end.getUTCMinutes())}${p(end.getUTCSeconds())}Z`;
    appendFileSync(join(this.dir, 'index.txt'), `V\t${endStr}\t\t${serial.toString(16).toUpperCase()}\tunknown\t/CN=${name}/O=SoHoa Test\n`);
    return run('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-outform', 'DER'], dir);
  }

  revoke(cert: IssuedCert): void {
    run('openssl', ['ca', '-config', join(this.dir, 'ca.cnf'), '-revoke', join(cert.dir, 'cert.pem')], this.dir);
  }

  async stop(): Promise<void> {
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server = null;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

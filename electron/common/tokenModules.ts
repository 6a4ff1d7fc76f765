/**
 * PKCS#11 libraries of the tokens Vietnamese clerks carry (signing-ecosystem spec §1): VGCA (SafeNet,
 * Bit4id), the public CAs' rebranded Feitian/Watchdata/SafeNet middleware, and their Linux builds. A
 * configured module must have one of these file names or be on the admin's own allow-list (a new CA's
 * library, SoftHSM for training). CSP DLLs (`*_s.dll`) are not PKCS#11 and are not here.
 */
export const KNOWN_TOKEN_MODULES: readonly string[] = [
  // VGCA (Ban Cơ yếu): SafeNet and Bit4id
  'etpkcs11.dll', 'bit4xpki.dll', 'libetpkcs11.so', 'libbit4xpki.so',
  // Feitian chips behind most public CAs
  'eps2003csp11.dll', 'shuttlecsp11_3003.dll', 'ngp11v211.dll', 'libcastle.so.1.0.0',
  // Watchdata
  'wdpkcs.dll',
  // VNPT-CA
  'vnpt-ca_csp11.dll', 'vnpt-ca_v34.dll', 'vnptca_p11_v6.dll', 'vnptca_p11_v7.dll', 'vnptca_p11_v8.dll', 'vnptca_p11_v9.dll', 'vnptca_p11_v10.dll',
  // Viettel-CA
  'viettel-ca_v2.dll', 'viettel-ca_v5.dll', 'viettel-ca_v6.dll', 'viettel-ca_v2_s.x64.dll',
  // BKAV-CA, FPT-CA, CA2 (Nacencomm), NewCA and others named in Vietnamese signers
  'bkavca.dll', 'fpt-ca.dll', 'fptca_v3.dll', 'fptca_v4.dll', 'fptca_v5.dll', 'fptca_v6.dll', 'fptca_v4.so',
  'ca2_v34.dll', 'ca2_csp11.dll', 'nca_v6.dll', 'ostc1_csp11.dll', 'vdctdcsp11.dll', 'st3csp11.dll', 'gclib.dll', 'psapkcs.dll',
  // OpenSC (PIV/CAC cards some agencies use)
  'opensc-pkcs11.so', 'opensc-pkcs11.dll',
];

function baseName(path: string): string {
  return (path.split(/[\\/]/).at(-1) ?? path).toLowerCase();
}

/** True when `module` is a known Vietnamese token library by file name, or listed exactly by the admin. */
export function tokenModuleAllowed(module: string, adminAllowed: readonly string[]): boolean {
  return KNOWN_TOKEN_MODULES.includes(baseName(module)) || adminAllowed.includes(module);
}

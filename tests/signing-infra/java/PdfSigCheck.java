// Independent signature check with PDFBox 2 + BouncyCastle (Debian libpdfbox2-java, libbcprov-java,
// libbcpkix-java). Usage: java PdfSigCheck FILE... ; prints one line per signature:
//   SIG <file> <index> <subFilter> <OK|FAIL> <ts=none|ok|fail> <dss=yes|no> <detail>
// Compiled by the tests with javac at test time; many files per JVM start.
import java.io.File;
import java.security.MessageDigest;
import java.security.Security;
import java.util.Arrays;
import java.util.Collection;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.util.Store;

public class PdfSigCheck {
  public static void main(String[] args) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    for (String path : args) {
      try (PDDocument doc = PDDocument.load(new File(path))) {
        byte[] all = java.nio.file.Files.readAllBytes(new File(path).toPath());
        boolean dss = doc.getDocumentCatalog().getCOSObject().getDictionaryObject(COSName.getPDFName("DSS")) != null;
        int i = 0;
        for (PDSignature sig : doc.getSignatureDictionaries()) {
          i++;
          String sub = sig.getSubFilter();
          String verdict = "OK", ts = "none", detail = "-";
          try {
            byte[] content = sig.getSignedContent(all);
            byte[] cms = sig.getContents(all);
            if ("ETSI.RFC3161".equals(sub)) {
              TimeStampToken tok = new TimeStampToken(new CMSSignedData(cms));
              X509CertificateHolder tsaCert = (X509CertificateHolder) tok.getCertificates().getMatches(tok.getSID()).iterator().next();
              tok.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(tsaCert));
              byte[] want = MessageDigest.getInstance("SHA-256").digest(content);
              if (!Arrays.equals(want, tok.getTimeStampInfo().getMessageImprintDigest())) throw new Exception("imprint mismatch");
              ts = "ok";
            } else {
              CMSSignedData sd = new CMSSignedData(new CMSProcessableByteArray(content), cms);
              Store<X509CertificateHolder> certs = sd.getCertificates();
              for (SignerInformation si : sd.getSignerInfos().getSigners()) {
                @SuppressWarnings("unchecked")
                Collection<X509CertificateHolder> m = certs.getMatches(si.getSID());
                X509CertificateHolder cert = m.iterator().next();
                if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(cert))) throw new Exception("signature does not verify");
                if (si.getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificateV2) == null) throw new Exception("no signing-certificate-v2");
                detail = si.getEncryptionAlgOID() + "/" + cert.getSubject();
                AttributeTable un = si.getUnsignedAttributes();
                Attribute a = un == null ? null : un.get(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken);
                if (a != null) {
                  try {
                    TimeStampToken tok = new TimeStampToken(new CMSSignedData(a.getAttrValues().getObjectAt(0).toASN1Primitive().getEncoded()));
                    X509CertificateHolder tsaCert = (X509CertificateHolder) tok.getCertificates().getMatches(tok.getSID()).iterator().next();
                    tok.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(tsaCert));
                    byte[] want = MessageDigest.getInstance("SHA-256").digest(si.getSignature());
                    ts = Arrays.equals(want, tok.getTimeStampInfo().getMessageImprintDigest()) ? "ok" : "fail";
                  } catch (Exception e) {
                    ts = "fail";
                  }
                }
              }
            }
          } catch (Exception e) {
            verdict = "FAIL";
            detail = e.getClass().getSimpleName() + ":" + String.valueOf(e.getMessage()).replace(' ', '_');
          }
          System.out.println("SIG " + path + " " + i + " " + sub + " " + verdict + " ts=" + ts + " dss=" + (dss ? "yes" : "no") + " " + detail.replace(' ', '_'));
        }
      } catch (Exception e) {
        System.out.println("ERR " + path + " " + e);
      }
    }
  }
}

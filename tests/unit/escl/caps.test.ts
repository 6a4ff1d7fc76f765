import { describe, expect, it } from 'vitest';
import { scanProfileSchema } from '../../../electron/common/capture';
import { parseCapabilities, parseStatus, scanSettings, toCapabilities } from '../../../native-bridge/escl/caps';
import { faultFromStatus } from '../../../native-bridge/escl/faults';

// Capabilities as devices write them: a default namespace for scan, another prefix for pwg, a lower-case
// doctype, elements in another order, unknown elements, a resolution with X ≠ Y (dropped), no platen.
const DEVICE_CAPS = `<?xml version="1.0" encoding="UTF-8"?>
<!doctype ScannerCapabilities>
<ScannerCapabilities xmlns="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:p="http://www.pwg.org/schemas/2010/12/sm">
  <p:Version>2.6</p:Version>
  <VendorThing><Nested>1</Nested></VendorThing>
  <UUID>urn:uuid:4509A320-00A0-008F-00B6-00559A327D32</UUID>
  <p:MakeAndModel>Kyocera ECOSYS M2040dn</p:MakeAndModel>
  <Adf>
    <FeederCapacity>50</FeederCapacity>
    <AdfSimplexInputCaps>
      <MaxHeight>4200</MaxHeight><MaxWidth>2550</MaxWidth>
      <SettingProfiles><SettingProfile>
        <ColorModes><ColorMode>BlackAndWhite1</ColorMode><ColorMode>Grayscale8</ColorMode><ColorMode>RGB24</ColorMode></ColorModes>
        <DocumentFormats><p:DocumentFormat>application/pdf</p:DocumentFormat><p:DocumentFormat>image/jpeg</p:DocumentFormat></DocumentFormats>
        <SupportedResolutions><DiscreteResolutions>
          <DiscreteResolution><XResolution>200</XResolution><YResolution>200</YResolution></DiscreteResolution>
          <DiscreteResolution><XResolution>300</XResolution><YResolution>300</YResolution></DiscreteResolution>
          <DiscreteResolution><XResolution>600</XResolution><YResolution>300</YResolution></DiscreteResolution>
        </DiscreteResolutions></SupportedResolutions>
      </SettingProfile></SettingProfiles>
    </AdfSimplexInputCaps>
  </Adf>
</ScannerCapabilities>`;

describe('eSCL capabilities, settings and status', () => {
  it('reads device capabilities whatever the prefixes, order and extra elements', () => {
    const raw = parseCapabilities(DEVICE_CAPS);
    expect(raw.uuid).toBe('4509a320-00a0-008f-00b6-00559a327d32');
    expect(raw.makeAndModel).toBe('Kyocera ECOSYS M2040dn');
    const caps = toCapabilities('escl:x', raw);
    expect(caps).toMatchObject({ sources: ['feeder'], duplex: false, pixelTypes: ['color', 'gray', 'bw'], resolutions: { values: [200, 300] }, maxWidthMm: 215.9, maxHeightMm: 355.6 });
    expect(caps.pageSizes).toContain('Legal');
    expect(caps.pageSizes).not.toContain('A3');
  });

  it('writes ScanSettings for a profile: feeder, RGB24, JPEG, 200 dpi, A4 region in 1/300 in', () => {
    const raw = parseCapabilities(DEVICE_CAPS);
    const s = scanSettings(raw, scanProfileSchema.parse({ name: 'x', pixelType: 'color', resolution: 200, source: 'feeder', duplex: true }));
    expect(s).toMatchObject({ source: 'Feeder', duplex: false, colorMode: 'RGB24', format: 'image/jpeg' });
    expect(s.xml).toContain('<pwg:InputSource>Feeder</pwg:InputSource>');
    expect(s.xml).toContain('<pwg:Width>2480</pwg:Width><pwg:Height>3508</pwg:Height>');
    expect(s.xml).toContain('<scan:Duplex>false</scan:Duplex>');
    expect(() => scanSettings(raw, scanProfileSchema.parse({ name: 'x', pixelType: 'color', resolution: 250, source: 'feeder' }))).toThrow(/250 dpi/);
    expect(() => scanSettings(raw, scanProfileSchema.parse({ name: 'x', pixelType: 'color', resolution: 200, source: 'flatbed' }))).toThrow(/no flatbed/);
  });

  it('refuses what is not eSCL or not XML with SCANNER_REPLY_MALFORMED', () => {
    for (const bad of ['', '<html><body>Login</body></html>', '<scan:ScannerCapabilities xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03"><pwg:Ver', '\u0000\u0001garbage']) {
      expect(() => parseCapabilities(bad)).toThrow(expect.objectContaining({ code: 'SCANNER_REPLY_MALFORMED' }));
    }
    expect(() => parseStatus('<ScannerStatus><State>Idle')).toThrow(expect.objectContaining({ code: 'SCANNER_REPLY_MALFORMED' }));
  });

  it('maps ScannerStatus to the SANE codes: a non-Loaded ADF state wins on feeder jobs', () => {
    const st = (adf: string, state = 'Idle'): ReturnType<typeof parseStatus> =>
      parseStatus(`<scan:ScannerStatus xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"><pwg:State>${state}</pwg:State><scan:AdfState>${adf}</scan:AdfState></scan:ScannerStatus>`);
    expect(faultFromStatus(st('ScannerAdfJam'), 409, true, 2)).toBe('SCANNER_JAMMED');
    expect(faultFromStatus(st('ScannerAdfMultipickDetected'), 500, true, 0)).toBe('SCANNER_JAMMED');
    expect(faultFromStatus(st('ScannerAdfHatchOpen'), 409, true, 0)).toBe('SCANNER_COVER_OPEN');
    expect(faultFromStatus(st('ScannerAdfDoorOpen'), 409, true, 0)).toBe('SCANNER_COVER_OPEN');
    expect(faultFromStatus(st('ScannerAdfEmpty'), 409, true, 0)).toBe('SCANNER_FEEDER_EMPTY');
    expect(faultFromStatus(st('ScannerAdfEmpty'), 409, true, 3)).toBe('end');
    expect(faultFromStatus(st('ScannerAdfLoaded', 'Processing'), 503, true, 0)).toBe('DEVICE_BUSY');
    expect(faultFromStatus(st('ScannerAdfLoaded', 'Down'), 500, true, 0)).toBe('DEVICE_VANISHED');
    expect(faultFromStatus(null, 500, true, 0)).toBe('SCANNER_IO_ERROR');
  });
});

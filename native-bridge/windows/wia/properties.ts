/**
 * WIA property ids and values the station reads and sets (wiadef.h of the Windows SDK; checked against the
 * header's copy in the code index, scanner-protocols.md §2.2–2.3). The WIA helper reports every read and
 * write with the id, so a transcript shows exactly what went to the driver.
 */
export const WIA_PROPERTY = {
  WIA_DIP_DEV_ID: 2,
  WIA_DIP_VEND_DESC: 3,
  WIA_DIP_DEV_DESC: 4,
  WIA_DIP_DEV_NAME: 7,
  WIA_DPS_HORIZONTAL_BED_SIZE: 3074,
  WIA_DPS_VERTICAL_BED_SIZE: 3075,
  WIA_DPS_HORIZONTAL_SHEET_FEED_SIZE: 3076,
  WIA_DPS_VERTICAL_SHEET_FEED_SIZE: 3077,
  WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES: 3086,
  WIA_DPS_DOCUMENT_HANDLING_STATUS: 3087,
  WIA_DPS_DOCUMENT_HANDLING_SELECT: 3088,
  WIA_DPS_DOCUMENT_HANDLING_CAPACITY: 3089,
  WIA_DPS_PAGES: 3096,
  WIA_DPS_PAGE_SIZE: 3097,
  WIA_IPA_DATATYPE: 4103,
  WIA_IPA_DEPTH: 4104,
  WIA_IPA_FORMAT: 4106,
  WIA_IPS_CUR_INTENT: 6146,
  WIA_IPS_XRES: 6147,
  WIA_IPS_YRES: 6148,
} as const;

/** WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES bits. */
export const HANDLING_CAPABILITY = { FEED: 0x1, FLAT: 0x2, DUP: 0x4 } as const;
/** WIA_DPS_DOCUMENT_HANDLING_STATUS bits. */
export const HANDLING_STATUS = {
  FEED_READY: 0x1,
  FLAT_READY: 0x2,
  DUP_READY: 0x4,
  FLAT_COVER_UP: 0x8,
  PATH_COVER_UP: 0x10,
  PAPER_JAM: 0x20,
  MULTIPLE_FEED: 0x200,
  DEVICE_ATTENTION: 0x400,
  LAMP_ERR: 0x800,
} as const;
/** WIA_DPS_DOCUMENT_HANDLING_SELECT values (WIA 1.0 / wiaaut, set on the device root). */
export const HANDLING_SELECT = { FEEDER: 0x1, FLATBED: 0x2, DUPLEX: 0x4, FRONT_ONLY: 0x20 } as const;
/** WIA_IPA_DATATYPE values. */
export const DATATYPE = { THRESHOLD: 0, DITHER: 1, GRAYSCALE: 2, COLOR: 3 } as const;
/** WIA_DPS_PAGE_SIZE values. */
export const PAGE_SIZE = { A4: 0, LETTER: 1, CUSTOM: 2, USLEGAL: 3, ISO_A3: 10, ISO_A5: 11 } as const;
/** wiaFormatBMP: what the helper asks Item.Transfer for (uncompressed; the station converts it to PNM). */
export const WIA_FORMAT_BMP = '{B96B3CAB-0728-11D3-9D7B-0000F81EF32E}';

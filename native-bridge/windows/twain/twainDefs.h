/*
 * The part of the TWAIN 2.x interface (twain.h of the TWAIN Working Group) the station's helper and its test
 * data source use, written out here because Debian's mingw-w64 ships no twain.h. Values follow the TWAIN 2.1
 * specification (TWCC_INTERLOCK 24 and TWCC_NOMEDIA 29 are 2.1 additions).
 *
 * Windows packs every TWAIN structure on 2 bytes: a 32-bit application and a 32-bit data source must agree on
 * TW_IDENTITY = 156 and TW_IMAGEINFO = 42 bytes, or the DSM hands over garbled identities. The static asserts at
 * the end fail the build of either architecture when the layout drifts.
 */
#ifndef SOHOA_TWAIN_DEFS_H
#define SOHOA_TWAIN_DEFS_H

#include <stddef.h>
#include <stdint.h>
#include <windows.h>

/* SOHOA_TWAIN_PACK_PROBE builds with the compiler's natural packing instead: the layout test uses it to show
   that the asserts below do catch a wrong packing. */
#ifdef SOHOA_TWAIN_PACK_PROBE
#pragma pack(push, 8)
#else
#pragma pack(push, 2)
#endif

typedef char TW_STR32[34];
typedef char TW_STR255[256];
typedef int8_t TW_INT8;
typedef int16_t TW_INT16;
typedef int32_t TW_INT32;
typedef uint8_t TW_UINT8;
typedef uint16_t TW_UINT16;
typedef uint32_t TW_UINT32;
typedef uint16_t TW_BOOL;
typedef HANDLE TW_HANDLE;
typedef void *TW_MEMREF;

typedef struct { TW_INT16 Whole; TW_UINT16 Frac; } TW_FIX32;
typedef struct { TW_FIX32 Left, Top, Right, Bottom; } TW_FRAME;
typedef struct { TW_UINT32 Flags; TW_UINT32 Length; TW_MEMREF TheMem; } TW_MEMORY;
typedef struct { TW_UINT16 MajorNum, MinorNum, Language, Country; TW_STR32 Info; } TW_VERSION;
typedef struct {
  TW_UINT32 Id;
  TW_VERSION Version;
  TW_UINT16 ProtocolMajor, ProtocolMinor;
  TW_UINT32 SupportedGroups;
  TW_STR32 Manufacturer, ProductFamily, ProductName;
} TW_IDENTITY, *pTW_IDENTITY;
typedef struct { TW_UINT16 ItemType; TW_UINT32 Item; } TW_ONEVALUE;
typedef struct { TW_UINT16 ItemType; TW_UINT32 NumItems, CurrentIndex, DefaultIndex; TW_UINT8 ItemList[1]; } TW_ENUMERATION;
typedef struct { TW_UINT16 ItemType; TW_UINT32 MinValue, MaxValue, StepSize, DefaultValue, CurrentValue; } TW_RANGE;
typedef struct { TW_UINT16 ItemType; TW_UINT32 NumItems; TW_UINT8 ItemList[1]; } TW_ARRAY;
typedef struct { TW_UINT16 Cap; TW_UINT16 ConType; TW_HANDLE hContainer; } TW_CAPABILITY;
typedef struct { TW_MEMREF pEvent; TW_UINT16 TWMessage; } TW_EVENT;
typedef struct {
  TW_FIX32 XResolution, YResolution;
  TW_INT32 ImageWidth, ImageLength;
  TW_INT16 SamplesPerPixel;
  TW_INT16 BitsPerSample[8];
  TW_INT16 BitsPerPixel;
  TW_BOOL Planar;
  TW_INT16 PixelType;
  TW_UINT16 Compression;
} TW_IMAGEINFO;
typedef struct { TW_FRAME Frame; TW_UINT32 DocumentNumber, PageNumber, FrameNumber; } TW_IMAGELAYOUT;
typedef struct {
  TW_UINT16 Compression;
  TW_UINT32 BytesPerRow, Columns, Rows, XOffset, YOffset, BytesWritten;
  TW_MEMORY Memory;
} TW_IMAGEMEMXFER;
typedef struct { TW_UINT16 Count; union { TW_UINT32 EOJ; TW_UINT32 Reserved; } u; } TW_PENDINGXFERS;
typedef struct { TW_UINT32 MinBufSize, MaxBufSize, Preferred; } TW_SETUPMEMXFER;
typedef struct { TW_UINT16 ConditionCode; TW_UINT16 Reserved; } TW_STATUS;
typedef struct { TW_BOOL ShowUI; TW_BOOL ModalUI; TW_HANDLE hParent; } TW_USERINTERFACE;

typedef TW_UINT16(WINAPI *DSMENTRYPROC)(pTW_IDENTITY, pTW_IDENTITY, TW_UINT32, TW_UINT16, TW_UINT16, TW_MEMREF);
typedef TW_UINT16(WINAPI *DSENTRYPROC)(pTW_IDENTITY, TW_UINT32, TW_UINT16, TW_UINT16, TW_MEMREF);
typedef TW_HANDLE(WINAPI *DSM_MEMALLOCATE)(TW_UINT32);
typedef void(WINAPI *DSM_MEMFREE)(TW_HANDLE);
typedef TW_MEMREF(WINAPI *DSM_MEMLOCK)(TW_HANDLE);
typedef void(WINAPI *DSM_MEMUNLOCK)(TW_HANDLE);
/* DAT_ENTRYPOINT (TWAIN 2): how TWAINDSM.dll hands a 2.x data source its DSM_Entry. */
typedef struct {
  TW_UINT32 Size;
  DSMENTRYPROC DSM_Entry;
  DSM_MEMALLOCATE DSM_MemAllocate;
  DSM_MEMFREE DSM_MemFree;
  DSM_MEMLOCK DSM_MemLock;
  DSM_MEMUNLOCK DSM_MemUnlock;
} TW_ENTRYPOINT;

#pragma pack(pop)

#define TWON_PROTOCOLMAJOR 2
#define TWON_PROTOCOLMINOR 1
#define TWON_ARRAY 3
#define TWON_ENUMERATION 4
#define TWON_ONEVALUE 5
#define TWON_RANGE 6
#define TWTY_INT16 1
#define TWTY_INT32 2
#define TWTY_UINT16 4
#define TWTY_UINT32 5
#define TWTY_BOOL 6
#define TWTY_FIX32 7
#define TWMF_APPOWNS 0x1
#define TWMF_POINTER 0x8
#define TWLG_USA 13
#define TWCY_USA 1
#define DG_CONTROL 0x0001
#define DG_IMAGE 0x0002
#define DF_APP2 0x20000000
#define DF_DSM2 0x10000000
#define DF_DS2 0x40000000

#define DAT_NULL 0x0000
#define DAT_CAPABILITY 0x0001
#define DAT_EVENT 0x0002
#define DAT_IDENTITY 0x0003
#define DAT_PARENT 0x0004
#define DAT_PENDINGXFERS 0x0005
#define DAT_SETUPMEMXFER 0x0006
#define DAT_STATUS 0x0008
#define DAT_USERINTERFACE 0x0009
#define DAT_ENTRYPOINT 0x0403
#define DAT_IMAGEINFO 0x0101
#define DAT_IMAGELAYOUT 0x0102
#define DAT_IMAGEMEMXFER 0x0103
#define DAT_IMAGENATIVEXFER 0x0104

#define MSG_NULL 0x0000
#define MSG_GET 0x0001
#define MSG_GETCURRENT 0x0002
#define MSG_GETDEFAULT 0x0003
#define MSG_GETFIRST 0x0004
#define MSG_GETNEXT 0x0005
#define MSG_SET 0x0006
#define MSG_RESET 0x0007
#define MSG_XFERREADY 0x0101
#define MSG_CLOSEDSREQ 0x0102
#define MSG_CLOSEDSOK 0x0103
#define MSG_OPENDSM 0x0301
#define MSG_CLOSEDSM 0x0302
#define MSG_OPENDS 0x0401
#define MSG_CLOSEDS 0x0402
#define MSG_DISABLEDS 0x0501
#define MSG_ENABLEDS 0x0502
#define MSG_PROCESSEVENT 0x0601
#define MSG_ENDXFER 0x0701

#define CAP_XFERCOUNT 0x0001
#define ICAP_COMPRESSION 0x0100
#define ICAP_PIXELTYPE 0x0101
#define ICAP_UNITS 0x0102
#define ICAP_XFERMECH 0x0103
#define CAP_FEEDERENABLED 0x1002
#define CAP_FEEDERLOADED 0x1003
#define CAP_AUTOFEED 0x1007
#define CAP_INDICATORS 0x100b
#define CAP_UICONTROLLABLE 0x100e
#define CAP_DEVICEONLINE 0x100f
#define CAP_DUPLEX 0x1012
#define CAP_DUPLEXENABLED 0x1013
#define ICAP_PHYSICALWIDTH 0x1111
#define ICAP_PHYSICALHEIGHT 0x1112
#define ICAP_XRESOLUTION 0x1118
#define ICAP_YRESOLUTION 0x1119
#define ICAP_SUPPORTEDSIZES 0x1122
#define ICAP_BITDEPTH 0x112b
#define ICAP_AUTODISCARDBLANKPAGES 0x1134

#define TWPT_BW 0
#define TWPT_GRAY 1
#define TWPT_RGB 2
#define TWSX_NATIVE 0
#define TWSX_MEMORY 2
#define TWCP_NONE 0
#define TWDX_NONE 0
#define TWDX_1PASSDUPLEX 1
#define TWSS_NONE 0
#define TWSS_A4 1
#define TWSS_USLETTER 3
#define TWSS_USLEGAL 4
#define TWSS_A5 5
#define TWSS_A3 11
#define TWBP_DISABLE (-2)

#define TWRC_SUCCESS 0
#define TWRC_FAILURE 1
#define TWRC_CHECKSTATUS 2
#define TWRC_CANCEL 3
#define TWRC_DSEVENT 4
#define TWRC_NOTDSEVENT 5
#define TWRC_XFERDONE 6
#define TWRC_ENDOFLIST 7

#define TWCC_SUCCESS 0
#define TWCC_BUMMER 1
#define TWCC_LOWMEMORY 2
#define TWCC_NODS 3
#define TWCC_MAXCONNECTIONS 4
#define TWCC_OPERATIONERROR 5
#define TWCC_BADCAP 6
#define TWCC_BADPROTOCOL 9
#define TWCC_BADVALUE 10
#define TWCC_SEQERROR 11
#define TWCC_BADDEST 12
#define TWCC_CAPUNSUPPORTED 13
#define TWCC_CAPBADOPERATION 14
#define TWCC_CAPSEQERROR 15
#define TWCC_PAPERJAM 20
#define TWCC_PAPERDOUBLEFEED 21
#define TWCC_CHECKDEVICEONLINE 23
#define TWCC_INTERLOCK 24
#define TWCC_NOMEDIA 29

/* Windows packing 2 (measured-facts.md; TWAIN spec "Data Types and Data Structures"). */
_Static_assert(sizeof(TW_IDENTITY) == 156, "TW_IDENTITY must be 156 bytes (Windows packing 2)");
_Static_assert(offsetof(TW_IDENTITY, SupportedGroups) == 50, "TW_IDENTITY.SupportedGroups at offset 50");
_Static_assert(offsetof(TW_IDENTITY, ProductName) == 122, "TW_IDENTITY.ProductName at offset 122");
_Static_assert(sizeof(TW_IMAGEINFO) == 42, "TW_IMAGEINFO must be 42 bytes (Windows packing 2)");
_Static_assert(sizeof(TW_ONEVALUE) == 6, "TW_ONEVALUE must be 6 bytes");
_Static_assert(offsetof(TW_ENUMERATION, ItemList) == 14, "TW_ENUMERATION.ItemList at offset 14");
_Static_assert(sizeof(TW_RANGE) == 22, "TW_RANGE must be 22 bytes");
_Static_assert(sizeof(TW_PENDINGXFERS) == 6, "TW_PENDINGXFERS must be 6 bytes");
_Static_assert(sizeof(TW_IMAGELAYOUT) == 28, "TW_IMAGELAYOUT must be 28 bytes");
#ifdef _WIN64
_Static_assert(sizeof(TW_CAPABILITY) == 12, "TW_CAPABILITY must be 12 bytes on x64");
_Static_assert(sizeof(TW_IMAGEMEMXFER) == 42, "TW_IMAGEMEMXFER must be 42 bytes on x64");
_Static_assert(sizeof(TW_USERINTERFACE) == 12, "TW_USERINTERFACE must be 12 bytes on x64");
#else
_Static_assert(sizeof(TW_CAPABILITY) == 8, "TW_CAPABILITY must be 8 bytes on x86");
_Static_assert(sizeof(TW_IMAGEMEMXFER) == 38, "TW_IMAGEMEMXFER must be 38 bytes on x86");
_Static_assert(sizeof(TW_USERINTERFACE) == 8, "TW_USERINTERFACE must be 8 bytes on x86");
#endif

#endif

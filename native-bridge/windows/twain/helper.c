/*
 * sohoa-twain: the station's TWAIN helper (docs/capture.md, Windows). One operation per process, as the
 * station's other helpers: the first line on stdin is the request, stdout carries JSON lines (protocol only),
 * stderr carries the log (JSON lines, among them every TWAIN state change). Later stdin lines may say
 * {"op":"cancel"}; end of stdin cancels too.
 *
 *   {"op":"list"}
 *   {"op":"caps","device":"<ProductName>"}
 *   {"op":"scan","device":"…","outDir":"C:\\…","firstSeq":1,"pixelType":"gray","resolution":200,
 *    "source":"feeder","duplex":true,"pageSize":"A4"}
 *
 * Pages are memory transfers written as PNM files into outDir (`s000001.pnm.part`, renamed to `s000001.pnm`
 * once whole), the naming the station's spool and crash recovery use. The TWAIN states (1–7) are kept in
 * one variable and every change is logged with the triplet that caused it.
 */
#include <io.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "twainDefs.h"

#ifdef _WIN64
#define HELPER_ARCH "x64"
#else
#define HELPER_ARCH "x86"
#endif

/* ---- output ------------------------------------------------------------------------------------------ */

static CRITICAL_SECTION g_out_lock;

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}

/* Writes one JSON line on stdout; `fmt` is the object's body after the type. */
static void emit(const char *type, const char *fmt, ...) {
  EnterCriticalSection(&g_out_lock);
  fprintf(stdout, "{\"type\":\"%s\"", type);
  if (fmt && *fmt) {
    va_list ap;
    va_start(ap, fmt);
    fputc(',', stdout);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
  }
  fputs("}\n", stdout);
  fflush(stdout);
  LeaveCriticalSection(&g_out_lock);
}

static void logf_(const char *level, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  EnterCriticalSection(&g_out_lock);
  fprintf(stderr, "{\"level\":\"%s\",\"msg\":", level);
  json_str(stderr, msg);
  fputs("}\n", stderr);
  fflush(stderr);
  LeaveCriticalSection(&g_out_lock);
}

/* ---- request parsing (our own fixed-shape JSON: flat object of strings, numbers, booleans) --------------- */

static char g_request[8192];

static const char *find_key(const char *json, const char *key) {
  char pat[80];
  snprintf(pat, sizeof pat, "\"%s\"", key);
  const char *p = strstr(json, pat);
  if (!p) return NULL;
  p += strlen(pat);
  while (*p == ' ' || *p == '\t') p++;
  if (*p != ':') return NULL;
  p++;
  while (*p == ' ' || *p == '\t') p++;
  return p;
}

static int get_str(const char *json, const char *key, char *out, size_t n) {
  const char *p = find_key(json, key);
  if (!p || *p != '"') return 0;
  size_t i = 0;
  for (p++; *p && *p != '"' && i + 1 < n; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      out[i++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
    } else out[i++] = *p;
  }
  out[i] = 0;
  return 1;
}

static long get_num(const char *json, const char *key, long dflt) {
  const char *p = find_key(json, key);
  if (!p || (*p != '-' && (*p < '0' || *p > '9'))) return dflt;
  return strtol(p, NULL, 10);
}

static int get_bool(const char *json, const char *key, int dflt) {
  const char *p = find_key(json, key);
  if (!p) return dflt;
  if (strncmp(p, "true", 4) == 0) return 1;
  if (strncmp(p, "false", 5) == 0) return 0;
  return dflt;
}

/* ---- cancel: a reader thread on stdin ---------------------------------------------------------------- */

static volatile LONG g_cancel = 0;

static DWORD WINAPI stdin_reader(LPVOID arg) {
  (void)arg;
  char line[512];
  while (fgets(line, sizeof line, stdin)) {
    if (strstr(line, "\"cancel\"")) {
      InterlockedExchange(&g_cancel, 1);
      logf_("info", "cancel requested");
    }
  }
  /* The station closed our stdin: it is gone or wants us gone. */
  InterlockedExchange(&g_cancel, 1);
  return 0;
}

/* ---- the TWAIN session and its state machine ---------------------------------------------------------- */

static DSMENTRYPROC g_dsm;
static HMODULE g_dsm_module;
static char g_dsm_name[64];
static TW_IDENTITY g_app;
static TW_IDENTITY g_src;
static HWND g_hwnd;
static int g_state = 1;
static const char *g_last_triplet = "";

static void set_state(int to, const char *triplet) {
  if (to == g_state) return;
  logf_("info", "TWAIN state %d -> %d (%s)", g_state, to, triplet);
  emit("state", "\"from\":%d,\"to\":%d,\"triplet\":\"%s\"", g_state, to, triplet);
  g_state = to;
}

static TW_UINT16 call(pTW_IDENTITY dest, TW_UINT32 dg, TW_UINT16 dat, TW_UINT16 msg, TW_MEMREF data, const char *triplet) {
  g_last_triplet = triplet;
  return g_dsm(&g_app, dest, dg, dat, msg, data);
}

/* Condition code after a TWRC_FAILURE: from the source when one is open, else from the DSM. */
static TW_UINT16 condition(pTW_IDENTITY dest) {
  TW_STATUS st = {0, 0};
  if (g_dsm(&g_app, dest, DG_CONTROL, DAT_STATUS, MSG_GET, &st) != TWRC_SUCCESS) return TWCC_BUMMER;
  return st.ConditionCode;
}

static void emit_error(TW_UINT16 rc, TW_UINT16 cc, int seq, int pages, const char *detail) {
  emit("error", "\"twrc\":%u,\"twcc\":%u,\"state\":%d,\"triplet\":\"%s\",\"seq\":%d,\"pages\":%d,\"detail\":\"%s\"", rc, cc, g_state,
       g_last_triplet, seq, pages, detail ? detail : "");
}

static int load_dsm(const char *wanted) {
  const char *names[3] = {wanted, "TWAINDSM.dll", "twain_32.dll"};
  for (int i = 0; i < 3; i++) {
    if (!names[i] || !*names[i]) continue;
    HMODULE m = LoadLibraryA(names[i]);
    if (!m) continue;
    DSMENTRYPROC e = (DSMENTRYPROC)(void (*)(void))GetProcAddress(m, "DSM_Entry");
    if (!e) {
      FreeLibrary(m);
      continue;
    }
    g_dsm = e;
    g_dsm_module = m;
    snprintf(g_dsm_name, sizeof g_dsm_name, "%s", names[i]);
    set_state(2, "LoadLibrary");
    return 1;
  }
  return 0;
}

static int open_dsm(void) {
  memset(&g_app, 0, sizeof g_app);
  g_app.Version.MajorNum = 1;
  g_app.Version.Language = TWLG_USA;
  g_app.Version.Country = TWCY_USA;
  snprintf(g_app.Version.Info, sizeof g_app.Version.Info, "sohoa-twain 1");
  g_app.ProtocolMajor = TWON_PROTOCOLMAJOR;
  g_app.ProtocolMinor = TWON_PROTOCOLMINOR;
  g_app.SupportedGroups = DG_CONTROL | DG_IMAGE | DF_APP2;
  snprintf(g_app.Manufacturer, sizeof g_app.Manufacturer, "SoHoa Station");
  snprintf(g_app.ProductFamily, sizeof g_app.ProductFamily, "Capture");
  snprintf(g_app.ProductName, sizeof g_app.ProductName, "SoHoa Station");
  /* A hidden message-only window: the DSM needs an HWND, and Windows TWAIN delivers MSG_XFERREADY through the
     application's message loop even with the source's UI hidden (scanner-protocols.md §3.2). */
  g_hwnd = CreateWindowExA(0, "STATIC", "sohoa-twain", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, GetModuleHandleA(NULL), NULL);
  TW_UINT16 rc = call(NULL, DG_CONTROL, DAT_PARENT, MSG_OPENDSM, (TW_MEMREF)&g_hwnd, "DG_CONTROL/DAT_PARENT/MSG_OPENDSM");
  if (rc != TWRC_SUCCESS) {
    emit_error(rc, condition(NULL), 0, 0, "the TWAIN DSM did not open");
    return 0;
  }
  set_state(3, "DG_CONTROL/DAT_PARENT/MSG_OPENDSM");
  return 1;
}

static void close_dsm(void) {
  if (g_state == 3) {
    call(NULL, DG_CONTROL, DAT_PARENT, MSG_CLOSEDSM, (TW_MEMREF)&g_hwnd, "DG_CONTROL/DAT_PARENT/MSG_CLOSEDSM");
    set_state(2, "DG_CONTROL/DAT_PARENT/MSG_CLOSEDSM");
  }
  if (g_state == 2) {
    /* State 1 by process exit (one operation per helper), not FreeLibrary: a source may still own windows, which
       is why Wine's twain_32 does not unload sources either. */
    set_state(1, "process exit");
  }
}

static int open_source(const char *product) {
  memset(&g_src, 0, sizeof g_src);
  int found = 0;
  TW_IDENTITY id;
  memset(&id, 0, sizeof id);
  TW_UINT16 rc = call(NULL, DG_CONTROL, DAT_IDENTITY, MSG_GETFIRST, &id, "DG_CONTROL/DAT_IDENTITY/MSG_GETFIRST");
  while (rc == TWRC_SUCCESS) {
    if (!product || !*product || strcmp(id.ProductName, product) == 0) {
      g_src = id;
      found = 1;
      break;
    }
    memset(&id, 0, sizeof id);
    rc = call(NULL, DG_CONTROL, DAT_IDENTITY, MSG_GETNEXT, &id, "DG_CONTROL/DAT_IDENTITY/MSG_GETNEXT");
  }
  if (!found) {
    g_last_triplet = "DG_CONTROL/DAT_IDENTITY/MSG_GETNEXT";
    emit_error(TWRC_FAILURE, TWCC_NODS, 0, 0, "no such TWAIN source");
    return 0;
  }
  rc = call(NULL, DG_CONTROL, DAT_IDENTITY, MSG_OPENDS, &g_src, "DG_CONTROL/DAT_IDENTITY/MSG_OPENDS");
  if (rc != TWRC_SUCCESS) {
    emit_error(rc, condition(NULL), 0, 0, "the TWAIN source did not open");
    return 0;
  }
  set_state(4, "DG_CONTROL/DAT_IDENTITY/MSG_OPENDS");
  return 1;
}

static void close_source(void) {
  if (g_state == 7) {
    TW_PENDINGXFERS px = {0, {0}};
    call(&g_src, DG_CONTROL, DAT_PENDINGXFERS, MSG_ENDXFER, &px, "DG_CONTROL/DAT_PENDINGXFERS/MSG_ENDXFER");
    set_state(px.Count ? 6 : 5, "DG_CONTROL/DAT_PENDINGXFERS/MSG_ENDXFER");
  }
  if (g_state == 6) {
    TW_PENDINGXFERS px = {0, {0}};
    call(&g_src, DG_CONTROL, DAT_PENDINGXFERS, MSG_RESET, &px, "DG_CONTROL/DAT_PENDINGXFERS/MSG_RESET");
    set_state(5, "DG_CONTROL/DAT_PENDINGXFERS/MSG_RESET");
  }
  if (g_state == 5) {
    TW_USERINTERFACE ui = {0, 0, g_hwnd};
    call(&g_src, DG_CONTROL, DAT_USERINTERFACE, MSG_DISABLEDS, &ui, "DG_CONTROL/DAT_USERINTERFACE/MSG_DISABLEDS");
    set_state(4, "DG_CONTROL/DAT_USERINTERFACE/MSG_DISABLEDS");
  }
  if (g_state == 4) {
    call(NULL, DG_CONTROL, DAT_IDENTITY, MSG_CLOSEDS, &g_src, "DG_CONTROL/DAT_IDENTITY/MSG_CLOSEDS");
    set_state(3, "DG_CONTROL/DAT_IDENTITY/MSG_CLOSEDS");
  }
}

/* ---- capabilities -------------------------------------------------------------------------------------- */

static double fix32_to_double(TW_FIX32 f) { return f.Whole + f.Frac / 65536.0; }

static TW_UINT32 fix32_bits(double v) {
  TW_FIX32 f;
  long value = (long)(v * 65536.0 + 0.5);
  f.Whole = (TW_INT16)(value >> 16);
  f.Frac = (TW_UINT16)(value & 0xffff);
  TW_UINT32 bits;
  memcpy(&bits, &f, sizeof bits);
  return bits;
}

static size_t item_size(TW_UINT16 type) {
  switch (type) {
    case TWTY_INT16: case TWTY_UINT16: case TWTY_BOOL: return 2;
    case TWTY_INT32: case TWTY_UINT32: case TWTY_FIX32: return 4;
    default: return 1;
  }
}

static double item_value(TW_UINT16 type, const TW_UINT8 *p) {
  switch (type) {
    case TWTY_INT16: { TW_INT16 v; memcpy(&v, p, 2); return v; }
    case TWTY_UINT16: case TWTY_BOOL: { TW_UINT16 v; memcpy(&v, p, 2); return v; }
    case TWTY_INT32: { TW_INT32 v; memcpy(&v, p, 4); return v; }
    case TWTY_UINT32: { TW_UINT32 v; memcpy(&v, p, 4); return v; }
    case TWTY_FIX32: { TW_FIX32 v; memcpy(&v, p, 4); return fix32_to_double(v); }
    default: return *p;
  }
}

/* MSG_SET of one value; returns the condition code (TWCC_SUCCESS when the source took it). */
static TW_UINT16 set_cap(TW_UINT16 cap, TW_UINT16 type, TW_UINT32 value, const char *name) {
  TW_CAPABILITY c;
  c.Cap = cap;
  c.ConType = TWON_ONEVALUE;
  c.hContainer = GlobalAlloc(GHND, sizeof(TW_ONEVALUE));
  TW_ONEVALUE *ov = (TW_ONEVALUE *)GlobalLock(c.hContainer);
  ov->ItemType = type;
  ov->Item = value;
  GlobalUnlock(c.hContainer);
  TW_UINT16 rc = call(&g_src, DG_CONTROL, DAT_CAPABILITY, MSG_SET, &c, "DG_CONTROL/DAT_CAPABILITY/MSG_SET");
  GlobalFree(c.hContainer);
  TW_UINT16 cc = TWCC_SUCCESS;
  if (rc != TWRC_SUCCESS && rc != TWRC_CHECKSTATUS) cc = condition(&g_src);
  /* An unsupported capability is logged and scanning goes on (§3.3); the station decides whether it matters. */
  logf_(cc == TWCC_SUCCESS ? "info" : "warn", "MSG_SET %s = %lu: rc %u cc %u", name, (unsigned long)value, rc, cc);
  emit("negotiated", "\"cap\":\"%s\",\"value\":%lu,\"twrc\":%u,\"twcc\":%u", name, (unsigned long)value, rc, cc);
  return cc;
}

/* Prints the values a capability offers as a JSON array (enumeration, array, one value; a range as min/max/step). */
static void print_cap_values(FILE *f, TW_UINT16 cap, TW_UINT16 msg) {
  TW_CAPABILITY c = {cap, 0, NULL};
  TW_UINT16 rc = call(&g_src, DG_CONTROL, DAT_CAPABILITY, msg, &c, "DG_CONTROL/DAT_CAPABILITY/MSG_GET");
  if (rc != TWRC_SUCCESS || !c.hContainer) {
    if (rc != TWRC_SUCCESS) condition(&g_src);
    fputs("null", f);
    return;
  }
  void *p = GlobalLock(c.hContainer);
  if (c.ConType == TWON_ENUMERATION) {
    TW_ENUMERATION *e = (TW_ENUMERATION *)p;
    size_t sz = item_size(e->ItemType);
    fputc('[', f);
    for (TW_UINT32 i = 0; i < e->NumItems; i++) fprintf(f, "%s%g", i ? "," : "", item_value(e->ItemType, e->ItemList + i * sz));
    fputc(']', f);
  } else if (c.ConType == TWON_ARRAY) {
    TW_ARRAY *a = (TW_ARRAY *)p;
    size_t sz = item_size(a->ItemType);
    fputc('[', f);
    for (TW_UINT32 i = 0; i < a->NumItems; i++) fprintf(f, "%s%g", i ? "," : "", item_value(a->ItemType, a->ItemList + i * sz));
    fputc(']', f);
  } else if (c.ConType == TWON_ONEVALUE) {
    TW_ONEVALUE *o = (TW_ONEVALUE *)p;
    fprintf(f, "[%g]", item_value(o->ItemType, (const TW_UINT8 *)&o->Item));
  } else if (c.ConType == TWON_RANGE) {
    TW_RANGE *r = (TW_RANGE *)p;
    fprintf(f, "{\"min\":%g,\"max\":%g,\"step\":%g}", item_value(r->ItemType, (const TW_UINT8 *)&r->MinValue),
            item_value(r->ItemType, (const TW_UINT8 *)&r->MaxValue), item_value(r->ItemType, (const TW_UINT8 *)&r->StepSize));
  } else fputs("null", f);
  GlobalUnlock(c.hContainer);
  GlobalFree(c.hContainer);
}

static int op_caps(void) {
  EnterCriticalSection(&g_out_lock);
  fputs("{\"type\":\"caps\"", stdout);
  static const struct { TW_UINT16 cap; const char *name; } CAPS[] = {
      {ICAP_PIXELTYPE, "pixelTypes"},       {ICAP_XRESOLUTION, "xResolutions"}, {ICAP_YRESOLUTION, "yResolutions"},
      {CAP_FEEDERENABLED, "feederEnabled"}, {CAP_DUPLEX, "duplex"},             {CAP_FEEDERLOADED, "feederLoaded"},
      {ICAP_SUPPORTEDSIZES, "sizes"},       {ICAP_PHYSICALWIDTH, "physicalWidth"}, {ICAP_PHYSICALHEIGHT, "physicalHeight"},
      {CAP_UICONTROLLABLE, "uiControllable"}, {CAP_DEVICEONLINE, "deviceOnline"},
  };
  for (size_t i = 0; i < sizeof CAPS / sizeof CAPS[0]; i++) {
    fprintf(stdout, ",\"%s\":", CAPS[i].name);
    print_cap_values(stdout, CAPS[i].cap, MSG_GET);
  }
  fputs("}\n", stdout);
  fflush(stdout);
  LeaveCriticalSection(&g_out_lock);
  return 1;
}

static int get_onevalue(TW_UINT16 cap, TW_UINT32 *out) {
  TW_CAPABILITY c = {cap, 0, NULL};
  TW_UINT16 rc = call(&g_src, DG_CONTROL, DAT_CAPABILITY, MSG_GETCURRENT, &c, "DG_CONTROL/DAT_CAPABILITY/MSG_GETCURRENT");
  if (rc != TWRC_SUCCESS || !c.hContainer) {
    if (rc != TWRC_SUCCESS) condition(&g_src);
    return 0;
  }
  int ok = 0;
  void *p = GlobalLock(c.hContainer);
  if (c.ConType == TWON_ONEVALUE) {
    *out = ((TW_ONEVALUE *)p)->Item;
    ok = 1;
  }
  GlobalUnlock(c.hContainer);
  GlobalFree(c.hContainer);
  return ok;
}

/* ---- scanning -------------------------------------------------------------------------------------------- */

struct scan_req {
  char out_dir[MAX_PATH];
  int first_seq;
  int pixel_type;
  int resolution;
  int feeder;
  int duplex;
  int size;
};

static void page_paths(const struct scan_req *r, int seq, char *file, char *part) {
  snprintf(file, MAX_PATH, "%s\\s%06d.pnm", r->out_dir, seq);
  snprintf(part, MAX_PATH, "%s.part", file);
}

static const char *pixel_name(int t) { return t == TWPT_RGB ? "color" : t == TWPT_GRAY ? "gray" : "bw"; }

/*
 * One image in state 6 → 7 → 6/5. Returns 1 when a page was written, 0 on a transfer failure (error emitted),
 * -1 on cancel. *pending receives the count after MSG_ENDXFER.
 */
static int transfer_one(const struct scan_req *r, int seq, int pages, int *pending) {
  TW_IMAGEINFO info;
  memset(&info, 0, sizeof info);
  TW_UINT16 rc = call(&g_src, DG_IMAGE, DAT_IMAGEINFO, MSG_GET, &info, "DG_IMAGE/DAT_IMAGEINFO/MSG_GET");
  if (rc != TWRC_SUCCESS) {
    emit_error(rc, condition(&g_src), seq, pages, "image info");
    return 0;
  }
  TW_SETUPMEMXFER setup = {0, 0, 0};
  rc = call(&g_src, DG_CONTROL, DAT_SETUPMEMXFER, MSG_GET, &setup, "DG_CONTROL/DAT_SETUPMEMXFER/MSG_GET");
  TW_UINT32 bufsize = rc == TWRC_SUCCESS && setup.Preferred ? setup.Preferred : 64 * 1024;
  if (rc == TWRC_SUCCESS && setup.MaxBufSize && bufsize > setup.MaxBufSize) bufsize = setup.MaxBufSize;
  int width = info.ImageWidth, height = info.ImageLength;
  int bpp = info.BitsPerPixel;
  int dpi = (int)(fix32_to_double(info.XResolution) + 0.5);
  const char *magic = info.PixelType == TWPT_RGB ? "P6" : info.PixelType == TWPT_GRAY ? "P5" : "P4";
  size_t row_bytes = info.PixelType == TWPT_BW ? (size_t)(width + 7) / 8 : (size_t)width * (bpp / 8);
  const char *side = r->duplex ? ((seq - r->first_seq) % 2 == 0 ? "front" : "back") : "front";
  emit("page-started", "\"seq\":%d,\"side\":\"%s\"", seq, side);

  char file[MAX_PATH], part[MAX_PATH];
  page_paths(r, seq, file, part);
  FILE *out = fopen(part, "wb");
  if (!out) {
    emit_error(TWRC_FAILURE, TWCC_BUMMER, seq, pages, "cannot create the page file");
    return 0;
  }
  int header = fprintf(out, info.PixelType == TWPT_BW ? "%s\n%d %d\n" : "%s\n%d %d\n255\n", magic, width, height);
  TW_IMAGEMEMXFER mx;
  void *buf = malloc(bufsize);
  int rows_done = 0, last_pct = -1;
  for (;;) {
    if (g_cancel) {
      free(buf);
      fclose(out);
      DeleteFileA(part);
      return -1;
    }
    memset(&mx, 0, sizeof mx);
    mx.Compression = TWCP_NONE;
    mx.Memory.Flags = TWMF_APPOWNS | TWMF_POINTER;
    mx.Memory.Length = bufsize;
    mx.Memory.TheMem = buf;
    rc = call(&g_src, DG_IMAGE, DAT_IMAGEMEMXFER, MSG_GET, &mx, "DG_IMAGE/DAT_IMAGEMEMXFER/MSG_GET");
    if (rc == TWRC_SUCCESS || rc == TWRC_XFERDONE) {
      set_state(7, "DG_IMAGE/DAT_IMAGEMEMXFER/MSG_GET");
      const TW_UINT8 *src = (const TW_UINT8 *)buf;
      for (TW_UINT32 row = 0; row < mx.Rows; row++) {
        size_t y = mx.YOffset + row;
        size_t x_bytes = info.PixelType == TWPT_BW ? mx.XOffset / 8 : (size_t)mx.XOffset * (bpp / 8);
        size_t n = info.PixelType == TWPT_BW ? (mx.Columns + 7) / 8 : (size_t)mx.Columns * (bpp / 8);
        if (y >= (size_t)height || x_bytes + n > row_bytes) continue;
        fseek(out, header + (long)(y * row_bytes + x_bytes), SEEK_SET);
        if (info.PixelType == TWPT_BW) {
          /* TWPF_CHOCOLATE (the default flavour): 0 is black; PBM: 1 is black. */
          for (size_t i = 0; i < n; i++) fputc((unsigned char)~src[row * mx.BytesPerRow + i], out);
        } else fwrite(src + row * mx.BytesPerRow, 1, n, out);
      }
      rows_done += mx.Rows;
      int pct = height > 0 ? (int)((long long)rows_done * 100 / height) : 0;
      if (pct / 10 != last_pct / 10) {
        last_pct = pct;
        emit("progress", "\"seq\":%d,\"percent\":%d", seq, pct > 100 ? 100 : pct);
      }
      if (rc == TWRC_XFERDONE) break;
      continue;
    }
    free(buf);
    fclose(out);
    DeleteFileA(part);
    if (rc == TWRC_CANCEL) {
      TW_PENDINGXFERS px = {0, {0}};
      call(&g_src, DG_CONTROL, DAT_PENDINGXFERS, MSG_ENDXFER, &px, "DG_CONTROL/DAT_PENDINGXFERS/MSG_ENDXFER");
      set_state(px.Count ? 6 : 5, "DG_CONTROL/DAT_PENDINGXFERS/MSG_ENDXFER");
      return -1;
    }
    /* PAPERJAM, PAPERDOUBLEFEED, INTERLOCK…: the source stays in state 6 or 7; the caller steps down. */
    emit_error(rc, condition(&g_src), seq, pages, "memory transfer");
    return 0;
  }
  free(buf);
  fflush(out);
  FlushFileBuffers((HANDLE)_get_osfhandle(_fileno(out)));
  fclose(out);
  if (!MoveFileExA(part, file, MOVEFILE_REPLACE_EXISTING)) {
    emit_error(TWRC_FAILURE, TWCC_BUMMER, seq, pages, "cannot rename the page file");
    return 0;
  }
  emit("page", "\"seq\":%d,\"file\":\"s%06d.pnm\",\"width\":%d,\"height\":%d,\"dpi\":%d,\"pixelType\":\"%s\",\"side\":\"%s\"", seq, seq, width,
       height, dpi, pixel_name(info.PixelType), side);
  TW_PENDINGXFERS px = {0, {0}};
  call(&g_src, DG_CONTROL, DAT_PENDINGXFERS, MSG_ENDXFER, &px, "DG_CONTROL/DAT_PENDINGXFERS/MSG_ENDXFER");
  set_state(px.Count ? 6 : 5, "DG_CONTROL/DAT_PENDINGXFERS/MSG_ENDXFER");
  *pending = px.Count;
  return 1;
}

static int op_scan(const struct scan_req *r) {
  /* State 4: negotiate. Pixel type before bit depth, resolution after (§3.3). */
  set_cap(ICAP_XFERMECH, TWTY_UINT16, TWSX_MEMORY, "ICAP_XFERMECH");
  set_cap(ICAP_PIXELTYPE, TWTY_UINT16, (TW_UINT32)r->pixel_type, "ICAP_PIXELTYPE");
  set_cap(ICAP_BITDEPTH, TWTY_UINT16, r->pixel_type == TWPT_RGB ? 24 : r->pixel_type == TWPT_GRAY ? 8 : 1, "ICAP_BITDEPTH");
  set_cap(ICAP_XRESOLUTION, TWTY_FIX32, fix32_bits(r->resolution), "ICAP_XRESOLUTION");
  set_cap(ICAP_YRESOLUTION, TWTY_FIX32, fix32_bits(r->resolution), "ICAP_YRESOLUTION");
  if (r->size != TWSS_NONE) set_cap(ICAP_SUPPORTEDSIZES, TWTY_UINT16, (TW_UINT32)r->size, "ICAP_SUPPORTEDSIZES");
  set_cap(CAP_FEEDERENABLED, TWTY_BOOL, r->feeder ? 1 : 0, "CAP_FEEDERENABLED");
  if (r->feeder) {
    set_cap(CAP_AUTOFEED, TWTY_BOOL, 1, "CAP_AUTOFEED");
    set_cap(CAP_DUPLEXENABLED, TWTY_BOOL, r->duplex ? 1 : 0, "CAP_DUPLEXENABLED");
  }
  set_cap(CAP_XFERCOUNT, TWTY_INT16, (TW_UINT32)(TW_UINT16)-1, "CAP_XFERCOUNT");
  /* Blank pages are the station's to flag, never the device's to drop (regulations: keep, flag). */
  set_cap(ICAP_AUTODISCARDBLANKPAGES, TWTY_INT32, (TW_UINT32)TWBP_DISABLE, "ICAP_AUTODISCARDBLANKPAGES");
  set_cap(CAP_INDICATORS, TWTY_BOOL, 0, "CAP_INDICATORS");
  if (r->feeder) {
    TW_UINT32 loaded = 1;
    if (get_onevalue(CAP_FEEDERLOADED, &loaded) && !loaded) {
      g_last_triplet = "DG_CONTROL/DAT_CAPABILITY/MSG_GETCURRENT CAP_FEEDERLOADED";
      emit_error(TWRC_SUCCESS, TWCC_NOMEDIA, r->first_seq, 0, "CAP_FEEDERLOADED is FALSE");
      return 0;
    }
  }
  TW_USERINTERFACE ui = {0, 0, g_hwnd};
  TW_UINT16 rc = call(&g_src, DG_CONTROL, DAT_USERINTERFACE, MSG_ENABLEDS, &ui, "DG_CONTROL/DAT_USERINTERFACE/MSG_ENABLEDS");
  if (rc != TWRC_SUCCESS && rc != TWRC_CHECKSTATUS) {
    emit_error(rc, condition(&g_src), r->first_seq, 0, "enable");
    return 0;
  }
  if (rc == TWRC_CHECKSTATUS) logf_("warn", "MSG_ENABLEDS answered TWRC_CHECKSTATUS: the source cannot hide its UI");
  set_state(5, "DG_CONTROL/DAT_USERINTERFACE/MSG_ENABLEDS");

  int seq = r->first_seq, pages = 0;
  for (;;) {
    MSG msg;
    if (!PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE)) {
      if (g_cancel) {
        emit("cancelled", "\"pages\":%d", pages);
        return 1;
      }
      MsgWaitForMultipleObjects(0, NULL, FALSE, 100, QS_ALLINPUT);
      continue;
    }
    TW_EVENT ev = {&msg, MSG_NULL};
    rc = call(&g_src, DG_CONTROL, DAT_EVENT, MSG_PROCESSEVENT, &ev, "DG_CONTROL/DAT_EVENT/MSG_PROCESSEVENT");
    if (rc == TWRC_NOTDSEVENT) {
      TranslateMessage(&msg);
      DispatchMessageA(&msg);
    }
    if (ev.TWMessage == MSG_CLOSEDSREQ) {
      logf_("info", "the source asked to be closed (MSG_CLOSEDSREQ)");
      emit("done", "\"pages\":%d,\"reason\":\"closed-by-source\"", pages);
      return 1;
    }
    if (ev.TWMessage != MSG_XFERREADY) continue;
    set_state(6, "MSG_XFERREADY");
    for (;;) {
      int pending = 0;
      int got = transfer_one(r, seq, pages, &pending);
      if (got < 0) {
        emit("cancelled", "\"pages\":%d", pages);
        return 1;
      }
      if (got == 0) return 0;
      pages++;
      seq++;
      if (g_cancel && pending) {
        emit("cancelled", "\"pages\":%d", pages);
        return 1;
      }
      if (!pending) break;
    }
    emit("done", "\"pages\":%d,\"reason\":\"%s\"", pages, r->feeder ? "feeder-empty" : "done");
    return 1;
  }
}

static int op_list(void) {
  TW_IDENTITY id;
  memset(&id, 0, sizeof id);
  TW_UINT16 rc = call(NULL, DG_CONTROL, DAT_IDENTITY, MSG_GETFIRST, &id, "DG_CONTROL/DAT_IDENTITY/MSG_GETFIRST");
  int n = 0;
  while (rc == TWRC_SUCCESS) {
    EnterCriticalSection(&g_out_lock);
    fputs("{\"type\":\"device\",\"name\":", stdout);
    json_str(stdout, id.ProductName);
    fputs(",\"manufacturer\":", stdout);
    json_str(stdout, id.Manufacturer);
    fputs(",\"family\":", stdout);
    json_str(stdout, id.ProductFamily);
    fputs(",\"version\":", stdout);
    json_str(stdout, id.Version.Info);
    fprintf(stdout, ",\"protocol\":\"%u.%u\",\"groups\":%lu}\n", id.ProtocolMajor, id.ProtocolMinor, (unsigned long)id.SupportedGroups);
    fflush(stdout);
    LeaveCriticalSection(&g_out_lock);
    n++;
    memset(&id, 0, sizeof id);
    rc = call(NULL, DG_CONTROL, DAT_IDENTITY, MSG_GETNEXT, &id, "DG_CONTROL/DAT_IDENTITY/MSG_GETNEXT");
  }
  if (rc == TWRC_FAILURE) {
    TW_UINT16 cc = condition(NULL);
    /* TWCC_NODS from GETFIRST just means no source is installed. */
    if (cc != TWCC_NODS) {
      emit_error(rc, cc, 0, 0, "listing sources");
      return 0;
    }
  }
  emit("done", "\"devices\":%d", n);
  return 1;
}

static int size_code(const char *name) {
  if (!strcmp(name, "A4")) return TWSS_A4;
  if (!strcmp(name, "A5")) return TWSS_A5;
  if (!strcmp(name, "A3")) return TWSS_A3;
  if (!strcmp(name, "Letter")) return TWSS_USLETTER;
  if (!strcmp(name, "Legal")) return TWSS_USLEGAL;
  return TWSS_NONE;
}

int main(int argc, char **argv) {
  InitializeCriticalSection(&g_out_lock);
  const char *dsm_wanted = NULL;
  for (int i = 1; i + 1 < argc; i++)
    if (!strcmp(argv[i], "--dsm")) dsm_wanted = argv[i + 1];
  if (!fgets(g_request, sizeof g_request, stdin)) {
    emit("fatal", "\"message\":\"no request on stdin\"");
    return 2;
  }
  char op[32] = "";
  get_str(g_request, "op", op, sizeof op);
  if (!load_dsm(dsm_wanted)) {
    emit("fatal", "\"message\":\"no TWAIN DSM (TWAINDSM.dll / twain_32.dll) found\",\"missing\":\"dsm\"");
    return 3;
  }
  emit("ready", "\"helper\":\"twain\",\"arch\":\"%s\",\"dsm\":\"%s\",\"protocol\":1", HELPER_ARCH, g_dsm_name);
  HANDLE reader = CreateThread(NULL, 0, stdin_reader, NULL, 0, NULL);
  (void)reader;
  int ok = 0;
  if (!open_dsm()) goto out;
  if (!strcmp(op, "list")) {
    ok = op_list();
  } else if (!strcmp(op, "caps") || !strcmp(op, "scan")) {
    char device[64] = "";
    get_str(g_request, "device", device, sizeof device);
    if (!open_source(device)) goto out;
    if (!strcmp(op, "caps")) {
      ok = op_caps();
      if (ok) emit("done", "");
    } else {
      struct scan_req r;
      memset(&r, 0, sizeof r);
      char pt[16] = "color", src[16] = "feeder", size[16] = "A4";
      get_str(g_request, "outDir", r.out_dir, sizeof r.out_dir);
      get_str(g_request, "pixelType", pt, sizeof pt);
      get_str(g_request, "source", src, sizeof src);
      get_str(g_request, "pageSize", size, sizeof size);
      r.first_seq = (int)get_num(g_request, "firstSeq", 1);
      r.resolution = (int)get_num(g_request, "resolution", 200);
      r.duplex = get_bool(g_request, "duplex", 0);
      r.pixel_type = !strcmp(pt, "bw") ? TWPT_BW : !strcmp(pt, "gray") ? TWPT_GRAY : TWPT_RGB;
      r.feeder = strcmp(src, "flatbed") != 0;
      r.size = size_code(size);
      ok = op_scan(&r);
    }
  } else {
    emit("fatal", "\"message\":\"unknown op\"");
  }
out:
  close_source();
  close_dsm();
  return ok ? 0 : 1;
}

/*
 * sohoa-jobrun: runs one program inside a Windows job object with a per-process memory ceiling
 * (JOB_OBJECT_LIMIT_PROCESS_MEMORY), the Windows counterpart of `prlimit --as` for the converters that read
 * untrusted files (Ghostscript, qpdf). A decompression bomb then fails inside the tool (its allocations are
 * refused) instead of exhausting the counter PC.
 *
 *   sohoa-jobrun.exe LIMIT_BYTES PROGRAM [ARG...]
 *
 * The child inherits stdin/stdout/stderr and its command line is the rest of ours, verbatim (as the caller
 * quoted it). Exit code: the child's; 125 when the job cannot be set up, 127 when PROGRAM cannot be started
 * (a line on stderr says which). The job kills the child if this helper dies (KILL_ON_JOB_CLOSE), so the
 * process runner's tree kill of the helper reaches the tool.
 *
 * Where the job's limit is not enforced (Wine stores it without applying it), a watch over the job's peak
 * commit (JobObjectExtendedLimitInformation.PeakProcessMemoryUsed, then the process's PrivateUsage) ends the
 * child with exit 137 once it passes the ceiling: coarser (checked every 20 ms), but still a ceiling.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define EXIT_SETUP 125
#define EXIT_START 127
#define EXIT_OVER_LIMIT 137

/* Skips argv[0] as the C runtime parses it (quoted, or up to the first blank), then the blanks after it. */
static const wchar_t *skip_program(const wchar_t *p) {
  if (*p == L'"') {
    p++;
    while (*p && *p != L'"') p++;
    if (*p == L'"') p++;
  } else {
    while (*p && *p != L' ' && *p != L'\t') p++;
  }
  while (*p == L' ' || *p == L'\t') p++;
  return p;
}

/* Skips one unquoted token (the limit: digits only) and the blanks after it. */
static const wchar_t *skip_token(const wchar_t *p) {
  while (*p && *p != L' ' && *p != L'\t') p++;
  while (*p == L' ' || *p == L'\t') p++;
  return p;
}

static unsigned long long parse_limit(const wchar_t *p) {
  unsigned long long v = 0;
  if (*p < L'0' || *p > L'9') return 0;
  while (*p >= L'0' && *p <= L'9') {
    v = v * 10 + (unsigned long long)(*p - L'0');
    p++;
  }
  return (*p == 0 || *p == L' ' || *p == L'\t') ? v : 0;
}

/* The child's committed memory as the job (or, failing that, the process) reports it. */
static SIZE_T used_by(HANDLE job, HANDLE process) {
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION info;
  SIZE_T peak = 0;
  if (QueryInformationJobObject(job, JobObjectExtendedLimitInformation, &info, sizeof info, NULL)) peak = info.PeakProcessMemoryUsed;
  PROCESS_MEMORY_COUNTERS_EX pmc;
  if (GetProcessMemoryInfo(process, (PROCESS_MEMORY_COUNTERS *)&pmc, sizeof pmc)) {
    if (pmc.PrivateUsage > peak) peak = pmc.PrivateUsage;
    if (pmc.PagefileUsage > peak) peak = pmc.PagefileUsage;
  }
  return peak;
}

int wmain(void) {
  const wchar_t *line = GetCommandLineW();
  const wchar_t *limit_arg = skip_program(line);
  unsigned long long limit = parse_limit(limit_arg);
  const wchar_t *rest = skip_token(limit_arg);
  if (limit == 0 || *rest == 0) {
    fputs("sohoa-jobrun: usage: sohoa-jobrun.exe LIMIT_BYTES PROGRAM [ARG...]\n", stderr);
    return EXIT_SETUP;
  }

  HANDLE job = CreateJobObjectW(NULL, NULL);
  if (job == NULL) {
    fprintf(stderr, "sohoa-jobrun: CreateJobObject failed (%lu)\n", GetLastError());
    return EXIT_SETUP;
  }
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
  ZeroMemory(&limits, sizeof limits);
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
  limits.ProcessMemoryLimit = (SIZE_T)limit;
  if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits)) {
    fprintf(stderr, "sohoa-jobrun: SetInformationJobObject failed (%lu)\n", GetLastError());
    return EXIT_SETUP;
  }

  /* CreateProcessW may write into the command line buffer: give it a copy. */
  size_t n = wcslen(rest) + 1;
  wchar_t *cmd = (wchar_t *)malloc(n * sizeof(wchar_t));
  if (cmd == NULL) return EXIT_SETUP;
  wmemcpy(cmd, rest, n);

  STARTUPINFOW si;
  ZeroMemory(&si, sizeof si);
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  PROCESS_INFORMATION pi;
  ZeroMemory(&pi, sizeof pi);
  /* Suspended until it is in the job: it must not allocate a byte outside the ceiling. */
  if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
    fprintf(stderr, "sohoa-jobrun: cannot start the program (%lu)\n", GetLastError());
    return EXIT_START;
  }
  if (!AssignProcessToJobObject(job, pi.hProcess)) {
    fprintf(stderr, "sohoa-jobrun: AssignProcessToJobObject failed (%lu)\n", GetLastError());
    TerminateProcess(pi.hProcess, EXIT_SETUP);
    return EXIT_SETUP;
  }
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);

  int over = 0;
  while (WaitForSingleObject(pi.hProcess, 20) == WAIT_TIMEOUT) {
    if (used_by(job, pi.hProcess) > (SIZE_T)limit) {
      over = 1;
      TerminateJobObject(job, EXIT_OVER_LIMIT);
      WaitForSingleObject(pi.hProcess, INFINITE);
      break;
    }
  }
  DWORD code = EXIT_SETUP;
  GetExitCodeProcess(pi.hProcess, &code);
  if (over) fprintf(stderr, "sohoa-jobrun: the program passed the memory ceiling of %llu bytes and was ended\n", limit);
  CloseHandle(pi.hProcess);
  CloseHandle(job);
  return (int)code;
}

#!/bin/sh
# Builds the Windows helpers with Debian's mingw-w64 (gcc-mingw-w64-x86-64, gcc-mingw-w64-i686) into
# build/windows/ (git-ignored; no binaries are committed):
#   sohoa-twain-x64.exe   TWAIN helper for 64-bit data sources
#   sohoa-twain-x86.exe   TWAIN helper for 32-bit data sources (most scanner drivers); its struct layouts are
#                         checked at compile time (twainDefs.h static asserts: TW_IDENTITY 156, TW_IMAGEINFO 42)
#   sohoa-jobrun.exe      runs a converter (Ghostscript, qpdf) in a job object with a memory ceiling
#   sohoa-test-ds-x64.ds  the project's TWAIN test data source (tests only)
#   wia.ps1               the WIA helper (PowerShell + WIA Automation), copied
# Usage: native-bridge/windows/build.sh [OUT_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-"$root/build/windows"}
mkdir -p "$out"
cflags="-O2 -Wall -Wextra -Werror -std=c11 -I$here/twain"
x64=x86_64-w64-mingw32-gcc
x86=i686-w64-mingw32-gcc
for cc in "$x64" "$x86"; do
  command -v "$cc" >/dev/null || { echo "build.sh: $cc missing (apt-get install gcc-mingw-w64-x86-64 gcc-mingw-w64-i686)" >&2; exit 3; }
done
# Build into temp names and rename: a concurrent test never runs a half-written executable.
"$x64" $cflags -o "$out/.sohoa-twain-x64.exe.$$" "$here/twain/helper.c" -luser32
mv -f "$out/.sohoa-twain-x64.exe.$$" "$out/sohoa-twain-x64.exe"
"$x86" $cflags -o "$out/.sohoa-twain-x86.exe.$$" "$here/twain/helper.c" -luser32
mv -f "$out/.sohoa-twain-x86.exe.$$" "$out/sohoa-twain-x86.exe"
"$x64" -O2 -Wall -Wextra -Werror -std=c11 -municode -o "$out/.sohoa-jobrun.exe.$$" "$here/jobrun/jobrun.c" -lpsapi
mv -f "$out/.sohoa-jobrun.exe.$$" "$out/sohoa-jobrun.exe"
"$x64" $cflags -shared -o "$out/.sohoa-test-ds-x64.ds.$$" "$root/tests/fixtures/twain/testSource.c" -Wl,--kill-at
mv -f "$out/.sohoa-test-ds-x64.ds.$$" "$out/sohoa-test-ds-x64.ds"
# The WIA helper is a script: shipped as it is, beside the TWAIN helpers.
cp "$here/wia/wia.ps1" "$out/wia.ps1"

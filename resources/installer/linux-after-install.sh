#!/bin/sh
# deb post-install: the shared data directory for the clerks of this machine (group sohoa).
set -e
getent group sohoa >/dev/null || groupadd --system sohoa
install -d -m 2770 -g sohoa /var/lib/sohoa-station

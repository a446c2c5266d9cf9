#!/usr/bin/env bash
# Installs what foidesk needs from Debian/Ubuntu packages, when run as root;
# otherwise says exactly what to install. Usage: scripts/deps.sh [test|demo|bench]
#
#   test   PostgreSQL server (tests start throwaway clusters), Dovecot IMAP,
#          Chromium (the dashboard's browser tests), poppler-utils and
#          Tesseract (reading scanned PDF pages), LibreOffice Calc (legacy
#          office formats; opening the CSV export to check it holds no formula)
#   demo   PostgreSQL server
#   bench  poppler-utils (pdftotext, the extraction speed baseline)
set -euo pipefail

need=()
have_pg() {
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
have_pg || need+=(postgresql)

case "${1:-demo}" in
  test)
    command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
    command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr tesseract-ocr-eng)
    command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
    # Writer reads legacy Word (.doc) and OpenDocument letters and tables.
    dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || dpkg -s libreoffice-writer >/dev/null 2>&1 ||
      need+=(libreoffice-writer-nogui)
    ;;
  bench)
    command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
    ;;
esac

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "foidesk needs these Debian packages: ${need[*]}" >&2
  echo "install them with:  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi

echo "installing ${need[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts packaged services on install; foidesk runs its own instances.
for svc in postgresql dovecot; do
  if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
done

#!/usr/bin/env bash
# Headless Chromium for the browser tests: Debian's package, driven by Playwright through
# its executable_path (no browser download; this machine reaches no browser CDN).
_BROWSER_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_BROWSER_HERE/env.sh"

# a CJK font: without one every Chinese label renders as empty boxes in screenshots;
# poppler-utils: the report tests render the PDFs to pictures (pdftoppm)
browser_install() { apt_install chromium fonts-wqy-microhei poppler-utils; }

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then browser_install; fi

#!/usr/bin/env bash
# Builds the front end into static/: GOV.UK Frontend's scripts and assets, and
# our stylesheet compiled from static/src with Arial in place of GDS Transport.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/govuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

govuk=node_modules/govuk-frontend/dist/govuk
rm -rf static/vendor static/dist
mkdir -p static/vendor/govuk static/dist
cp "$govuk/govuk-frontend.min.js" static/vendor/govuk/
cp -r "$govuk/assets" static/vendor/govuk/assets
rm -rf static/vendor/govuk/assets/fonts
npx --no-install sass --no-source-map --load-path=node_modules --style=compressed \
  static/src/app.scss static/dist/app.css
echo "Static files built into static/."

#!/usr/bin/env bash
# `make scan`: cfn-lint and checkov on the built template (build/package/sam.json; `make package` first).
#
# checkov pins a boto3 that ours cannot share, so it gets a virtual environment of its own, created on
# first use in .local/checkov-venv from the project's interpreter. Every finding it skips is skipped
# in deploy/resources.json (Metadata: checkov: skip), each with a comment that says why.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=3.3.30
VENV=${CHECKOV_VENV:-.local/checkov-venv}
TEMPLATE=${1:-build/package/sam.json}

[ -f "$TEMPLATE" ] || { echo "no $TEMPLATE: run make package first" >&2; exit 1; }
if [ ! -f "$VENV/.installed-$VERSION" ]; then
    rm -rf "$VENV"
    .venv/bin/python -m venv "$VENV"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q "checkov==$VERSION"
    touch "$VENV/.installed-$VERSION"
fi
.venv/bin/cfn-lint --regions us-east-1 eu-central-1 -- "$TEMPLATE"
# --skip-download: no call to Prisma Cloud for its guidelines (nothing leaves the machine).
BC_SKIP_MAPPING=TRUE "$VENV/bin/checkov" --file "$TEMPLATE" --framework cloudformation --quiet --compact --skip-download

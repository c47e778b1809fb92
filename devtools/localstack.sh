#!/usr/bin/env bash
# `make test-localstack`: the functional tests against a real LocalStack instead of moto.
#
# LocalStack's own CLI wants Docker and an account token; its bare runtime wants neither. The runtime
# (localstack-core 2026.3.0) needs Python 3.13, so it gets a virtual environment of its own, created
# on first use in .local/localstack-venv. LocalStack runs on 127.0.0.1 only, for the length of the
# run, with its state in a temporary folder, and presigned URLs are checked for real.
#
#   devtools/localstack.sh                      # tests/functional
#   devtools/localstack.sh tests/functional/test_presigned_url_localstack.py -x   # other pytest arguments
#
# Environment: LOCALSTACK_PYTHON (a python3.13), LOCALSTACK_VENV, LOCALSTACK_PORT (4566).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=2026.3.0
VENV=${LOCALSTACK_VENV:-.local/localstack-venv}
PORT=${LOCALSTACK_PORT:-4566}
ENDPOINT=http://127.0.0.1:$PORT
LOG=.local/localstack.log

python313() {
    # pyenv's shims are on PATH but fail unless 3.13 is selected: try each candidate for real.
    for candidate in ${LOCALSTACK_PYTHON:-} python3.13 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13; do
        if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "LocalStack's runtime needs Python 3.13: install it (pyenv install 3.13) or set LOCALSTACK_PYTHON" >&2
    exit 1
}

# 1. The runtime, in its own virtual environment (its pins clash with ours: boto3 1.42, cryptography).
if [ ! -f "$VENV/.installed-$VERSION" ]; then
    interpreter=$(python313)
    rm -rf "$VENV"
    "$interpreter" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q \
        "localstack-core[runtime]==$VERSION" "cbor2<6" "pyopenssl<26" "cryptography<47" service_identity
    touch "$VENV/.installed-$VERSION"
fi

# 2. Start it on 127.0.0.1 (the default server binds every interface), in a session of its own.
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "port $PORT is taken: stop what listens there, or set LOCALSTACK_PORT" >&2
    exit 1
fi
mkdir -p .local
state=$(mktemp -d)
env GATEWAY_LISTEN="127.0.0.1:$PORT" GATEWAY_SERVER=hypercorn LOCALSTACK_HOST="127.0.0.1:$PORT" \
    OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$state" DISABLE_EVENTS=1 SKIP_SSL_CERT_DOWNLOAD=1 DNS_ADDRESS=0 \
    SQS_ENDPOINT_STRATEGY=path SERVICES=s3,sqs,kms,sts,ssm S3_SKIP_SIGNATURE_VALIDATION=0 \
    setsid "$VENV/bin/python" -m localstack.runtime.main >"$LOG" 2>&1 &
localstack=$!

stop() {
    kill -TERM -- "-$localstack" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$localstack" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$localstack" 2>/dev/null || true
    rm -rf "$state"
}
trap stop EXIT

# 3. Wait until every service we use answers.
for _ in $(seq 120); do
    if ! kill -0 "$localstack" 2>/dev/null; then
        echo "LocalStack exited; the end of $LOG:" >&2
        tail -n 30 "$LOG" >&2
        exit 1
    fi
    if curl -sf "$ENDPOINT/_localstack/health" | grep -q '"sqs"'; then break; fi
    sleep 0.5
done
curl -sf "$ENDPOINT/_localstack/health" >/dev/null || { echo "LocalStack did not become healthy; see $LOG" >&2; exit 1; }
echo "LocalStack $VERSION is up on $ENDPOINT"

# 4. The tests, with every boto3 client of the test process pointed at LocalStack.
if [ $# -eq 0 ]; then set -- tests/functional; fi
# LocalStack's default account signs with the secret "test": presigned URLs verify only with it.
AWS_ENDPOINT_URL=$ENDPOINT AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_SESSION_TOKEN=test \
    AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Known-answer vectors for shared/crypto/sign.ts, computed by a tool that shares no code with it.
#
# Each vector's canonical string is written out BY HAND below (not derived from the body), so the
# unit test checks canonicalString() against a human reading of the rule in
# ../shared/payon-api/DEFAULTS.md ("Requests to PAYON", `sign`), and both signatures against openssl.
#
# Uses only bash, printf and openssl. Run from anywhere:
#   bash test/vectors/make-sign-vectors.sh
# It rewrites test/vectors/sign-vectors.json. HMAC vectors are fixed; RSA-SHA256 with PKCS#1 v1.5 is
# deterministic too, so re-running with the same key gives the same file.
set -euo pipefail
shopt -s inherit_errexit

script_dir=${BASH_SOURCE[0]%/*}
[ "$script_dir" = "${BASH_SOURCE[0]}" ] && script_dir=.
cd "$script_dir/../.."

readonly KEY_FILE=test/fixtures/keys/merchant-test.key.pem # TEST-ONLY key, see its README
readonly HMAC_KEY='payon-test-api-key-not-a-secret'
readonly OUT=test/vectors/sign-vectors.json

# HMAC-SHA256 of the UTF-8 bytes of $1, lowercase hex. `-r` prints "<hex> *stdin".
hmac_sha256_hex() {
  local out
  out=$(printf '%s' "$1" | openssl dgst -sha256 -hmac "$HMAC_KEY" -r)
  printf '%s' "${out%% *}"
}

# RSA-SHA256 (PKCS#1 v1.5, openssl's default for RSA keys) of the UTF-8 bytes of $1, base64.
rsa_sha256_base64() {
  printf '%s' "$1" | openssl dgst -sha256 -sign "$KEY_FILE" | openssl base64 -A
}

# Escapes a string for a JSON string literal (the canonical strings hold only \ and " to escape).
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

first=1
json=''

# vector GROUP NAME CANONICAL [FIELD JSON_VALUE]...
# The body is the FIELD/JSON_VALUE pairs, in the order given (not sorted: order must not matter).
vector() {
  local group=$1 name=$2 canonical=$3
  shift 3
  local body='' sep=''
  while [ "$#" -gt 0 ]; do
    body+="$sep"$'\n      '"$(json_string "$1"): $2"
    sep=','
    shift 2
  done
  # Assigned first so that a failing openssl stops the script (set -e ignores failures inside
  # the arguments of a command).
  local hmac rsa
  hmac=$(hmac_sha256_hex "$canonical")
  rsa=$(rsa_sha256_base64 "$canonical")
  [ "$first" -eq 1 ] || json+=$',\n'
  first=0
  json+="$(
    printf '  {\n'
    printf '    "group": %s,\n' "$(json_string "$group")"
    printf '    "name": %s,\n' "$(json_string "$name")"
    printf '    "body": {%s\n    },\n' "$body"
    printf '    "canonical": %s,\n' "$(json_string "$canonical")"
    printf '    "hmacKey": %s,\n' "$(json_string "$HMAC_KEY")"
    printf '    "hmacSha256Hex": "%s",\n' "$hmac"
    printf '    "rsaSha256Base64": "%s"\n' "$rsa"
    printf '  }'
  )"
}

# The documented transaction-status request, with the amount as the product sends it ("1.00").
status_vector() {
  local name=$1 canonical=$2
  shift 2
  vector status-variants "$name" "$canonical" "$@"
}

vector documented 'reversal request (PAYON example)' \
  'merchantId=C0000143&termId=CT03000003&txId=159607654560937' \
  txId '"159607654560937"' merchantId '"C0000143"' termId '"CT03000003"'

vector documented 'transaction-status request (PAYON example, amount as "1.00")' \
  'amount=1.00&currency=USD&merchantId=C0000143&termId=CT03000003&txId=1613104202987' \
  termId '"CT03000003"' txId '"1613104202987"' merchantId '"C0000143"' currency '"USD"' \
  amount '"1.00"'

vector documented 'orders request (PAYON example, index and limit are numbers)' \
  'fromDate=01112018&index=1&limit=5&merchantId=C0000143&termId=CT03000003&toDate=24112020&trt=10' \
  fromDate '"01112018"' toDate '"24112020"' index '1' limit '5' trt '"10"' \
  merchantId '"C0000143"' termId '"CT03000003"'

vector edge 'null and empty-string fields and an existing sign are left out' \
  'merchantId=C0000143&termId=CT03000003&txId=1620803885401000' \
  txId '"1620803885401000"' merchantId '"C0000143"' clientId 'null' approvalNo '""' \
  termId '"CT03000003"' sign '"0123456789abcdef-stale-signature"'

vector edge 'UTF-8 cardholder name in Khmer' \
  'cardHolderName=សុខ ចាន់&clientId=CUST0001&merchantId=C0000143&termId=CT03000003&txId=1620803885401001' \
  merchantId '"C0000143"' termId '"CT03000003"' clientId '"CUST0001"' \
  cardHolderName '"សុខ ចាន់"' txId '"1620803885401001"'

vector edge 'zero, false, nested object and array keep their JSON text' \
  'amount=2.30&capture=false&items=[{"sku":"A1","qty":2}]&merchantId=C0000143&meta={"channel":"web","tags":["a","b"]}&retry=0&termId=CT03000003' \
  merchantId '"C0000143"' termId '"CT03000003"' amount '"2.30"' capture 'false' retry '0' \
  items '[{ "sku": "A1", "qty": 2 }]' meta '{ "channel": "web", "tags": ["a", "b"] }'

vector edge 'strings are taken as they are: no quotes, no escaping' \
  'merchantId=C0000143&remark=Tea & "cake" = 2\3 / ok&termId=CT03000003' \
  remark '"Tea & \"cake\" = 2\\3 / ok"' merchantId '"C0000143"' termId '"CT03000003"'

vector edge 'field names sort by UTF-16 code unit, upper case before lower case' \
  'B=4&a1=2&aB=3&a_b=5&b=1' \
  b '"1"' a1 '"2"' aB '"3"' B '"4"' a_b '"5"'

# One field of the status request changed, or removed, at a time.
status_vector 'base' \
  'amount=1.00&currency=USD&merchantId=C0000143&termId=CT03000003&txId=1613104202987' \
  termId '"CT03000003"' txId '"1613104202987"' merchantId '"C0000143"' currency '"USD"' \
  amount '"1.00"'
status_vector 'amount changed' \
  'amount=1.01&currency=USD&merchantId=C0000143&termId=CT03000003&txId=1613104202987' \
  termId '"CT03000003"' txId '"1613104202987"' merchantId '"C0000143"' currency '"USD"' \
  amount '"1.01"'
status_vector 'amount removed' \
  'currency=USD&merchantId=C0000143&termId=CT03000003&txId=1613104202987' \
  termId '"CT03000003"' txId '"1613104202987"' merchantId '"C0000143"' currency '"USD"'
status_vector 'currency changed' \
  'amount=1.00&currency=KHR&merchantId=C0000143&termId=CT03000003&txId=1613104202987' \
  termId '"CT03000003"' txId '"1613104202987"' merchantId '"C0000143"' currency '"KHR"' \
  amount '"1.00"'
status_vector 'currency removed' \
  'amount=1.00&merchantId=C0000143&termId=CT03000003&txId=1613104202987' \
  termId '"CT03000003"' txId '"1613104202987"' merchantId '"C0000143"' amount '"1.00"'
status_vector 'merchantId changed' \
  'amount=1.00&currency=USD&merchantId=C0000144&termId=CT03000003&txId=1613104202987' \
  termId '"CT03000003"' txId '"1613104202987"' merchantId '"C0000144"' currency '"USD"' \
  amount '"1.00"'
status_vector 'merchantId removed' \
  'amount=1.00&currency=USD&termId=CT03000003&txId=1613104202987' \
  termId '"CT03000003"' txId '"1613104202987"' currency '"USD"' amount '"1.00"'
status_vector 'termId changed' \
  'amount=1.00&currency=USD&merchantId=C0000143&termId=CT03000004&txId=1613104202987' \
  termId '"CT03000004"' txId '"1613104202987"' merchantId '"C0000143"' currency '"USD"' \
  amount '"1.00"'
status_vector 'termId removed' \
  'amount=1.00&currency=USD&merchantId=C0000143&txId=1613104202987' \
  txId '"1613104202987"' merchantId '"C0000143"' currency '"USD"' amount '"1.00"'
status_vector 'txId changed' \
  'amount=1.00&currency=USD&merchantId=C0000143&termId=CT03000003&txId=1613104202988' \
  termId '"CT03000003"' txId '"1613104202988"' merchantId '"C0000143"' currency '"USD"' \
  amount '"1.00"'
status_vector 'txId removed' \
  'amount=1.00&currency=USD&merchantId=C0000143&termId=CT03000003' \
  termId '"CT03000003"' merchantId '"C0000143"' currency '"USD"' amount '"1.00"'

# Written in one go, only after every openssl call has succeeded.
printf '[\n%s\n]\n' "$json" >"$OUT"
printf 'wrote %s\n' "$OUT"

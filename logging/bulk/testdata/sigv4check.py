"""Checks an AWS SigV4-signed HTTP request with botocore's signer.

Reads one JSON object on stdin: method, url, headers (name -> list of
values), body (base64), access_key, secret_key, session_token, region,
service. Prints "ok" and exits 0 when the Authorization header's signature
is the one botocore computes for the request over the headers it lists;
prints the reason and exits 1 otherwise. Used by logging/bulk's
TestSigV4Botocore so the signature is checked by an implementation other
than the one that made it.
"""
import base64
import datetime
import hashlib
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def fail(msg):
    print(msg)
    sys.exit(1)


def main():
    req = json.load(sys.stdin)
    headers = {k.lower(): ",".join(v) for k, v in req["headers"].items()}
    body = base64.b64decode(req["body"])
    auth = headers.get("authorization", "")
    algo, _, rest = auth.partition(" ")
    if algo != "AWS4-HMAC-SHA256":
        fail("no AWS4-HMAC-SHA256 Authorization header")
    parts = dict(p.strip().split("=", 1) for p in rest.split(","))
    akid, date, region, service, term = parts["Credential"].split("/")
    if akid != req["access_key"]:
        fail("signed with access key %s, want %s" % (akid, req["access_key"]))
    if (region, service, term) != (req["region"], req["service"], "aws4_request"):
        fail("credential scope %s/%s/%s, want %s/%s/aws4_request" % (region, service, term, req["region"], req["service"]))
    amz_date = headers.get("x-amz-date", "")
    if not amz_date.startswith(date):
        fail("X-Amz-Date %r does not match the scope date %s" % (amz_date, date))
    signed_at = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    if abs((datetime.datetime.now(datetime.timezone.utc) - signed_at).total_seconds()) > 300:
        fail("signed at %s, more than 5 minutes from now" % amz_date)
    payload = headers.get("x-amz-content-sha256")
    if payload is None and service == "aoss":
        fail("aoss requires the x-amz-content-sha256 header")
    if payload is not None and payload != hashlib.sha256(body).hexdigest():
        fail("x-amz-content-sha256 is not the body's SHA-256")
    if req.get("session_token") and headers.get("x-amz-security-token") != req["session_token"]:
        fail("X-Amz-Security-Token missing or wrong")
    signed = parts["SignedHeaders"].split(";")
    for required in ("host", "x-amz-date"):
        if required not in signed:
            fail("%s is not signed" % required)
    request = AWSRequest(method=req["method"], url=req["url"], data=body,
                         headers={name: headers[name] for name in signed if name in headers})
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(req["access_key"], req["secret_key"], req.get("session_token") or None), service, region)
    canonical = signer.canonical_request(request)
    want = signer.signature(signer.string_to_sign(request, canonical), request)
    if want != parts["Signature"]:
        fail("signature mismatch: botocore computes %s over SignedHeaders=%s; request has %s" % (want, signer.signed_headers(signer.headers_to_sign(request)), parts["Signature"]))
    print("ok")


main()

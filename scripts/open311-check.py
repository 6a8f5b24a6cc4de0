#!/usr/bin/python3
"""open311-check.py BASE [JURISDICTION] - a quick compatibility check of an Open311 GeoReport v2
endpoint as clients see it, with the Python standard library only.

Reads discovery, services, every service definition and requests in both formats and checks what
the open311/schema-validation schemas and common clients require: exact Content-Types, the XML
declaration, ids as strings, booleans as booleans, required fields, W3C datetimes with an offset,
the same data in XML and JSON, a 404 error body for an unknown service. Prints one line per
problem and exits 1 when there is any.

  scripts/open311-check.py http://127.0.0.1:8080/open311/v2/ kh-udd
  scripts/open311-check.py http://127.0.0.1:8080/o/kh-udd/open311/v2/
"""
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
problems = []


def problem(text):
    problems.append(text)
    print("FAIL", text)


def fetch(base, resource, fmt, params):
    query = urllib.parse.urlencode(params)
    url = f"{base}{resource}.{fmt}" + (f"?{query}" if query else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def get(base, resource, params, status=200):
    out = {}
    for fmt, ctype in (("json", "application/json; charset=utf-8"), ("xml", "text/xml; charset=utf-8")):
        code, got_type, body = fetch(base, resource, fmt, params)
        if code != status:
            problem(f"{resource}.{fmt}: HTTP {code}, expected {status}")
        if got_type != ctype:
            problem(f"{resource}.{fmt}: Content-Type {got_type!r}")
        if fmt == "xml":
            if not body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'):
                problem(f"{resource}.xml: no XML declaration")
            out[fmt] = ET.fromstring(body)
        else:
            out[fmt] = json.loads(body)
    return out["json"], out["xml"]


def check_services(base, params):
    services, xml = get(base, "services", params)
    if not isinstance(services, list) or len(services) != len(xml.findall("service")):
        problem("services: the JSON array and the XML list differ")
    for s in services:
        for field in ("service_code", "service_name", "metadata", "type"):
            if field not in s:
                problem(f"services: {s.get('service_code')} lacks {field}")
        if not isinstance(s.get("service_code"), str) or not isinstance(s.get("metadata"), bool):
            problem(f"services: {s.get('service_code')}: service_code must be a string, metadata a boolean")
        if s.get("type") not in ("realtime", "batch", "blackbox"):
            problem(f"services: {s.get('service_code')}: type {s.get('type')!r}")
        if s.get("metadata"):
            check_definition(base, params, s["service_code"])
    return services


def check_definition(base, params, code):
    d, xml = get(base, f"services/{code}", params)
    if d.get("service_code") != code or xml.findtext("service_code") != code:
        problem(f"services/{code}: service_code differs")
    orders = set()
    for a in d.get("attributes", []):
        for field, kind in (("variable", bool), ("code", str), ("datatype", str), ("required", bool)):
            if not isinstance(a.get(field), kind):
                problem(f"services/{code}: attribute {a.get('code')}: {field} must be {kind.__name__}")
        if a.get("order") in orders or not isinstance(a.get("order"), int) or a.get("order") < 1:
            problem(f"services/{code}: attribute {a.get('code')}: order must be a unique positive integer")
        orders.add(a.get("order"))
        if a.get("datatype", "").endswith("valuelist"):
            for v in a.get("values", []):
                if not isinstance(v.get("key"), str) or not isinstance(v.get("name"), str):
                    problem(f"services/{code}: attribute {a.get('code')}: values need string key and name")
    if len(d.get("attributes", [])) != len(xml.findall("attributes/attribute")):
        problem(f"services/{code}: XML and JSON attributes differ")


def check_requests(base, params):
    requests, xml = get(base, "requests", params)
    if len(requests) != len(xml.findall("request")):
        problem("requests: the JSON array and the XML list differ")
    for r in requests:
        for field in ("service_request_id", "status", "service_code", "requested_datetime"):
            if not isinstance(r.get(field), str):
                problem(f"requests: {r.get('service_request_id')}: {field} must be a string")
        if r.get("status") not in ("open", "closed"):
            problem(f"requests: {r.get('service_request_id')}: status {r.get('status')!r}")
        for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
            if r.get(field) is not None and not DATETIME.match(r[field]):
                problem(f"requests: {r.get('service_request_id')}: {field} {r[field]!r} is not W3C")
        for field in ("email", "phone", "first_name", "last_name", "account_id"):
            if field in r:
                problem(f"requests: {r.get('service_request_id')}: personal field {field} in a GET answer")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    base = sys.argv[1] if sys.argv[1].endswith("/") else sys.argv[1] + "/"
    params = {"jurisdiction_id": sys.argv[2]} if len(sys.argv) > 2 else {}
    get(base, "discovery", {})
    check_services(base, params)
    check_requests(base, params)
    error, xml = get(base, "services/no-such-service-0", params, status=404)
    if not (isinstance(error, list) and error and error[0].get("code") == 404 and xml.findtext("error/code") == "404"):
        problem("an unknown service must answer a 404 error list")
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

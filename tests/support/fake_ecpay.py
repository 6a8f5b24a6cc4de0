#!/usr/bin/python3
"""fake_ecpay.py - a local server speaking ECPay's all-in-one payment protocol (綠界 AIO) for the
gateway tests, as developers.ecpay.com.tw documents it. No money moves.

usage: fake_ecpay.py PORT_FILE MERCHANT_ID HASH_KEY HASH_IV

Listens on 127.0.0.1 (a free port, written to PORT_FILE once listening).

  POST /Cashier/AioCheckOut/V5     the order form the merchant's page auto-posts: every required
                                   field present, PaymentType aio, EncryptType 1, our MerchantID,
                                   TotalAmount a whole number, MerchantTradeNo 1-20 letters or
                                   digits and not used before with other fields, and CheckMacValue
                                   right (computed here independently of bianmin's C code).
                                   Refused with 400 "CheckMacValue Error" and the like. Accepted:
                                   an HTML pay page offering the methods ChoosePayment allows.
  POST /fake/pay                   the citizen's choice on that page (order, method Credit | TWQR
                                   | ATM). Credit and TWQR: the order is paid and the payment
                                   notification is posted to ReturnURL, signed; ATM: the virtual
                                   account is posted to PaymentInfoURL (RtnCode 2) and shown. The
                                   merchant's answer must be exactly "1|OK" (logged either way).
                                   Then a page linking back to ClientBackURL.
  POST /Cashier/QueryTradeInfo/V5  MerchantID, MerchantTradeNo, TimeStamp, CheckMacValue checked;
                                   answers urlencoded fields with TradeStatus (0 not paid, 1 paid)
                                   and CheckMacValue. (TimeStamp is not compared with this
                                   machine's clock: the tests run bianmin on a fake clock.)
Control (JSON answers):
  POST /_control/mode      body "notify" (default) or "silent" (pay without notifying: only the
                           query can tell)
  POST /_control/atm_paid  body an order number: the ATM transfer arrives, notified as paid
  GET  /_control/log       {"orders": {no: {...}}, "notices": [{"order", "kind", "answer"}],
                            "refusals": [text], "queries": n}
"""
import datetime
import os
import hashlib
import html
import json
import re
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MERCHANT, HASH_KEY, HASH_IV = sys.argv[2], sys.argv[3], sys.argv[4]
TAIWAN = datetime.timezone(datetime.timedelta(hours=8))
REQUIRED = ["MerchantID", "MerchantTradeNo", "MerchantTradeDate", "PaymentType", "TotalAmount",
            "TradeDesc", "ItemName", "ReturnURL", "ChoosePayment", "EncryptType", "CheckMacValue"]
state = {"mode": "notify", "orders": {}, "notices": [], "refusals": [], "queries": 0, "trade": 0}
lock = threading.Lock()


def check_mac(fields):
    """CheckMacValue as ECPay's appendix describes it (.NET UrlEncode, lower case, SHA-256)."""
    pairs = "&".join(f"{k}={fields[k]}" for k in sorted(
        (k for k in fields if k != "CheckMacValue"), key=str.lower))
    text = f"HashKey={HASH_KEY}&{pairs}&HashIV={HASH_IV}"
    encoded = urllib.parse.quote_plus(text, safe="-_.!*()").lower()
    return hashlib.sha256(encoded.encode()).hexdigest().upper()


def signed(fields):
    fields = dict(fields)
    fields["CheckMacValue"] = check_mac(fields)
    return fields


def now_text():
    return datetime.datetime.now(TAIWAN).strftime("%Y/%m/%d %H:%M:%S")


def order_problem(f):
    for name in REQUIRED:
        if name not in f:
            return f"{name} Error"
    if f["MerchantID"] != MERCHANT:
        return "MerchantID Error"
    if f["PaymentType"] != "aio" or f["EncryptType"] != "1":
        return "PaymentType or EncryptType Error"
    if not re.fullmatch(r"[0-9A-Za-z]{1,20}", f["MerchantTradeNo"]):
        return "MerchantTradeNo Error"
    if not re.fullmatch(r"[1-9][0-9]*", f["TotalAmount"]):
        return "TotalAmount Error"
    if not re.fullmatch(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}", f["MerchantTradeDate"]):
        return "MerchantTradeDate Error"
    if f["ChoosePayment"] not in ("ALL", "Credit", "TWQR", "ATM"):
        return "ChoosePayment Error"
    if f["CheckMacValue"] != check_mac(f):
        return "CheckMacValue Error"
    old = state["orders"].get(f["MerchantTradeNo"])
    if old and any(old["form"].get(k) != f.get(k) for k in ("TotalAmount", "MerchantTradeDate")):
        return "MerchantTradeNo Duplicate"
    return None


def post_back(url, fields):
    """POSTs signed fields to the merchant server to server; its answer's body."""
    data = urllib.parse.urlencode(signed(fields)).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as r:
            return r.read().decode(errors="replace")
    except Exception as e:  # an answer that is not 200 or no answer: logged, as ECPay retries
        return f"error: {e}"


def base_fields(order):
    form = order["form"]
    return {"MerchantID": MERCHANT, "MerchantTradeNo": form["MerchantTradeNo"], "StoreID": "",
            "TradeNo": order["trade_no"], "TradeAmt": form["TotalAmount"],
            "TradeDate": order["trade_date"], "CustomField1": "", "CustomField2": "",
            "CustomField3": "", "CustomField4": ""}


def notify_paid(order, payment_type):
    order["status"] = "paid"
    order["payment_date"] = now_text()
    order["payment_type"] = payment_type
    fields = base_fields(order)
    fields.update({"RtnCode": "1", "RtnMsg": "交易成功", "PaymentDate": order["payment_date"],
                   "PaymentType": payment_type, "PaymentTypeChargeFee": "0", "SimulatePaid": "0"})
    answer = post_back(order["form"]["ReturnURL"], fields)
    state["notices"].append({"order": order["form"]["MerchantTradeNo"], "kind": "paid",
                             "answer": answer})


def notify_atm(order):
    form = order["form"]
    days = int(form.get("ExpireDate", "3"))
    expire = (datetime.datetime.now(TAIWAN) + datetime.timedelta(days=days)).strftime("%Y/%m/%d")
    order.update({"bank_code": "812", "account": "9103" + order["trade_no"][-12:],
                  "expire": expire, "payment_type": "ATM_TAISHIN"})
    fields = base_fields(order)
    fields.update({"RtnCode": "2", "RtnMsg": "Get VirtualAccount Succeeded",
                   "PaymentType": "ATM_TAISHIN", "BankCode": "812", "vAccount": order["account"],
                   "ExpireDate": expire})
    answer = post_back(form.get("PaymentInfoURL", form["ReturnURL"]), fields)
    state["notices"].append({"order": form["MerchantTradeNo"], "kind": "atm", "answer": answer})


PAGE = """<!DOCTYPE html>
<html lang="zh-Hant"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""

METHODS = {"Credit": "信用卡 Credit card", "TWQR": "台灣Pay TWQR", "ATM": "ATM 虛擬帳號"}


def pay_page(order):
    form = order["form"]
    choose = form["ChoosePayment"]
    methods = [m for m in METHODS if choose in ("ALL", m)]
    buttons = "".join(
        f'<button type="submit" name="method" value="{m}">{html.escape(METHODS[m])}</button> '
        for m in methods)
    body = (f'<p>特店 {html.escape(MERCHANT)} · 訂單 <strong id="order">'
            f'{html.escape(form["MerchantTradeNo"])}</strong></p>'
            f'<p>商品 {html.escape(form["ItemName"])}</p>'
            f'<p>金額 NT$ <strong id="amount">{html.escape(form["TotalAmount"])}</strong></p>'
            f'<form method="post" action="/fake/pay"><input type="hidden" name="order" '
            f'value="{html.escape(form["MerchantTradeNo"])}">{buttons}</form>')
    return PAGE.format(title="綠界科技 ECPay (fake)", body=body)


def done_page(order):
    form = order["form"]
    back = html.escape(form.get("ClientBackURL", ""))
    if order.get("account"):
        text = (f'<p>請轉帳至銀行代碼 <strong id="bank">{order["bank_code"]}</strong> 帳號 '
                f'<strong id="account">{order["account"]}</strong>，期限 {order["expire"]}</p>')
    else:
        text = '<p id="result">付款成功 Paid</p>'
    return PAGE.format(title="綠界科技 ECPay (fake)",
                       body=f'{text}<p><a id="back" href="{back}">返回商店</a></p>')


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, content_type="text/html; charset=utf-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()

    def form(self):
        return {k: v[0] for k, v in urllib.parse.parse_qs(self.body(), keep_blank_values=True).items()}

    def do_GET(self):
        if self.path == "/_control/log":
            with lock:
                log = {"orders": state["orders"], "notices": state["notices"],
                       "refusals": state["refusals"], "queries": state["queries"]}
            self.send(200, json.dumps(log), "application/json")
        else:
            self.send(404, "not found", "text/plain")

    def checkout(self):
        f = self.form()
        with lock:
            problem = order_problem(f)
            if problem:
                state["refusals"].append(problem)
                self.send(400, PAGE.format(title="Error", body=f"<p>10200073|{problem}</p>"))
                return
            no = f["MerchantTradeNo"]
            if no not in state["orders"]:
                state["trade"] += 1
                state["orders"][no] = {"form": f, "status": "unpaid", "trade_date": now_text(),
                                       "trade_no": datetime.datetime.now(TAIWAN).strftime(
                                           "%y%m%d%H%M") + f"{state['trade']:06d}"}
            order = state["orders"][no]
            order["form"] = f
        self.send(200, pay_page(order))

    def pay(self):
        f = self.form()
        with lock:
            order = state["orders"].get(f.get("order", ""))
            method = f.get("method", "")
            if not order or method not in METHODS or order["form"]["ChoosePayment"] not in (
                    "ALL", method):
                self.send(400, PAGE.format(title="Error", body="<p>no such order or method</p>"))
                return
            if method == "ATM":
                notify_atm(order)
            elif state["mode"] == "silent":
                order.update({"status": "paid", "payment_date": now_text(),
                              "payment_type": "TWQR_OPAY" if method == "TWQR" else
                              "Credit_CreditCard"})
            else:
                notify_paid(order, "TWQR_OPAY" if method == "TWQR" else "Credit_CreditCard")
        self.send(200, done_page(order))

    def query(self):
        f = self.form()
        with lock:
            state["queries"] += 1
            if (f.get("MerchantID") != MERCHANT or "TimeStamp" not in f or
                    f.get("CheckMacValue") != check_mac(f)):
                state["refusals"].append("query CheckMacValue Error")
                self.send(200, "CheckMacValue Error", "text/plain")
                return
            order = state["orders"].get(f.get("MerchantTradeNo", ""))
            if not order:
                self.send(200, urllib.parse.urlencode(signed({
                    "MerchantID": MERCHANT, "MerchantTradeNo": f["MerchantTradeNo"],
                    "TradeStatus": "10200047", "TradeAmt": "0"})), "text/plain")
                return
            fields = base_fields(order)
            paid = order["status"] == "paid"
            fields.update({"TradeStatus": "1" if paid else "0",
                           "PaymentDate": order.get("payment_date", "") if paid else "",
                           "PaymentType": order.get("payment_type", ""), "HandlingCharge": "0",
                           "PaymentTypeChargeFee": "0", "ItemName": order["form"]["ItemName"]})
            del fields["TradeDate"]
            fields["TradeDate"] = order["trade_date"]
        self.send(200, urllib.parse.urlencode(signed(fields)), "text/plain")

    def control(self):
        text = self.body().strip()
        with lock:
            if self.path == "/_control/mode" and text in ("notify", "silent"):
                state["mode"] = text
            elif self.path == "/_control/atm_paid" and text in state["orders"]:
                notify_paid(state["orders"][text], "ATM_TAISHIN")
            else:
                self.send(400, json.dumps({"error": "bad control"}), "application/json")
                return
        self.send(200, json.dumps({"ok": True}), "application/json")

    def do_POST(self):
        routes = {"/Cashier/AioCheckOut/V5": self.checkout, "/fake/pay": self.pay,
                  "/Cashier/QueryTradeInfo/V5": self.query}
        if self.path in routes:
            routes[self.path]()
        elif self.path.startswith("/_control/"):
            self.control()
        else:
            self.send(404, "not found", "text/plain")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()

# A JSON-RPC integration script in the shape of the PHP documentation's samples: a request
# array, callRPC($request, $host), the result read as the server sent it. The tests run it with
# its own ported helper and, with only the import line replaced, with avangate_compat.legacy.
from __future__ import print_function

import hashlib
import hmac
import os
import time

from rpc_helper import callRPC

HOST = os.environ["SANDBOX_URL"] + "/rpc/6.0/"
CODE, KEY = os.environ["MERCHANT_CODE"], os.environ["SECRET_KEY"]

date = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
message = "%d%s%d%s" % (len(CODE), CODE, len(date), date)
digest = hmac.new(KEY.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()
request = {"jsonrpc": "2.0", "method": "login", "params": [CODE, date, digest, "sha256"], "id": 1}
session = callRPC(request, HOST)

request = {"jsonrpc": "2.0", "method": "getLead", "params": [session, "60E6C4B574"], "id": 2}
lead = callRPC(request, HOST)
print("lead", lead["LeadCode"], lead["Items"]["0"]["Quantity"], lead["Items"]["0"]["Price"]["Amount"])
request = {"jsonrpc": "2.0", "method": "getProductByCode", "params": [session, "04C26C50F8"],
           "id": 3}
product = callRPC(request, HOST)
print("product", product["ProductName"], product["Enabled"])
request = {"jsonrpc": "2.0", "method": "setProductStatus",
           "params": [session, "YourProductCode", False], "id": 4}
print("status", callRPC(request, HOST))

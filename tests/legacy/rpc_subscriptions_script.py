# A plugin's "cancel this customer's subscription, later re-enable it" flow over JSON-RPC, in
# the shape of the PHP documentation's samples: getCustomerSubscriptions -> cancelSubscription
# -> enableSubscription -> getSubscription, the results read as the server sent them. The tests
# run it with its own ported helper and, with only the import line replaced, with
# avangate_compat.legacy.
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
session = callRPC({"jsonrpc": "2.0", "method": "login",
                   "params": [CODE, date, digest, "sha256"], "id": 1}, HOST)

found = callRPC({"jsonrpc": "2.0", "method": "getCustomerSubscriptions",
                 "params": [session, 0, "SEED-CUSTOMER-1"], "id": 2}, HOST)
references = [subscription["SubscriptionReference"] for subscription in found]
print("subscriptions", len(references), references[0])
cancelled = callRPC({"jsonrpc": "2.0", "method": "cancelSubscription",
                     "params": [session, references[0], ["CHURN_REASON_OTHER"],
                                "Closed the store account"], "id": 3}, HOST)
after = callRPC({"jsonrpc": "2.0", "method": "getSubscription",
                 "params": [session, references[0]], "id": 4}, HOST)
print("cancel", cancelled, after["SubscriptionEnabled"], after["Status"])
enabled = callRPC({"jsonrpc": "2.0", "method": "enableSubscription",
                   "params": [session, references[0]], "id": 5}, HOST)
again = callRPC({"jsonrpc": "2.0", "method": "getSubscription",
                 "params": [session, references[0]], "id": 6}, HOST)
print("enable", enabled, again["SubscriptionEnabled"], again["Status"] != "DISABLED",
      again["EndUser"]["Email"])

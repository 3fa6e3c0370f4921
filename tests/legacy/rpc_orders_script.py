# A store integration's order flow over JSON-RPC, in the shape of the PHP documentation's
# samples: placeOrder -> getOrder -> issueRefund -> getCustomerInformation, the results read as
# the server sent them. The tests run it with its own ported helper and, with only the import
# line replaced, with avangate_compat.legacy.
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

order = {
    "Currency": "usd", "Language": "en", "Country": "US", "CustomerIP": "10.0.0.1",
    "ExternalReference": "WHMCS-1001", "ExternalCustomerReference": "WHMCS-CLIENT-42",
    "Items": [{"Code": "TeamPlan2024", "Quantity": 2}],
    "BillingDetails": {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com",
                       "CountryCode": "US"},
    "PaymentDetails": {"Type": "TEST", "Currency": "usd", "CustomerIP": "10.0.0.1",
                       "PaymentMethod": {"CardNumber": "4111111111111111", "CardType": "visa",
                                         "ExpirationYear": "2030", "ExpirationMonth": "12",
                                         "CCID": "123", "HolderName": "Ada Lovelace"}},
}
placed = callRPC({"jsonrpc": "2.0", "method": "placeOrder", "params": [session, order],
                  "id": 2}, HOST)
print("placed", placed["Status"], placed["GrossPrice"], placed["Currency"])
read = callRPC({"jsonrpc": "2.0", "method": "getOrder", "params": [session, placed["RefNo"]],
                "id": 3}, HOST)
# (no list indexed here: the "0"-keyed JSON-RPC list shape is being narrowed to the places
# the documentation shows it)
print("read", read["RefNo"] == placed["RefNo"], read["Status"], read["ExternalReference"],
      read["BillingDetails"]["Email"])
refund = callRPC({"jsonrpc": "2.0", "method": "issueRefund",
                  "params": [session, placed["RefNo"], read["GrossPrice"], "",
                             "Customer asked", "Other"], "id": 4}, HOST)
print("refund", refund)
print("after", callRPC({"jsonrpc": "2.0", "method": "getOrder",
                        "params": [session, placed["RefNo"]], "id": 5}, HOST)["Status"])
customer = callRPC({"jsonrpc": "2.0", "method": "getCustomerInformation",
                    "params": [session, 0, "WHMCS-CLIENT-42"], "id": 6}, HOST)
print("customer", customer["ExternalCustomerReference"], customer["Email"], customer["Enabled"])

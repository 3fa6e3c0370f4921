# A store integration's order flow over SOAP as suds-era Python code wrote it:
# placeOrder -> getOrder -> issueRefund -> getCustomerInformation. The tests run it with only the
# import line replaced, with avangate_compat.legacy.
from __future__ import print_function

import hashlib
import hmac
import os
import time

from suds.client import Client, WebFault

URL = os.environ["SANDBOX_URL"] + "/soap/6.0/"
CODE, KEY = os.environ["MERCHANT_CODE"], os.environ["SECRET_KEY"]

client = Client(URL + "?wsdl", location=URL, cache=None)
date = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
message = "%d%s%d%s" % (len(CODE), CODE, len(date), date)
digest = hmac.new(KEY.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()
session = client.service.login(CODE, date, digest, "sha256")

order = {
    "Currency": "EUR", "Language": "de", "ExternalReference": "SHOP-2002",
    "Items": [{"Code": "04C26C50F8", "Quantity": 3}],
    "BillingDetails": {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com",
                       "CountryCode": "DE"},
    "PaymentDetails": {"Type": "TEST", "Currency": "EUR",
                       "PaymentMethod": {"CardNumber": "4111111111111111", "CardType": "VISA",
                                         "ExpirationYear": "2030", "ExpirationMonth": "12",
                                         "CCID": "123", "HolderName": "Ada Lovelace"}},
}
placed = client.service.placeOrder(session, order)
print("placed", placed.Status, placed.GrossPrice, placed.Items[0].Price.UnitNetPrice)
read = client.service.getOrder(session, placed.RefNo)
print("read", read.RefNo == placed.RefNo, read.Status, read.Items[0].LineItemReference != "")
print("refund", client.service.issueRefund(session, placed.RefNo, read.GrossPrice, [],
                                           "Duplicate", "Duplicate purchase"))
print("after", client.service.getOrder(session, placed.RefNo).Status)
customer = client.service.getCustomerInformation(session, placed.CustomerReference)
print("customer", customer.Email, customer.Enabled, customer.AvangateCustomerReference > 0)
try:
    client.service.issueRefund(session, placed.RefNo, read.GrossPrice, [], "again", "Other")
except WebFault as fault:
    print("fault", fault.fault.faultcode, fault.fault.faultstring)

# A suds-era integration script, as Python 2 code talking to the SOAP API was written. The tests
# run it unchanged with the real suds under Python 2.7 and, with only the import line replaced,
# with avangate_compat.legacy under Python 3, and compare what both print.
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

lead = client.service.getLead(session, "60E6C4B574")
print("lead", lead.LeadCode, lead.Currency, lead.BillingDetails.Email)
item = lead.Items[0]
print("item", item.Code, item.Quantity, item.Price.Amount, lead["Items"][0]["Code"])
print("fields", sorted(Client.dict(lead).keys())[:4], len([name for name, _ in lead]))
found = client.service.searchLeads(session, {"Country": "RO", "Limit": 2})
print("search", found.Pagination.Page, found.Pagination.Limit, len(found.Items))

product = client.service.getProductByCode(session, "NewProdCodeAPI12345")
print("product", product.ProductName, product.Enabled)
product.ProductName = "Renamed by a suds script"
print("update", client.service.updateProduct(session, product))
print("read back", client.service.getProductByCode(session, "NewProdCodeAPI12345").ProductName)
print("status", client.service.setProductStatus(session, "YourProductCode", True))
try:
    client.service.getLead(session, "NOSUCHLEAD")
except WebFault as fault:
    print("fault", fault.fault.faultcode, fault.fault.faultstring)

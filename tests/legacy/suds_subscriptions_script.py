# A plugin's "cancel this customer's subscription, later re-enable it" flow over SOAP as
# suds-era Python code wrote it: getCustomerSubscriptions -> cancelSubscription ->
# enableSubscription -> getSubscription. The tests run it with only the import line replaced,
# with avangate_compat.legacy.
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

found = client.service.getCustomerSubscriptions(session, 435384557, "SEED-CUSTOMER-1")
first = found[0]
print("subscriptions", len(found), first.SubscriptionReference, first.SubscriptionEnabled)
print("cancel", client.service.cancelSubscription(session, first.SubscriptionReference))
after = client.service.getSubscription(session, first.SubscriptionReference)
print("after", after.SubscriptionEnabled, after.Status, after.RecurringEnabled)
print("enable", client.service.enableSubscription(session, first.SubscriptionReference))
again = client.service.getSubscription(session, first.SubscriptionReference)
print("again", again.SubscriptionEnabled, again.Product.ProductCode)
try:
    client.service.getCustomerSubscriptions(session, 435384557, "SOMEONE-ELSE")
except WebFault as fault:
    print("fault", fault.fault.faultcode)

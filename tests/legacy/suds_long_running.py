# A long-running suds-era job: it logs in once and keeps its sessionID while it works for longer
# than a session lives (the tests shorten the sandbox's session lifetime to one second).
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
for round_ in range(3):
    try:
        print("round", round_, client.service.getLead(session, "60E6C4B574").LeadCode)
    except WebFault as fault:
        print("round", round_, "fault", fault.fault.faultcode)
    time.sleep(1.5)

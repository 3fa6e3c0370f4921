# The PHP documentation's callRPC helper as Python 2 integrations ported it (urllib2, json):
# the reference that avangate_compat.legacy.callRPC replaces by one import line.
import json

try:
    from urllib2 import Request, urlopen  # Python 2
except ImportError:  # Python 3
    from urllib.request import Request, urlopen


def callRPC(request, host):
    body = json.dumps(request).encode("utf-8")
    answer = urlopen(Request(host, body, {"Content-Type": "application/json",
                                          "Accept": "application/json"}))
    response = json.loads(answer.read().decode("utf-8"))
    if "result" in response:
        return response["result"]
    raise Exception(response["error"])

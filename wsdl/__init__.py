"""The shipped WSDL and the SOAP-encoding schema it imports, installed as package data.

The real 2Checkout 6.0 WSDL is not public: this one is a faithful rpc/encoded description of the
documented operations and objects, one choice among many. Regenerate it with
``python wsdl/make_wsdl.py`` after editing the type table there.
"""

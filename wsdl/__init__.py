"""The shipped WSDL and the SOAP-encoding schema it imports, installed as package data.

The real 2Checkout 6.0 WSDL is not public: this one is a faithful rpc/encoded description of the
documented operations and objects, one choice among many. Regenerate it with
``python wsdl/tools/make_wsdl.py`` after editing ``avangate_compat/spec.json``.
"""

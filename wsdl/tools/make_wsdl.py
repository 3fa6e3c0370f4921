"""Write ``wsdl/avangate-6.0.wsdl`` from the API spec (``avangate_compat/spec.json``).

The real 6.0 WSDL is not public (see docs/api-facts.md), so the shipped one is our own rpc/encoded
description of the spec, in the style PHP's SoapServer and Zend_Soap produced: SOAP 1.1,
``style="rpc"``, ``use="encoded"``, SOAP-ENC arrays named ``ArrayOf<Type>``, every element
nillable. The client never depends on these type names; the sandbox and PHP's SoapClient read
them to know each field's type.

Run ``python wsdl/tools/make_wsdl.py`` after editing the spec; the output is committed, and a test
fails when it no longer matches the spec. This script is not part of the installed package.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

HOST = "https://api.2checkout.com"
SCALARS = {"string": "xsd:string", "int": "xsd:int", "boolean": "xsd:boolean",
           "decimal": "xsd:decimal", "any": "xsd:anyType"}
ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "avangate_compat" / "spec.json"
TARGET = ROOT / "wsdl" / "avangate-6.0.wsdl"


def _ref(type_name: str) -> str:
    if type_name.endswith("[]"):
        item = type_name[:-2]
        return "tns:ArrayOf" + (item.capitalize() if item in SCALARS else item)
    return SCALARS.get(type_name, "tns:" + type_name)


def _array_item(type_name: str) -> str:
    return SCALARS.get(type_name, "tns:" + type_name)


def render(spec: dict[str, Any]) -> str:
    """The WSDL text of a decoded spec."""
    tns = spec["namespace"]
    types: dict[str, dict[str, str]] = spec["types"]
    operations = {name: (_wire_params(op), op["result"])
                  for name, op in spec["operations"].items()}
    arrays = sorted({t[:-2] for fields in types.values() for t in fields.values()
                     if t.endswith("[]")}
                    | {t[:-2] for params, ret in operations.values()
                       for t in [ret, *(p for _, p in params)] if t.endswith("[]")})
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Generated from avangate_compat/spec.json by wsdl/tools/make_wsdl.py: edit the spec,"
        " not this file. -->",
        f'<definitions name="AvangateCompat60" targetNamespace="{tns}"',
        f'  xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="{tns}"',
        '  xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"',
        '  xmlns:xsd="http://www.w3.org/2001/XMLSchema"',
        '  xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"',
        '  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">',
        "  <types>",
        f'    <xsd:schema targetNamespace="{tns}">',
        '      <xsd:import namespace="http://schemas.xmlsoap.org/soap/encoding/"/>',
    ]
    for name in arrays:
        out += [
            f'      <xsd:complexType name="{_ref(name + "[]")[4:]}">',
            '        <xsd:complexContent><xsd:restriction base="soapenc:Array">',
            '          <xsd:attribute ref="soapenc:arrayType"'
            f' wsdl:arrayType="{_array_item(name)}[]"/>',
            "        </xsd:restriction></xsd:complexContent>",
            "      </xsd:complexType>",
        ]
    for name, fields in types.items():
        out.append(f'      <xsd:complexType name="{name}">')
        out.append("        <xsd:sequence>")
        for field, type_name in fields.items():
            out.append(f'          <xsd:element name="{field}" type="{_ref(type_name)}"'
                       ' nillable="true"/>')
        out += ["        </xsd:sequence>", "      </xsd:complexType>"]
    out += ["    </xsd:schema>", "  </types>"]
    for op, (params, ret) in operations.items():
        out.append(f'  <message name="{op}">')
        out += [f'    <part name="{p}" type="{_ref(t)}"/>' for p, t in params]
        out.append("  </message>")
        out += [f'  <message name="{op}Response">',
                f'    <part name="{op}Return" type="{_ref(ret)}"/>', "  </message>"]
    out.append('  <portType name="AvangateCompat60PortType">')
    for op in operations:
        out += [f'    <operation name="{op}">', f'      <input message="tns:{op}"/>',
                f'      <output message="tns:{op}Response"/>', "    </operation>"]
    out.append("  </portType>")
    out += ['  <binding name="AvangateCompat60Binding" type="tns:AvangateCompat60PortType">',
            '    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>']
    body = (f'<soap:body use="encoded" namespace="{tns}" '
            'encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/>')
    for op in operations:
        out += [f'    <operation name="{op}">',
                f"      <soap:operation soapAction={quoteattr(tns + '#' + op)}/>",
                f"      <input>{body}</input>", f"      <output>{body}</output>",
                "    </operation>"]
    out.append("  </binding>")
    out += ['  <service name="AvangateCompat60">',
            '    <port name="AvangateCompat60Port" binding="tns:AvangateCompat60Binding">',
            f'      <soap:address location="{HOST}{spec["endpoints"]["soap"]}"/>',
            "    </port>", "  </service>",
            "</definitions>", ""]
    return "\n".join(out)


def _wire_params(op: dict[str, Any]) -> list[tuple[str, str]]:
    """Every SOAP argument in order: the sessionID first, except for login."""
    session = [("sessionID", "string")] if op.get("session", True) else []
    return session + [(p["name"], p["type"]) for p in op["params"]]


def main() -> int:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    TARGET.write_text(render(spec), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
